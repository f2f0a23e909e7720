import Foundation
import NTKCore
import TestSupport
import Testing

@testable import Language

@Suite struct NetworkBuiltinTests {
    @Test func mlpOptionsMapToTheNetwork() throws {
        guard
            case .network(let n) = try value(
                "r = mlp(depth: 2, width: [8, 4], activation: \"erf\", W_std: 1.5, b_std: 0.1, b_std_out: none, parameterization: \"standard\", out_dim: 3)"
            )
        else {
            Issue.record("not a network")
            return
        }
        #expect(n.widths == [8, 4] && n.activation == .erf && n.wStd == 1.5 && n.bStd == 0.1)
        #expect(n.wStdOut == 1.5 && n.bStdOut == nil && n.parameterization == .standard && n.outDim == 3)
        guard case .network(let d) = try value("r = mlp(depth: 1, width: 5, b_std: 0.2)") else { return }
        #expect(d.bStdOut == 0.2 && d.activation == .relu && d.parameterization == .ntk && d.tanhDegree == 25)
    }

    @Test(arguments: [
        ("r = mlp(depth: 2, width: 8, activation: \"rleu\")", "unknown activation 'rleu' (did you mean 'relu'?)"),
        (
            "r = mlp(depth: 2, width: 8, parameterization: \"standrd\")",
            "unknown parameterization 'standrd' (did you mean 'standard'?)"
        ),
        ("r = mlp(depth: 2, width: [8])", "width is a list of 1 but depth is 2"),
        ("r = mlp(depth: 2)", "needs width"),
        ("r = mlp(depth: 1, width: 0)", "at least 1"),
        ("r = mlp(depth: 1, width: 4, W_std: -1)", "W_std must be a finite number ≥ 0"),
        ("r = mlp(depth: 1, width: 4, wstd: 1)", "has no argument 'wstd' (did you mean 'W_std'?)")
    ])
    func badNetworksAreLocatedErrors(code: String, message: String) {
        let d = diagnostic(code)
        #expect(d?.message.contains(message) == true, "\(d?.message ?? "no error")")
    }

