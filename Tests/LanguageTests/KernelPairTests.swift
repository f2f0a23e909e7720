import NTKCore
import Testing

@testable import Language

/// `nngp` and `ntk` of one network on the same inputs in one block: the first call computes
/// both, the second takes the kept kernel, and the numbers are those of separate calls.
@Suite struct KernelPairTests {
    static let setup = """
        X = randn(9, 3, seed: 1)
        Z = randn(5, 3, seed: 2)
        block = serial(FanOut(2), parallel(serial(Relu(), Dense(16, W_std: 1.1)), Identity()), FanInSum())
        net = serial(Dense(16, W_std: 1.5, b_std: 0.05), block, Relu(), Dense(1, W_std: 1.5))
        m = mlp(depth: 2, width: 16, activation: "erf", W_std: 1.2, b_std: 0.1)

        """

    static func firstCallLines(_ code: String) throws -> [Int] {
        KernelPairs.firstCalls(in: try Parser.parse(SourceText(code))).map(\.start.line).sorted()
    }

    @Test func theFirstCallOfAPairIsPlanned() throws {
        #expect(try Self.firstCallLines("K = nngp(net, X)\nT = ntk(net, X)") == [1])
        #expect(try Self.firstCallLines("T = ntk(net, X, Z)\ny = 2\nK = nngp(net, X, Z)") == [1])
        #expect(try Self.firstCallLines("show norm(ntk(m, X) - nngp(m, X))") == [1])
        #expect(try Self.firstCallLines("a = nngp(m, X)\nb = nngp(m, X)\nc = ntk(m, X)") == [2])
    }

    /// A hostile block of many distinct kernel calls is planned in linear time; only the
    /// latest `maximumOpen` calls wait for a partner.
    @Test func manyDistinctCallsArePlannedInBoundedSpace() throws {
        let n = 5_000
        var code = (0..<n).map { "k\($0) = nngp(net, X\($0))" }.joined(separator: "\n")
        code += "\nt = ntk(net, X\(n - 1))\nu = ntk(net, X0)"
        let lines = try Self.firstCallLines(code)
        #expect(lines == [n], "the latest call pairs, the first one was forgotten")
    }

    @Test(arguments: [
        "K = nngp(net, X)\nX = 2 * X\nT = ntk(net, X)",  // an argument bound again
        "K = nngp(net, X)\nT = ntk(net, Z)",  // other inputs
        "K = nngp(net, X, Z)\nT = ntk(net, X)",
        "K = nngp(net, X)\nT = ntk(net, X, out: \"T.npy\")",  // a file, not a value
        "K = nngp(net, 2 * X)\nT = ntk(net, 2 * X)",  // only names and literals are compared
        "K = nngp(net, X)\nfor i in range(2):\n    T = ntk(net, X)",  // bodies are not paired
        "K = nngp(net, X)\nfor X in [Z]:\n    y = 1\nT = ntk(net, X)",  // a loop binds X
        "def f(net):\n    return nngp(net, X)\nK = f(net)\nT = ntk(net, X)"
    ])
    func notPaired(_ code: String) throws {
        #expect(try Self.firstCallLines(code) == [])
    }

    @Test(arguments: [
        ("K = nngp(net, X)\nT = ntk(net, X)", 1),
        ("T = ntk(net, X, Z)\nK = nngp(net, X, Z)", 1),
        ("K = nngp(m, X)\nT = ntk(m, X)", 1),
        ("K = nngp(net, X)\nX = Z\nT = ntk(net, X)", 0)
    ])
    func pairedKernelsEqualSeparateOnes(_ code: String, _ shared: Int) throws {
        let paired = try run(Self.setup + code)
        #expect(paired.kernelsShared == shared)
        // The same statements one per block compute each kernel on its own.
        let environment = Environment()
        try run(Self.setup, in: environment)
        for line in code.split(separator: "\n") {
            let separate = try run(String(line), in: environment)
            #expect(separate.kernelsShared == 0)
        }
        for name in ["K", "T"] {
            #expect(paired.environment[name] != nil)
            #expect(paired.environment[name] == environment[name], "\(name) differs from a separate call")
        }
    }

    /// A network with user functions is never shared: the function may read names that
    /// changed between the calls.
    @Test func userFunctionsAreComputedEachTime() throws {
        let code =
            Self.setup + """
                a = 1
                def f(x):
                    return a * tanh(x)
                def df(x):
                    return a * (1 - tanh(x) * tanh(x))
                u = serial(Dense(4, b_std: 0.1), ElementwiseNumerical(f, 20, df: df), Dense(1))
                K = nngp(u, X)
                a = 2
                T = ntk(u, X)
                """
        let ctx = try run(code)
        #expect(ctx.kernelsShared == 0)
        let doubled = try run(
            Self.setup + """
                def g(x):
                    return 2 * tanh(x)
                def dg(x):
                    return 2 * (1 - tanh(x) * tanh(x))
                T = ntk(serial(Dense(4, b_std: 0.1), ElementwiseNumerical(g, 20, df: dg), Dense(1)), X)
                """)
        #expect(ctx.environment["T"] == doubled.environment["T"])
    }

    /// When both kernels cannot be computed, the first call fails with its own error, where
    /// it is written.
    @Test func aFailedPairReportsTheFirstCallsOwnError() {
        let d = diagnostic(Self.setup + "bad = serial(Relu(), Dense(1))\nK = nngp(bad, X)\nT = ntk(bad, X)")
        #expect(
            d?.message.contains("nngp: Relu: the input to an activation must be Gaussian") == true,
            "\(d?.message ?? "none")")
        #expect(d?.range.start.line == 7)
    }

    /// A pair in images: the CNN's kernels through the spatial walk.
    @Test func imagePairsAreShared() throws {
        let code = """
            I = images(randn(3, 16, seed: 4), 4, 4, 1)
            cnn = serial(Conv(2, [2, 2], padding: "SAME"), Relu(), Flatten(), Dense(1))
            K = nngp(cnn, I)
            T = ntk(cnn, I)
            """
        let paired = try run(code)
        #expect(paired.kernelsShared == 1)
        let alone = try run(code.replacingOccurrences(of: "K = nngp(cnn, I)\n", with: ""))
        #expect(paired.environment["T"] == alone.environment["T"])
    }
}
