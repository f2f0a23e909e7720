import Foundation
import NTKCore
import Testing

@testable import Language

/// The semantics of docs/language.md#statements: loops, scopes, functions, recursion, random
/// streams, masks, lists, `str`, figures, outputs and errors inside functions, the stack and the
/// block timeout.
@Suite struct ControlFlowTests {
    static func numbers(_ code: String, _ name: String = "r") throws -> [Double] {
        guard case .list(let items) = try value(code, name) else { throw TestFailure("\(name) is not a list") }
        return try items.map { v in
            switch v {
            case .number(let x): return x
            case .matrix(let m) where m.count == 1: return m.storage[0]
            default: throw TestFailure("\(name) holds \(v.typeDescription)")
            }
        }
    }

    static func string(_ code: String, _ name: String = "r") throws -> String {
        guard case .string(let s) = try value(code, name) else { throw TestFailure("\(name) is not a string") }
        return s
    }

    // MARK: Loops and scopes

    @Test func loopsShareTheNotebooksEnvironmentAndTheLoopVariableStaysBound() throws {
        let context = try run("total = 0\nfor i in [1, 2, 3]:\n    total = total + i\n    last = i * 10\nr = i")
        #expect(context.environment["total"] == .number(6))
        #expect(context.environment["last"] == .number(30))
        #expect(context.environment["r"] == .number(3))
    }

    @Test func anEmptyLoopLeavesTheOldBinding() throws {
        #expect(try number("i = 5\nfor i in []:\n    pass\nr = i") == 5)
        #expect(try number("i = 7\nfor i in range(0):\n    pass\nr = i") == 7)
        #expect(diagnostic("for j in []:\n    pass\nr = j")?.message == "unknown name 'j'")
    }