    @Test func kernelsCheckTheirInputs() {
        #expect(
            diagnostic("n = mlp(depth: 1, width: 4)\nr = ntk(n, zeros(3, 2), zeros(2, 3))")?.message.contains(
                "same width") == true)
        #expect(diagnostic("n = mlp(depth: 1, width: 4)\nr = nngp(n, [[1, nan]])")?.message.contains("NaN") == true)
        #expect(
            diagnostic("n = mlp(depth: 1, width: 4)\nr = ntk(n, zeros(300000, 2))")?.message.contains("GiB") == true)
    }

    @Test func finiteNetworkRoundTrip() throws {
        let code = """
            X = randn(5, 3, seed: 0)
            n = mlp(depth: 1, width: 7, b_std: 0.5, out_dim: 2)
            p = init(n, X, seed: 1)
            q = params(n, weights: weights(p), biases: biases(p))
            same = min(apply(n, p, X) == apply(n, q, X)) == 1
            E = empirical_ntk(n, p, X)
            r = rows(E) * 10 + cols(E)
            """
        let ctx = try run(code)
        #expect(ctx.environment["same"] == .bool(true))
        #expect(ctx.environment["r"] == .number(55))
    }

    @Test func initIsNumpyReproducible() throws {
        // Layer by layer: W1 (3×4) then b1 (1×4), then W2 (4×1) then b2, from default_rng(7).
        let ctx = try run(
            "X = zeros(2, 3)\nn = mlp(depth: 1, width: 4, b_std: 1)\np = init(n, X, seed: 7)\nW = weights(p)\nB = biases(p)"
        )
        var g = NumpyGenerator(seed: 7)
        let w1 = g.standardNormal(rows: 3, cols: 4)
        let b1 = g.standardNormal(rows: 1, cols: 4)
        guard case .list(let ws) = ctx.environment["W"], case .list(let bs) = ctx.environment["B"] else {
            Issue.record("lists")
            return
        }
        #expect(ws[0] == .matrix(w1))
        #expect(bs[0] == .matrix(b1))
    }

    @Test func paramsThatDoNotFitNameTheLayer() {
        let d = diagnostic(
            "n = mlp(depth: 1, width: 4)\np = params(n, weights: [zeros(3, 4), zeros(5, 1)], biases: none)")
        #expect(d?.message.contains("layer 2") == true, "\(d?.message ?? "")")
        let e = diagnostic(
            "n = mlp(depth: 1, width: 4)\np = init(n, zeros(2, 3), seed: 0)\ny = apply(n, p, zeros(2, 5))")
        #expect(
            e?.message.contains("3") == true && e?.range.start.column == 17,
            "\(e?.message ?? "") \(e?.range.start ?? SourceLocation(line: 0, column: 0))")
    }

    @Test func trainingErrorsAreLocated() {
        let setup = "X = randn(4, 2, seed: 0)\nn = mlp(depth: 1, width: 8)\np = init(n, X, seed: 0)\n"
        #expect(
            diagnostic(setup + "q = train(n, p, X, zeros(3, 1), steps: 5, learning_rate: 0.1)")?.message.contains(
                "train") == true)
        #expect(
            diagnostic(setup + "q = train(n, p, X, zeros(4, 1), steps: 5, learning_rate: -1)")?.message.contains(
                "learning_rate") == true)
        let d = diagnostic(setup + "q = train(n, p, X, ones(4, 1) * 1e3, steps: 200, learning_rate: 1e6)")
        #expect(d?.message.contains("step") == true, "\(d?.message ?? "no error")")
    }

    /// The predictor memo answers only for the same kernel, targets and options: another
    /// kernel (or another `diag_reg`) gets its own factorisation, an equal copy of K reuses one.
    @Test func predictorMemoAnswersOnlyForItsOwnKernel() throws {
        let env = Environment()
        try run("K = [[2, 0.5], [0.5, 1]]\ny = [[1], [-1]]\nr = predict(K, y, [[1, 0]])", in: env)
        #expect(env.predictors.count == 1)
        try run("K2 = [[3, 1], [1, 2]]\nr2 = predict(K2, y, [[1, 0]])", in: env)
        #expect(env.predictors.count == 2)
        // K⁻¹y's first entry, times the test row [1, 0]: with K it is 6/7; with K2 it is 3/5.
        guard case .matrix(let m1) = env["r"], case .matrix(let m2) = env["r2"] else {
            Issue.record("not matrices")
            return
        }
        #expect(abs(m1[0, 0] - 6.0 / 7.0) < 1e-12, "\(m1)")
        #expect(abs(m2[0, 0] - 0.6) < 1e-12, "\(m2)")
        try run("K3 = [[2, 0.5], [0.5, 1]]\nr3 = predict(K3, y, [[1, 0]])", in: env)
        #expect(env.predictors.count == 2, "an equal copy of K reuses its factorisation")
        try run("r4 = predict(K, y, [[1, 0]], diag_reg: 0.5)", in: env)
        #expect(env.predictors.count == 3, "another diag_reg is another predictor")
        guard case .matrix(let m4) = env["r4"] else {
            Issue.record("not a matrix")
            return
        }
        // diag_reg is relative to the mean of K's diagonal (1.5): K + 0.75 I = [[2.75, .5], [.5, 1.75]].
        let det = 2.75 * 1.75 - 0.25
        #expect(abs(m4[0, 0] - (1.75 * 1 - 0.5 * -1) / det) < 1e-12, "\(m4)")
    }

    @Test func predictShapesAndTimes() throws {
        let setup = "K = [[2, 0.5], [0.5, 1]]\ny = [[1], [-1]]\n"
        let inf = try matrix(setup + "r = predict(K, y)")
        #expect(inf == Matrix(column: [1, -1]))  // t = inf train outputs are y exactly
        let zero = try matrix(setup + "r = predict(K, y, t: 0, fx_train_0: 0.25)")
        #expect(zero == Matrix(column: [0.25, 0.25]))
        guard case .list(let many) = try value(setup + "r = predict(K, y, [[1, 0]], t: [0, 1, inf])") else {
            Issue.record("list")
            return
        }
        #expect(many.count == 3)
        #expect(diagnostic(setup + "r = predict(K, [1, 2, 3])")?.message.contains("needs 2 rows") == true)
        #expect(diagnostic(setup + "r = predict(K, y, [[1, 0, 0]])")?.message.contains("needs 2 columns") == true)
        #expect(diagnostic(setup + "r = predict(K, y, t: -1)")?.message.contains("t must be ≥ 0") == true)
        #expect(diagnostic(setup + "r = predict([[1, 2], [0, 1]], y)")?.message.contains("symmetric") == true)
    }

    @Test func ensembleReturnsMeanAndCov() throws {
        let ctx = try run(
            """
            X = randn(5, 2, seed: 3)
            T = randn(3, 2, seed: 4)
            y = sin(X[:, 0])
            n = mlp(depth: 2, width: 1, W_std: 1.4, b_std: 0.1)
            r = predict_ensemble(n, X, y, T, kernel: "nngp", diag_reg: 1e-4)
            m = r.mean
            c = r.cov
            s = predict_ensemble(n, X, y, T, cov: false)
            """)
        guard case .matrix(let m) = ctx.environment["m"], case .matrix(let c) = ctx.environment["c"] else {
            Issue.record("fields")
            return
        }
        #expect(m.rows == 3 && m.cols == 1 && c.rows == 3 && c.cols == 3)
        guard case .record(let s) = ctx.environment["s"] else {
            Issue.record("record")
            return
        }
        #expect(s["cov"] == Value.none)
    }
}

