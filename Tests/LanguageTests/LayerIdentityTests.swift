import Foundation
import NTKCore
import Testing

@testable import Language

/// Two ways of writing the same network give the same numbers (issue 19 item 5): `repeat(layer,
/// n)` is the written-out `serial` of n copies, and a `parallel` of one branch is the branch.
/// Each pair is compared through every builtin that takes a network: the analytic kernels,
/// `init` (the same draws), `apply`, the empirical NTK and training.
@Suite struct LayerIdentityTests {
    static let setup = "X = randn(6, 3, seed: 1)\nZ = randn(4, 3, seed: 2)\nY = randn(6, 1, seed: 3)\n"

    /// Runs `setup` + the two network definitions `a` and `b`, then every builtin on both.
    static func compare(_ definitions: String) throws -> EvaluationContext {
        let code =
            setup + definitions + """

                k1 = ntk(a, X, Z)
                k2 = ntk(b, X, Z)
                g1 = nngp(a, X)
                g2 = nngp(b, X)
                pa = init(a, X, seed: 7)
                pb = init(b, X, seed: 7)
                f1 = apply(a, pa, Z)
                f2 = apply(b, pb, Z)
                e1 = empirical_ntk(a, pa, X, Z)
                e2 = empirical_ntk(b, pb, X, Z)
                ta = train(a, pa, X, Y, steps: 3, learning_rate: 0.05)
                tb = train(b, pb, X, Y, steps: 3, learning_rate: 0.05)
                l1 = loss(a, ta, X, Y)
                l2 = loss(b, tb, X, Y)
                """
        return try run(code)
    }

    static func expectSame(_ ctx: EvaluationContext) {
        func m(_ n: String) -> Matrix? {
            if case .matrix(let x) = ctx.environment[n] { return x }
            return nil
        }
        for (x, y) in [("k1", "k2"), ("g1", "g2"), ("f1", "f2"), ("e1", "e2")] {
            let a = m(x)
            let b = m(y)
            #expect(a != nil && a == b, "\(x) vs \(y)")
        }
        #expect(ctx.environment["pa"] == ctx.environment["pb"])
        #expect(ctx.environment["ta"] == ctx.environment["tb"])
        #expect(ctx.environment["l1"] == ctx.environment["l2"])
    }

    @Test func repeatIsTheWrittenOutSerial() throws {
        let ctx = try Self.compare(
            """
            block = serial(FanOut(2), parallel(serial(Relu(), Dense(5, W_std: 1.1)), Identity()), FanInSum())
            a = serial(Dense(5, W_std: 1.5, b_std: 0.05), repeat(block, 3), Relu(), Dense(1))
            b = serial(Dense(5, W_std: 1.5, b_std: 0.05), block, block, block, Relu(), Dense(1))
            """)
        Self.expectSame(ctx)
    }

    @Test func aParallelOfOneBranchIsTheBranch() throws {
        let ctx = try Self.compare(
            """
            branch = serial(Dense(6, W_std: 1.3, b_std: 0.1), Erf())
            a = serial(Dense(4), parallel(branch), Dense(1))
            b = serial(Dense(4), branch, Dense(1))
            """)
        Self.expectSame(ctx)
    }

    @Test func aFanOfOneIntoAParallelOfOneIsTheBranch() throws {
        let ctx = try Self.compare(
            """
            branch = serial(Relu(), Dense(6, W_std: 1.3, b_std: 0.1))
            a = serial(Dense(4), FanOut(1), parallel(branch), FanInSum(), Relu(), Dense(1))
            b = serial(Dense(4), branch, Relu(), Dense(1))
            """)
        Self.expectSame(ctx)
    }
}