    @Test func loopsGoOverListsRangesVectorsAndRows() throws {
        #expect(try Self.numbers("r = []\nfor x in [[1], [2], [3]]:\n    r = r + [x]") == [1, 2, 3])
        #expect(try Self.numbers("r = []\nfor x in [[4, 5]]:\n    r = r + [x]") == [4, 5])
        // An n×k matrix (n, k > 1) gives its rows, each 1×k.
        let rows = try value("r = []\nfor row in [[1, 2], [3, 4], [5, 6]]:\n    r = r + [row]")
        #expect(
            rows
                == .list([
                    .matrix(Matrix(rowArrays: [[1, 2]])), .matrix(Matrix(rowArrays: [[3, 4]])),
                    .matrix(Matrix(rowArrays: [[5, 6]]))
                ]))
        #expect(
            diagnostic("for c in \"abc\":\n    pass")?.message
                == "cannot loop over a string (loop over a list, a range(...) or a matrix)")
    }

    @Test func whileBreakAndContinue() throws {
        let code = """
            k = 0
            r = []
            while k < 10:
                k = k + 1
                if k == 2 or k == 4 or k == 6:
                    continue
                if k > 7:
                    break
                r = r + [k]
            """
        #expect(try Self.numbers(code) == [1, 3, 5, 7])
        #expect(try number(code, "k") == 8)
        // break leaves only the innermost loop.
        let nested =
            "r = []\nfor i in [1, 2]:\n    for j in [1, 2, 3]:\n        if j == 2:\n            break\n        r = r + [10 * i + j]"
        #expect(try Self.numbers(nested) == [11, 21])
    }

    @Test func returnLeavesNestedLoopsAndBreakOnlyTheInnermost() throws {
        let code = """
            def f(n):
                for i in range(10):
                    while true:
                        if i == n:
                            return i * 100
                        break
                return -1
            r = [f(3), f(20)]
            """
        #expect(try Self.numbers(code) == [300, -1])
    }

    @Test func comprehensionVariablesDoNotLeak() throws {
        let context = try run("x = 7\nr = [x * 2 for x in [1, 2, 3] if x != 2]")
        #expect(context.environment["r"] == .list([.number(2), .number(6)]))
        #expect(context.environment["x"] == .number(7))
        #expect(diagnostic("r = [y for y in [1]]\ns = y")?.message == "unknown name 'y'")
        // Nor out of a function call's comprehension into its scope.
        #expect(
            diagnostic("def f():\n    q = [z for z in [1, 2]]\n    return z\nr = f()")?.message == "unknown name 'z'")
        // Several for clauses, the later ones seeing the earlier variables.
        #expect(
            try value("r = [[a, b] for a in [1, 2] for b in range(a)]")
                == .list([
                    .list([.number(1), .number(0)]), .list([.number(2), .number(0)]), .list([.number(2), .number(1)])
                ]))
        // A comprehension always gives a list, even of number lists.
        guard case .list = try value("r = [[i, i] for i in [1, 2]]") else {
            Issue.record("a comprehension gave a matrix")
            return
        }
    }

    // MARK: Functions

    @Test func functionsReadNotebookBindingsWhenCalled() throws {
        let context = try run("def f():\n    return a * 10\na = 1\nr1 = f()\na = 2\nr2 = f()")
        #expect(context.environment["r1"] == .number(10))
        #expect(context.environment["r2"] == .number(20))
    }

    @Test func parametersAndAssignmentsAreLocal() throws {
        let context = try run("a = 1\nx = 5\ndef f(x):\n    a = x + 1\n    return a\nr = f(10)")
        #expect(context.environment["r"] == .number(11))
        #expect(context.environment["a"] == .number(1))
        #expect(context.environment["x"] == .number(5))
        #expect(try value("def f():\n    pass\nr = f()") == .none)
        #expect(try value("def f():\n    return\nr = f()") == .none)
    }

    @Test func nestedDefsSeeTheEnclosingCallAndClosuresOutliveIt() throws {
        let code = """
            def make(k):
                def add(x):
                    return x + k
                return add
            add3 = make(3)
            add5 = make(5)
            r = [add3(1), add5(1), add3(10)]
            """
        #expect(try Self.numbers(code) == [4, 6, 13])
        // Three levels: the innermost reads both enclosing calls.
        let deep =
            "def a(p):\n    def b(q):\n        def c(s):\n            return p * 100 + q * 10 + s\n        return c(3)\n    return b(2)\nr = a(1)"
        #expect(try number(deep) == 123)
    }

    /// A def inside a call makes a cycle (scope → function → scope) that ARC alone would leak.
    @Test func aCallsScopeIsReleasedWhenNoFunctionLeavesIt() throws {
        let context = try run("def f():\n    def g():\n        return 1\n    show g\n    return g() + 1\nr = f()")
        #expect(context.environment["r"] == .number(2))
        guard case .value(.function(let g), _, _)? = context.outputs.first else {
            Issue.record("g was not shown")
            return
        }
        #expect(g.closure?.values.isEmpty == true)
    }

    @Test func aReturnedClosureKeepsItsScopeUntilTheNotebookIsDone() throws {
        weak var captured: Scope?
        do {
            let context = try run(
                "def make(k):\n    def add(x):\n        return x + k\n    return add\nadd3 = make(3)\nr = add3(4)")
            guard case .function(let add)? = context.environment["add3"] else {
                Issue.record("add3 is not a function")
                return
            }
            captured = add.closure
            #expect(captured?.values["k"] == .number(3))
            #expect(context.environment["r"] == .number(7))
        }
        #expect(captured == nil)
    }

    @Test func readingALocalBeforeItsAssignmentIsAnError() throws {
        let d = try #require(diagnostic("a = 1\ndef f():\n    b = a\n    a = 2\n    return b\nr = f()"))
        #expect(
            d.message
                == "'a' is read before it is assigned in this function (it is local because the function assigns it)")
        #expect(d.range.start == SourceLocation(line: 3, column: 9))
        #expect(d.notes.map(\.range.start) == [SourceLocation(line: 6, column: 5)])
    }

    @Test func defaultsAreEvaluatedWhenTheDefRuns() throws {
        let context = try run("s = 1\ndef f(x: s):\n    return x\ns = 2\nr = f()\nq = f(x: 9)")
        #expect(context.environment["r"] == .number(1))
        #expect(context.environment["q"] == .number(9))
        // `=` defaults too.
        #expect(try number("def f(a, b=3):\n    return a * b\nr = f(2) + f(2, b: 4)") == 14)
    }

    /// A keyword parameter whose default is not stored is bound to none (not left unbound, which
    /// read as "read before it is assigned").
    @Test func aKeywordParameterWithoutAStoredDefaultIsNone() throws {
        let statements = try Parser.parse(SourceText("def f(seed: 3):\n    return seed"))
        guard case .function(let definition) = statements[0].kind else {
            Issue.record("not a def")
            return
        }
        let context = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()), seed: 0)
        let f = Function(definition: definition, defaults: [:], closure: nil)
        let r = try Evaluator.invoke(
            f, [], context: context, range: SourceRange(at: SourceLocation(line: 3, column: 1)))
        #expect(r == .none)
    }

    @Test(arguments: [
        ("r = f(1, 2, 3)", "f() takes 2 positional arguments, got 3; it takes f(a, b, seed: 0)", 3, 13),
        ("r = f(1)", "f() is missing argument 'b'; it takes f(a, b, seed: 0)", 3, 5),
        (
            "r = f(1, 2, sede: 3)", "f() has no parameter 'sede' (did you mean 'seed'?); it takes f(a, b, seed: 0)", 3,
            13
        ),
        ("r = f(1, b: 2)", "'b' is a positional parameter of f(); pass it by position: f(a, b, seed: 0)", 3, 10),
        ("r = f(1, 2, 3, seed: 1)", "f() takes 2 positional arguments, got 3; it takes f(a, b, seed: 0)", 3, 13),
        ("r = f(1, 2, seed: 1, seed: 2)", "argument 'seed' is given twice", 3, 22)
    ])
    func argumentErrorsAreAtTheCall(call: String, message: String, line: Int, column: Int) throws {
        let d = try #require(diagnostic("def f(a, b, seed: 0):\n    return a + b + seed\n" + call))
        #expect(d.message == message)
        #expect(d.range.start == SourceLocation(line: line, column: column))
        #expect(d.notes.isEmpty)
    }

    @Test func functionsAreValues() throws {
        let code = """
            def twice(g, x):
                return g(g(x))
            def inc(x):
                return x + 1
            h = inc
            fs = [inc, twice]
            r = [twice(inc, 1), twice(h, 5), h(0)]
            """
        #expect(try Self.numbers(code) == [3, 7, 1])
        guard case .function(let f) = try value("def inc(x, by: 2):\n    return x + by\nr = inc") else {
            Issue.record("a def binds a function")
            return
        }
        #expect(f.signature == "inc(x, by: 2)")
        #expect(try Self.string("def inc(x, by: 2):\n    return x + by\nr = str(inc)") == "<function inc(x, by: 2)>")
    }

    @Test func aBindingMayShadowABuiltin() throws {
        #expect(try number("len = 3\nr = len + 1") == 4)
        #expect(try number("def range(n):\n    return n * 2\nr = range(5)") == 10)
        #expect(try number("def norm(x):\n    return 42\nr = norm([[3, 4]])") == 42)
        // Without the binding the builtin is used.
        #expect(try number("r = norm([[3, 4]])") == 5)
    }

    // MARK: Recursion

    /// Runs `body` on a thread with the given stack size (as `-j N` workers and the fuzzer do).
    static func onThread<T: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> T) -> T {
        let box = ThreadResult<T>()
        let thread = Thread {
            box.value = body()
            box.done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        box.done.wait()
        return box.value!
    }

    static let countdown = "def down(n):\n    if n == 0:\n        return 0\n    return down(n - 1) + 1\n"

    /// 200 nested calls fit wherever a notebook runs: the main thread's and the `-j N` workers'
    /// 8 MiB, and a 512 KiB thread (a call short of stack continues on a thread of its own).
    @Test(arguments: [8 << 20, 512 << 10])
    func recursionOf200CallsIsFine(stackSize: Int) throws {
        let result = Self.onThread(stackSize: stackSize) { () -> Result<Double, Diagnostic> in
            Result { () throws(Diagnostic) -> Double in
                guard case .number(let x) = try run(Self.countdown + "r = down(199)").environment["r"] else {
                    return .nan
                }
                return x
            }
        }
        #expect(try result.get() == 199)
    }

    @Test func recursionOf201CallsIsALocatedErrorWithTenNotes() throws {
        let source = Self.countdown + "r = down(200)"
        let d = try #require(Self.onThread(stackSize: 8 << 20) { diagnosticOrNil(source) })
        #expect(d.message == "more than 200 calls are active at once (is a recursion missing its base case?)")
        #expect(d.range.start == SourceLocation(line: 4, column: 12))
        // One note per active call, innermost first: 199 from inside down, the first from line 5.
        #expect(d.notes.count == 200)
        #expect(d.notes.dropLast().allSatisfy { $0.range.start == SourceLocation(line: 4, column: 12) })
        #expect(d.notes.last?.range.start == SourceLocation(line: 5, column: 5))
        let lines = source.physicalLines
        let text = d.formatted(file: "nb.md") { n in n >= 1 && n <= lines.count ? lines[n - 1] : nil }
        let note = "nb.md:4:12: note: called from nb.md:4:12\n    return down(n - 1) + 1\n           ^~~~~~~~~~~"
        let expected =
            "nb.md:4:12: error: more than 200 calls are active at once (is a recursion missing its base case?)\n"
            + "    return down(n - 1) + 1\n           ^~~~~~~~~~~\n"
            + Array(repeating: note, count: 10).joined(separator: "\n")
            + "\nnb.md:5:5: note: … 190 more calls"
        #expect(text == expected)
    }

    /// Parses `code` here, then evaluates it on a thread with the given stack: the diagnostic, or
    /// nil when it ran. (The parser itself needs ~20 KiB of stack per nesting level in a debug
    /// build; notebooks are parsed on the main thread or an 8 MiB worker.)
    static func evaluateOnThread(_ code: String, stackSize: Int) throws -> Diagnostic? {
        let source = SourceText(code)
        let statements = try Parser.parse(source)
        return onThread(stackSize: stackSize) { () -> Diagnostic? in
            let context = EvaluationContext(
                environment: Environment(), baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()), seed: 0)
            do throws(Diagnostic) {
                try Evaluator(context: context, source: source).run(statements)
                return nil
            } catch { return error }
        }
    }

    /// `[[…[1 for a in [1]]… for a in [1]]`: evaluation nested `depth` levels deep.
    static func nestedComprehension(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: " for a in [1]]", count: depth)
    }

    @Test func deepRecursionOnASmallStackIsAnErrorNotACrash() throws {
        // Endless recursion on a 512 KiB stack: the call limit, located, not a crash.
        let endless = try #require(
            try Self.evaluateOnThread("def f(n):\n    return f(n + 1) * 2\nr = f(0)", stackSize: 512 << 10))
        #expect(endless.message == "more than 200 calls are active at once (is a recursion missing its base case?)")
        #expect(endless.range.start == SourceLocation(line: 2, column: 12))
        // An expression nested 150 levels deep needs more than 512 KiB in a debug build: the
        // stack guard stops it with a located error.
        let deep = try Self.evaluateOnThread("r = " + Self.nestedComprehension(150), stackSize: 512 << 10)
        #if DEBUG
        #expect(deep != nil)
        #endif
        if let deep {
            #expect(
                deep.message
                    == "the computation is nested too deeply for the stack (deep recursion with deeply nested expressions)"
            )
            #expect(deep.range.start.line == 1)
        }
        // 199 nested calls, each evaluating a 100-level expression, on an 8 MiB thread: calls
        // continue on a thread of their own when the stack runs short, so it runs.
        let code =
            "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1) + len(\(Self.nestedComprehension(100)))\nr = f(199)"
        #expect(try Self.evaluateOnThread(code, stackSize: 8 << 20) == nil)
    }

    // MARK: Random streams

    /// numpy `default_rng(7).standard_normal(...)`, row-major, from the NTKCore RNG fixtures.
    static func standardNormalSeed7() throws -> [Double] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../NTKCoreTests/Fixtures/rng/seed_7.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let rows = try #require(json?["standard_normal_5x7"] as? [[String]])
        return rows.flatMap { $0.compactMap(Double.init) }
    }

    @Test func randomCallsInALoopContinueTheBlocksStream() throws {
        let expected = Array(try Self.standardNormalSeed7().prefix(3))
        let loop = try run("xs = []\nfor i in range(3):\n    xs = xs + [randn(1, 1)]", seed: 7)
        #expect(try Self.flatten(loop.environment["xs"]) == expected)
        // The same through a function and a comprehension: both draw from the block's stream.
        let viaFunction = try run("def draw():\n    return randn(1, 1)\nxs = [draw() for i in range(3)]", seed: 7)
        #expect(try Self.flatten(viaFunction.environment["xs"]) == expected)
    }

    @Test func aCallWithSeedLeavesTheStreamUntouched() throws {
        let expected = Array(try Self.standardNormalSeed7().prefix(2))
        let context = try run("a = randn(1, 1)\nb = randn(1, 1, seed: 3)\nc = randn(1, 1)", seed: 7)
        #expect(try Self.flatten(.list([context.environment["a"]!, context.environment["c"]!])) == expected)
        // A seeded call is its own generator: default_rng(7) drawn by seed: 7 gives the first value.
        let seeded = try run("b = randn(1, 1, seed: 7)", seed: 1)
        #expect(try Self.flatten(.list([seeded.environment["b"]!])) == [expected[0]])
    }

    static func flatten(_ v: Value?) throws -> [Double] {
        guard case .list(let items)? = v else { throw TestFailure("not a list") }
        return try items.flatMap { item -> [Double] in
            guard case .matrix(let m) = item else { throw TestFailure("not a matrix") }
            return m.storage
        }
    }

    // MARK: Masks and truthiness

    @Test func masksInBooleanContexts() throws {
        #expect(try matrix("r = [[1, 5], [3, -2]] > 2") == Matrix(rowArrays: [[0, 1], [1, 0]]))
        #expect(try matrix("r = [[1, 2]] == [[1, 3]]") == Matrix(rowArrays: [[1, 0]]))
        #expect(try number("if [[1, 2]] > 0:\n    r = 1\nelse:\n    r = 2") == 1)
        #expect(try number("if [[1, -2]] > 0:\n    r = 1\nelif [[1, -2]] != 0:\n    r = 2\nelse:\n    r = 3") == 2)
        // while: runs until some entry is zero.
        #expect(try number("A = [[3, 1]]\nr = 0\nwhile A > 0:\n    A = A - 1\n    r = r + 1") == 1)
        #expect(try value("r = [[1, 1]] > 0 and [[0, 1]] > 0") == .bool(false))
        #expect(try value("r = [[0, 1]] > 0 or [[1, 1]] > 0") == .bool(true))
        #expect(try value("r = not ([[0, 1]] > 0)") == .bool(true))
        #expect(diagnostic("expect [[1, 2]] > 1")?.message.hasPrefix("expectation failed: [[1, 2]] > 1") == true)
        #expect(diagnostic("expect [[2, 3]] > 1") == nil)
        // Chained comparisons: every link holds (matrices entry by entry).
        #expect(try value("r = 1 < 2 < 3 >= 3") == .bool(true))
        #expect(try value("r = 1 < 2 > 3") == .bool(false))
        #expect(try matrix("r = 0 <= [[0, 1, 2]] < 2") == Matrix(rowArrays: [[1, 1, 0]]))
        #expect(diagnostic("if [1, 2]:\n    pass")?.message == "'if' needs true or false, got a list of 2")
        #expect(diagnostic("while 1:\n    pass")?.message == "'while' needs true or false, got a number")
    }

    // MARK: Lists and strings

    @Test func listOperations() throws {
        #expect(try Self.numbers("r = [1, 2] + [3]") == [1, 2, 3])
        #expect(try number("r = len([4, 5, 6])") == 3)
        #expect(try number("xs = [4, 5, 6]\nr = xs[0] + xs[-1] * 10") == 64)
        #expect(try Self.numbers("xs = [4, 5, 6, 7]\nr = xs[1:3]") == [5, 6])
        #expect(try Self.numbers("xs = [4, 5, 6, 7]\nr = xs[::-1]") == [7, 6, 5, 4])
        #expect(try Self.numbers("r = range(4)") == [0, 1, 2, 3])
        #expect(try Self.numbers("r = range(2, 5)") == [2, 3, 4])
        #expect(try Self.numbers("r = range(5, 0, -2)") == [5, 3, 1])
        #expect(try Self.numbers("r = range(-1, -7, -3)") == [-1, -4])
        #expect(try Self.numbers("r = range(0, 5, -1)") == [])
        #expect(try Self.numbers("r = range(0, 7, 3)") == [0, 3, 6])
        #expect(diagnostic("r = range(1, 4, 0)")?.message == "range() step must not be zero")
        #expect(diagnostic("r = range(2.5)")?.message == "argument 'a' of range() must be a whole number, got 2.5")
        #expect(diagnostic("xs = [1, 2]\nr = xs[2]")?.range.start == SourceLocation(line: 2, column: 8))
        #expect(diagnostic("xs = [1, 2]\nr = xs[0.5]") != nil)
        #expect(try number("r = len(\"héllo\")") == 5)
        #expect(try value("r = \"ab\" == \"ab\"") == .bool(true))
        // hcat/vcat of one list.
        #expect(try matrix("r = hcat([1, 2, 3])") == Matrix(rowArrays: [[1, 2, 3]]))
        #expect(try matrix("r = vcat([1, 2])") == Matrix(column: [1, 2]))
        #expect(try matrix("r = hcat([[[1], [2]], [[3], [4]]])") == Matrix(rowArrays: [[1, 3], [2, 4]]))
    }

    @Test(arguments: [
        ("3", "3"), ("-2", "-2"), ("2.5", "2.5"), ("0.1", "0.1"), ("1 / 3", "0.3333333333333333"), ("1e-05", "1e-05"),
        ("true", "true"), ("false", "false"), ("none", "none"), ("[1, 2.5]", "[1, 2.5]"), ("[]", "[]"),
        ("\"text\"", "text"), ("inf", "inf"), ("-inf", "-inf"), ("nan", "nan")
    ])
    func strGivesPlainText(expr: String, text: String) throws {
        #expect(try Self.string("r = str(\(expr))") == text)
        // And it is what print shows.
        let context = try run("print(\(expr))")
        #expect(
            context.outputs == [
                .text(
                    text,
                    range: SourceRange(
                        SourceLocation(line: 1, column: 1),
                        SourceLocation(line: 1, column: 8 + expr.count)))
            ])
    }

    // MARK: Outputs

    @Test func figureStartsANewFigureAndAnEmptyOneIsNotShown() throws {
        let code = """
            figure(title: "first")
            plot([1, 2], [3, 4])
            plot([1, 2], [5, 6])
            figure(title: "never drawn")
            figure()
            scatter([1], [2])
            figure(title: "empty at the end")
            """
        let outputs = try run(code).outputs
        #expect(outputs.count == 2)
        guard outputs.count == 2, case .figure(let first, let r1) = outputs[0],
            case .figure(let second, let r2) = outputs[1]
        else {
            Issue.record("two figures expected: \(outputs)")
            return
        }
        #expect(first.title == "first")
        #expect(first.series.count == 2)
        #expect(r1.start == SourceLocation(line: 2, column: 1))
        #expect(second.title == nil)
        #expect(second.series.map(\.kind) == [.scatter])
        #expect(r2.start == SourceLocation(line: 6, column: 1))
    }

    @Test func outputsInsideLoopsAndFunctionsBelongToTheBlockInOrder() throws {
        let code =
            "def f(i):\n    show i * 10\n    print(\"after\", i)\nfor i in [1, 2]:\n    print(\"loop\", i)\n    f(i)"
        let outputs = try run(code).outputs
        let texts = outputs.map { item -> String in
            switch item {
            case .text(let t, let r): return "\(t)@\(r.start)"
            case .value(let v, _, let r): return "\(ValueFormatter.text(v))@\(r.start)"
            case .figure: return "figure"
            }
        }
        #expect(texts == ["loop 1@5:5", "10@2:5", "after 1@3:5", "loop 2@5:5", "20@2:5", "after 2@3:5"])
    }

    // MARK: Errors inside functions

    @Test func anErrorInsideAFunctionHasCalledFromNotes() throws {
        let source = """
            def inner(x):
                return x + missing_value
            def outer(x):
                return inner(x)
            r = outer(zeros(2, 2))
            """
        let d = try #require(diagnostic(source))
        let lines = source.physicalLines
        let text = d.formatted(file: "nb.md") { n in n >= 1 && n <= lines.count ? lines[n - 1] : nil }
        #expect(
            text == """
                nb.md:2:16: error: unknown name 'missing_value'
                    return x + missing_value
                               ^~~~~~~~~~~~~
                nb.md:4:12: note: called from nb.md:4:12
                    return inner(x)
                           ^~~~~~~~
                nb.md:5:5: note: called from nb.md:5:5
                r = outer(zeros(2, 2))
                    ^~~~~~~~~~~~~~~~~~
                """)
    }

    // MARK: Timeouts

    @Test func aTimeoutStopsAnEndlessWhileLoopAtItsStatement() throws {
        let source = SourceText("n = 0\nwhile true:\n    n = n + 1")
        let context = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()),
            seed: 0, deadline: Deadline(seconds: 0.2))
        do {
            try Evaluator(context: context, source: source).run(try Parser.parse(source))
            Issue.record("an endless loop ended")
        } catch {
            #expect(error.message == "block timed out after 0.2 s")
            #expect(error.range.start.line == 2 || error.range.start.line == 3)
        }
        guard case .number(let n) = context.environment["n"] else {
            Issue.record("n unbound")
            return
        }
        #expect(n > 0)
    }

    /// The time runs out during the slow statement: it is named, not the statement after it.
    @Test func aTimeoutIsLocatedAtTheStatementThatRanPastIt() throws {
        for (code, line) in [
            ("x = 1\nK = 2 * eigvalsh(randn(1000, 1000) @ randn(1000, 1000).T)\ny = 2", 2),
            // No call in line 2: only the statement's own check can name it.
            ("x = 1\nK = A @ A.T @ A\ny = 2", 2)
        ] {
            let source = SourceText(code)
            let statements = try Parser.parse(source)
            let environment = Environment()
            environment["A"] = .matrix(
                Matrix(rowArrays: (0..<1000).map { i in (0..<1000).map { j in Double((i * 7 + j) % 13) } }))
            let context = EvaluationContext(
                environment: environment, baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()),
                seed: 0, deadline: Deadline(seconds: 0.01))
            let start = Date()
            do {
                try Evaluator(context: context, source: source).run(statements)
                Issue.record("ran in \(Date().timeIntervalSince(start)) s, past a 0.01 s deadline")
            } catch {
                // (Unless even `x = 1` started after the deadline, on a machine that stalled.)
                if error.range.start.line != 1 {
                    #expect(error.message == "block timed out after 0.01 s")
                    #expect(error.range.start.line == line, "\(code)")
                }
            }
        }
    }

    @Test func aTimeoutInsideAFunctionCalledInALoopIsLocatedInsideIt() throws {
        let source = SourceText("def spin():\n    while true:\n        pass\nfor i in [1, 2]:\n    spin()")
        let context = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()),
            seed: 0, deadline: Deadline(seconds: 0.1))
        do {
            try Evaluator(context: context, source: source).run(try Parser.parse(source))
            Issue.record("an endless loop ended")
        } catch {
            #expect(error.message == "block timed out after 0.1 s")
            #expect(error.range.start.line == 2 || error.range.start.line == 3)
            #expect(error.notes.map(\.range.start) == [SourceLocation(line: 5, column: 5)])
        }
    }
}

/// What a thread hands back to the thread waiting for it.
private final class ThreadResult<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}

/// The diagnostic that running `code` throws, as a Sendable optional (for `onThread`).
private func diagnosticOrNil(_ code: String) -> Diagnostic? { diagnostic(code) }