@Suite struct TrainingTimeoutTests {
    @Test func chunkedTrainingMatchesOneRun() throws {
        let setup =
            "X = randn(6, 2, seed: 0)\nY = randn(6, 1, seed: 1)\nn = mlp(depth: 1, width: 16)\np = init(n, X, seed: 2)\n"
        let ctx = try run(setup + "q = train(n, p, X, Y, steps: 137, learning_rate: 0.1)")
        guard case .network(let net) = ctx.environment["n"], case .params(let p) = ctx.environment["p"],
            case .params(let q) = ctx.environment["q"], case .matrix(let x) = ctx.environment["X"],
            case .matrix(let y) = ctx.environment["Y"]
        else {
            Issue.record("bindings")
            return
        }
        #expect(try net.train(p, x, y, steps: 137, learningRate: 0.1) == q)
    }

    @Test func aLongTrainingRunStopsAtTheTimeout() throws {
        let src = SourceText(
            "X = randn(8, 4, seed: 0)\nY = randn(8, 1, seed: 1)\nn = mlp(depth: 2, width: 64)\np = init(n, X, seed: 2)\nq = train(n, p, X, Y, steps: 100000000, learning_rate: 0.01)"
        )
        let ctx = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: "/"), seed: 0,
            deadline: Deadline(seconds: 1))
        do {
            try Evaluator(context: ctx, source: src).run(try Parser.parse(src))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.message.contains("timed out after 1 s"))
        }
    }
}

/// `ntk(net, X, out: "K.npy")`: the kernel file, its record, and the path rules.
@Suite struct KernelFileBuiltinTests {
    static func folder() throws -> URL {
        try TemporaryFolder("kfile").root
    }

    static func run(_ code: String, in dir: URL) throws(Diagnostic) -> EvaluationContext {
        let source = SourceText(code)
        let context = EvaluationContext(environment: Environment(), baseDirectory: dir, seed: 0, fileRoot: dir)
        try Evaluator(context: context, source: source).run(try Parser.parse(source))
        return context
    }

