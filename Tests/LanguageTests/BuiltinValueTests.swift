import Foundation
import NTKCore
import TangentSupport
import Testing

@testable import Language

/// A builtin named without a call is a function value (LANGUAGE.md §8: functions are values, as in
/// Python): it can be bound, listed, passed (`ElementwiseNumerical(sin, 25, df: cos)`, as
/// neural-tangents' `fn=jnp.sin`) and called wherever a `def` function can.
@Suite struct BuiltinValueTests {
    @Test func builtinsArePassedListedAndCalled() throws {
        let code = """
            def twice(f, x):
                return f(f(x))
            fs = [sin, cos, exp]
            g = abs
            r = twice(sqrt, 16) + [f(0) for f in fs][1] + fs[2](0) + g(-3)
            """
        #expect(try number(code) == 2 + 1 + 1 + 3)
        // Keyword arguments reach the builtin as in a direct call.
        let draws = try run("f = randn\nA = f(3, 2, seed: 4)\nB = randn(3, 2, seed: 4)\nL = (linspace)(0, 1, 5)")
        #expect(draws.environment["A"] == draws.environment["B"])
        guard case .matrix(let l)? = draws.environment["L"] else {
            Issue.record("L is not a matrix")
            return
        }
        #expect(l.storage == [0, 0.25, 0.5, 0.75, 1])
    }

    @Test func aBindingStillShadowsTheBuiltin() throws {
        #expect(try number("sin = 3\nr = sin") == 3)
        #expect(try number("def sqrt(x):\n    return 7\nf = sqrt\nr = f(4)") == 7)
        #expect(try number("f = sqrt\nsqrt = 0\nr = f(9)") == 3)
    }

    @Test func errorsOfABuiltinCalledThroughAValueAreLocated() throws {
        let d = try #require(diagnostic("f = sqrt\nr = f(\"a\")"))
        #expect(d.range.start.line == 2)
        #expect(d.message.contains("sqrt"), "\(d.message)")
        let unknown = try #require(diagnostic("f = sqrt\nr = f(4, bogus: 1)"))
        #expect(unknown.message.contains("bogus"), "\(unknown.message)")
    }

    @Test func shownAndPrintedAsAFunction() throws {
        let context = try run("print(sqrt)\ns = str(linspace)")
        #expect(context.environment["s"] == .string("<function linspace(start, stop, n)>"))
    }

    /// The same kernels as the `def` functions that call the builtins.
    @Test func elementwiseNumericalTakesBuiltins() throws {
        let code = """
            X = randn(5, 3, seed: 0)
            def mysin(x):
                return sin(x)
            def mycos(x):
                return cos(x)
            A = ntk(serial(Dense(32), ElementwiseNumerical(sin, 25, df: cos), Dense(1)), X)
            B = ntk(serial(Dense(32), ElementwiseNumerical(mysin, 25, df: mycos), Dense(1)), X)
            K = nngp(serial(Dense(32), ElementwiseNumerical(erf, 30), Dense(1)), X)
            """
        let context = try run(code)
        guard case .matrix(let a)? = context.environment["A"], case .matrix(let b)? = context.environment["B"],
            case .matrix(let k)? = context.environment["K"]
        else {
            Issue.record("kernels missing")
            return
        }
        #expect(a == b)
        #expect(k.storage.allSatisfy { $0.isFinite })
    }

    /// The cache writes a builtin value by name and reads back the same value.
    @Test func aBuiltinValueRoundTripsThroughTheCacheEncoding() throws {
        let f = try #require(Function.builtin("linspace"))
        for v in [Value.function(f), .list([.function(f), .number(2)])] {
            var w = BinaryWriter()
            v.encode(into: &w)
            var r = BinaryReader(w.bytes)
            #expect(Value.decode(from: &r) == v)
            #expect(r.atEnd)
            #expect(v.isPortable)
        }
        #expect(Function.builtin("no_such_builtin") == nil)
    }
}
