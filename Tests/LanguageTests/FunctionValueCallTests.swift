import Testing

@testable import Language

/// Calls of the function an expression evaluates to (`make(2)(5)`, `fs[0](x)`): functions are
/// values (LANGUAGE.md §8), so a returned or listed one is called where it is.
@Suite struct FunctionValueCallTests {
    static let adder = """
        def adder(a):
            def add(b):
                return a + b
            return add

        """

    @Test func aReturnedFunctionIsCalledInPlace() throws {
        #expect(try number(Self.adder + "r = adder(2)(5)") == 7)
        #expect(try number(Self.adder + "g = adder(2)\nr = g(5)") == 7)
    }

    @Test func chainedAndListedCalls() throws {
        let code = """
            def curry(a):
                def middle(b):
                    def last(c):
                        return 100 * a + 10 * b + c
                    return last
                return middle
            def double(x):
                return 2 * x
            def square(x):
                return x * x
            fs = [double, square]
            r = curry(1)(2)(3) + fs[1](4) + [f(3) for f in fs][0] + fs[-1](fs[0](1))
            """
        #expect(try number(code) == 123 + 16 + 6 + 4)
    }

    @Test func keywordArgumentsAndErrorsInsideKeepTheirNotes() throws {
        let code = """
            def scaler(k):
                def scale(x, by: 1):
                    return k * x * by + missing
                return scale
            r = scaler(2)(3, by: 10)
            """
        let d = try #require(diagnostic(code))
        #expect(d.message.contains("unknown name 'missing'"), "\(d.message)")
        #expect(d.range.start.line == 3)
        #expect(d.notes.contains { $0.range.start.line == 5 }, "called from the value call: \(d.notes)")
    }

    @Test(arguments: [
        ("r = (1)(2)", "this is a number, not a function, so it cannot be called", 1, 5),
        ("xs = [1, 2]\nr = xs[0](3)", "this is a number, not a function, so it cannot be called", 2, 5),
        ("s = x.sum()", "only a named function can be called: write sum(x), not x.sum()", 1, 10)
    ])
    func callingWhatIsNotAFunctionIsALocatedError(_ code: String, _ message: String, _ line: Int, _ column: Int) {
        let d = diagnostic(code)
        #expect(d?.message == message, "\(d?.message ?? "no error")")
        #expect(d?.range.start.line == line)
        #expect(d?.range.start.column == column)
    }

    @Test func theDumpAndTheDependenciesSeeTheCallee() throws {
        let statements = try Parser.parse(SourceText("r = fs[0](x)(y: 2)"))
        #expect(
            ASTDump.dump(statements).contains("(call@1:5 (call@1:5 (index@1:5 fs@1:5 0.0@1:8) x@1:11) y: 2.0@1:17)"))
        #expect(Dependencies.of(statements).reads == ["fs", "x"])
    }
}