    @Test func writesTheKernelAndReturnsARecord() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ctx = try Self.run(
            """
            net = mlp(depth: 2, width: 64, W_std: 1.4, b_std: 0.1)
            X = randn(30, 4, seed: 1)
            r = ntk(net, X, out: "k/K.npy")
            expect max(abs(load("k/K.npy") - ntk(net, X))) <= 1e-12 * max(abs(ntk(net, X)))
            expect r.rows == 30 and r.cols == 30 and r.path == "k/K.npy"
            """, in: dir)
        #expect(ctx.filesWritten == [dir.appendingPathComponent("k/K.npy").standardizedFileURL.path])
    }

    /// Any §9 layer network, not only mlp(...): the file equals the kernel in memory.
    @Test func writesTheKernelOfALayerNetwork() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ctx = try Self.run(
            """
            block = serial(FanOut(2), parallel(serial(Relu(), Dense(64, W_std: 1.1)), Identity()), FanInSum())
            net = serial(Dense(64, W_std: 1.5, b_std: 0.05), block, block, Relu(), Dense(1, W_std: 1.5))
            X = randn(23, 4, seed: 1)
            Z = randn(9, 4, seed: 2)
            r = ntk(net, X, out: "K.npy")
            s = nngp(net, X, Z, out: "K12.npy")
            expect max(abs(load("K.npy") - ntk(net, X))) <= 1e-12 * max(abs(ntk(net, X)))
            expect max(abs(load("K12.npy") - nngp(net, X, Z))) <= 1e-12 * max(abs(nngp(net, X, Z)))
            expect r.rows == 23 and r.cols == 23 and s.rows == 23 and s.cols == 9
            """, in: dir)
        #expect(ctx.filesWritten.count == 2)
    }

    /// User functions (ElementwiseNumerical) are called while the file is written, as in memory.
    @Test func writesTheKernelOfANetworkWithUserFunctions() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.run(
            """
            def f(x):
                return sin(x) + 0.5 * x
            def g(x):
                return cos(x) + 0.5
            net = serial(Dense(16, W_std: 1.2, b_std: 0.1), ElementwiseNumerical(f, 25, df: g), Dense(1))
            X = randn(11, 3, seed: 4)
            r = ntk(net, X, out: "K.npy")
            expect max(abs(load("K.npy") - ntk(net, X))) <= 1e-12 * max(abs(ntk(net, X)))
            """, in: dir)
    }

    /// A layer network's kernel error is located at the call and leaves no file.
    @Test func aRefusedLayerNetworkIsALocatedErrorAndNoFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (net, words) in [
            ("serial(Relu(), Dense(1))", "Relu"),
            ("serial(Dense(4), RectifiedMonomial(200), Dense(1))", "RectifiedMonomial(200) maps a variance")
        ] {
            do {
                _ = try Self.run("net = \(net)\nr = ntk(net, randn(5, 3, seed: 1), out: \"K.npy\")", in: dir)
                Issue.record("\(net) was accepted")
            } catch {
                #expect(error.message.contains(words), "\(error.message)")
                #expect(error.range.start.line == 2, "\(error.range)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        }
    }

    /// out: through a symbolic link that leads out of the project is refused, for an mlp and
    /// for a layer network alike, and nothing is written where the link points.
    @Test(arguments: ["mlp(depth: 1, width: 8)", "serial(Dense(8), Erf(), Dense(1))"])
    func aSymlinkOutOfTheProjectIsRefused(_ net: String) throws {
        let dir = try Self.folder()
        let outside = try Self.folder()
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: outside)
        }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(
            at: dir.appendingPathComponent("K.npy"),
            withDestinationURL: outside.appendingPathComponent("K.npy"))
        for out in ["link/K.npy", "K.npy"] {
            do {
                _ = try Self.run("net = \(net)\nr = ntk(net, ones(3, 2), out: \"\(out)\")", in: dir)
                Issue.record("\(out) was accepted")
            } catch {
                #expect(error.range.start.line == 2, "\(error.message)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        }
    }

    @Test func outsideTheProjectOrNotNpyIsALocatedError() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (out, words) in [("../K.npy", "outside the project root"), ("K.csv", "must name a .npy file")] {
            do {
                _ = try Self.run("net = mlp(depth: 1, width: 8)\nr = ntk(net, ones(3, 2), out: \"\(out)\")", in: dir)
                Issue.record("\(out) was accepted")
            } catch {
                #expect(error.message.contains(words), "\(error.message)")
                #expect(error.range.start.line == 2 && error.range.start.column == 31, "\(error.range)")
            }
        }
    }
}
