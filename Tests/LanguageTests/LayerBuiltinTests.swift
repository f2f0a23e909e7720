import Foundation
import NTKCore
import TangentSupport
import Testing

@testable import Language

/// The stax layer builtins of docs/language.md#builtins: networks from layers serve every network
/// builtin, an `mlp` is the serial it describes (same kernels, params, outputs), layer values
/// survive the cache's encoding, and NT's refusals are located errors naming the layer.
@Suite struct LayerBuiltinTests {
    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(a.storage, b.storage).map { abs($0 - $1) / scale }.max() ?? 0
    }

    static let setup = "X = randn(6, 3, seed: 1)\nZ = randn(4, 3, seed: 2)\nY = randn(6, 2, seed: 3)\n"

    @Test(arguments: ["relu", "erf", "gelu", "tanh", "identity"])
    func mlpEqualsTheSerialItDescribes(_ act: String) throws {
        let layer = ["relu": "Relu()", "erf": "Erf()", "gelu": "Gelu()", "tanh": "Tanh()", "identity": "Identity()"][
            act]!
        let code =
            Self.setup + """
                m = mlp(depth: 2, width: [7, 5], activation: "\(act)", W_std: 1.3, b_std: 0.1, W_std_out: 0.8, b_std_out: none, out_dim: 2)
                s = serial(Dense(7, W_std: 1.3, b_std: 0.1), \(layer), Dense(5, 1.3, 0.1), \(layer), Dense(2, W_std: 0.8))
                w = serial(m)
                a1 = ntk(m, X, Z)
                a2 = ntk(s, X, Z)
                a3 = nngp(w, X)
                a4 = nngp(m, X)
                pm = init(m, X, seed: 4)
                ps = init(s, X, seed: 4)
                f1 = apply(m, pm, X)
                f2 = apply(s, pm, X)
                e1 = empirical_ntk(m, pm, X, Z)
                e2 = empirical_ntk(s, pm, X, Z)
                """
        let ctx = try run(code)
        func m(_ n: String) -> Matrix {
            if case .matrix(let x) = ctx.environment[n] { return x }
            return Matrix(rows: 0, cols: 0)
        }
        #expect(Self.relativeError(m("a2"), m("a1")) < 1e-12)
        #expect(Self.relativeError(m("a3"), m("a4")) < 1e-12)
        #expect(ctx.environment["pm"] == ctx.environment["ps"])
        #expect(Self.relativeError(m("f2"), m("f1")) < 1e-13)
        #expect(Self.relativeError(m("e2"), m("e1")) < 1e-12)
    }

    /// predict_ensemble of a residual network: its mean is `predict` with the network's own
    /// NTK (zero initial outputs), its NNGP covariance at t = ∞ is K_tt − K_td K_dd⁻¹ K_dt.
    @Test func predictEnsembleOfAResidualNetwork() throws {
        let code =
            Self.setup + """
                block = serial(FanOut(2), parallel(serial(Relu(), Dense(64, W_std: 1.1)), Identity()), FanInSum())
                net = serial(Dense(64, W_std: 1.5, b_std: 0.05), block, block, Relu(), Dense(2, W_std: 1.5))
                r = predict_ensemble(net, X, Y, Z, t: 3, learning_rate: 0.5)
                m = predict(ntk(net, X), Y, ntk(net, Z, X), t: 3, learning_rate: 0.5)
                g = predict_ensemble(net, X, Y, Z, kernel: "nngp")
                c = nngp(net, Z) - nngp(net, Z, X) @ solve(nngp(net, X), nngp(net, X, Z))
                """
        let ctx = try run(code)
        guard case .record(let r) = ctx.environment["r"], case .matrix(let mean)? = r["mean"],
            case .matrix(let expected) = ctx.environment["m"],
            case .record(let g) = ctx.environment["g"], case .matrix(let cov)? = g["cov"],
            case .matrix(let c) = ctx.environment["c"]
        else {
            Issue.record("missing values")
            return
        }
        #expect(Self.relativeError(mean, expected) < 1e-10)
        #expect(Self.relativeError(cov, c) < 1e-8)
    }

    @Test func trainingALayerNetworkLowersTheLoss() throws {
        let code =
            Self.setup + """
                net = serial(Dense(32, b_std: 0.1), LayerNorm(), Gelu(approximate: true), Dense(2))
                p = init(net, X, seed: 0)
                a = loss(net, p, X, Y)
                q = train(net, p, X, Y, steps: 50, learning_rate: 0.5)
                b = loss(net, q, X, Y)
                k = len(weights(q))
                """
        let ctx = try run(code)
        guard case .number(let a) = ctx.environment["a"], case .number(let b) = ctx.environment["b"] else { return }
        #expect(b < a / 2, "loss \(a) → \(b)")
        #expect(ctx.environment["k"] == .number(2))
    }

    @Test func layerValuesSurviveTheCacheEncoding() throws {
        let code = """
            r = [serial(Dense(3, 1.2, 0.1, "standard"), FanOut(3), parallel(Relu(), LeakyRelu(0.1), ABRelu(-0.2, 1.5)), FanInConcat(),
                 Abs(), Sign(), Erf(2, 0.5, 0.1), Gelu(approximate: true), Sin(1, 2, 3), Cos(c: 1), Rbf(0.3), Gaussian(2, -0.5),
                 Exp(0.5, 0.2), Monomial(3), RectifiedMonomial(2), Polynomial([1, 2, 3]), Hermite(4), Tanh(deg: 10),
                 LayerNorm(eps: 1e-5), Identity(), FanOut(2), FanInProd(), FanOut(2), FanInSum()), repeat(Relu(), 3)]
            """
        let v = try value(code)
        var w = BinaryWriter()
        v.encode(into: &w)
        var r = BinaryReader(w.bytes)
        #expect(Value.decode(from: &r) == v)
        #expect(r.atEnd)
        #expect(ValueFormatter.text(v).contains("Dense(3, W_std: 1.2, b_std: 0.1, parameterization: \"standard\")"))
        #expect(ValueFormatter.text(v).contains("Polynomial([1, 2, 3])"))
    }

    @Test(arguments: [
        ("r = nngp(serial(Relu(), Dense(1)), X)", "Relu: the input to an activation must be Gaussian"),
        (
            "r = ntk(serial(Dense(4), FanOut(2), parallel(Relu(), Erf()), FanInSum()), X)",
            "FanInSum: neural-tangents sums branches only when each ends in an affine layer"
        ),
        (
            "r = ntk(serial(Dense(4), Relu(), LayerNorm()), X)",
            "LayerNorm: neural-tangents computes its infinite-width kernel only for Gaussian inputs"
        ),
        ("r = ntk(serial(Dense(4), FanOut(2)), X)", "ends with 2 branches"),
        (
            "r = init(serial(Dense(4), FanOut(2), parallel(Dense(2), Dense(3)), FanInSum()), X)",
            "FanInSum: its inputs must have the same width, got 2, 3"
        ),
        ("r = Monomial(6)", "degree must be between 0 and 5"),
        ("r = serial(Dense(2), 3)", "serial() takes layers"),
        ("r = LayerNorm(axis: 0)", "normalisation over the features"),
        ("r = apply(serial(Dense(2)), init(serial(Dense(3)), X), X)", "the weight matrix must be 3×2")
    ])
    func refusalsAreLocatedErrors(_ code: String, _ message: String) {
        let d = diagnostic(Self.setup + code)
        #expect(d?.message.contains(message) == true, "\(d?.message ?? "no error")")
        #expect(d?.range.start.line == 4, "the error points at the call")
    }

    @Test func signHasAZeroNTKBelowIt() throws {
        let ctx = try run(
            Self.setup
                + "a = ntk(serial(Dense(8, b_std: 0.2), Sign(), Dense(1)), X)\nb = nngp(serial(Dense(8, b_std: 0.2), Sign(), Dense(1)), X)"
        )
        #expect(ctx.environment["a"] == ctx.environment["b"])
    }

    /// ElementwiseNumerical with def functions for tanh and its derivative is Tanh: same
    /// kernels, outputs and training, through the user-function bridge.
    @Test func elementwiseNumericalWithUserFunctionsIsTanh() throws {
        let code =
            Self.setup + """
                def t(x):
                    return tanh(x)
                def dt(x):
                    return 1 - tanh(x) * tanh(x)
                a = serial(Dense(5, b_std: 0.1), ElementwiseNumerical(t, 25, df: dt), Dense(2))
                b = serial(Dense(5, b_std: 0.1), Tanh(), Dense(2))
                ka = ntk(a, X, Z)
                kb = ntk(b, X, Z)
                p = init(a, X, seed: 1)
                fa = apply(a, train(a, p, X, Y, steps: 3, learning_rate: 0.1), X)
                fb = apply(b, train(b, p, X, Y, steps: 3, learning_rate: 0.1), X)
                """
        let ctx = try run(code)
        #expect(ctx.environment["ka"] == ctx.environment["kb"])
        #expect(ctx.environment["fa"] == ctx.environment["fb"])
        #expect(ctx.environment["a"]?.isPortable == false, "a layer holding user functions is not cached")
    }

    @Test func userFunctionErrorsSurfaceAtTheCall() {
        let d = diagnostic(
            Self.setup
                + "def f(x):\n    return x + missing\nr = nngp(serial(Dense(3), ElementwiseNumerical(f, 5), Dense(1)), X)"
        )
        #expect(d?.message.contains("missing") == true, "\(d?.message ?? "no error")")
        let e = diagnostic(
            Self.setup
                + "def f(x):\n    return x\nr = train(serial(Dense(3), ElementwiseNumerical(f, 5), Dense(1)), init(serial(Dense(3), ElementwiseNumerical(f, 5), Dense(1)), X), X, Y[:, 0:1], steps: 1, learning_rate: 0.1)"
        )
        #expect(e?.message.contains("no derivative") == true, "\(e?.message ?? "no error")")
    }

    /// t: a list gives one record per time, each the record of that single t.
    @Test func predictEnsembleWithAListOfTimes() throws {
        let code =
            Self.setup + """
                net = serial(Dense(16, b_std: 0.1), Erf(), Dense(2))
                r = predict_ensemble(net, X, Y, Z, t: [0, 1, 10, inf])
                a = predict_ensemble(net, X, Y, Z, t: 10)
                b = predict_ensemble(net, X, Y, Z)
                """
        let ctx = try run(code)
        guard case .list(let rs) = ctx.environment["r"] else {
            Issue.record("not a list")
            return
        }
        #expect(rs.count == 4)
        // One factorisation serves the list; the single calls factorise again. Multithreaded
        // BLAS need not round identically twice, so the records agree to rounding, field by field.
        func close(_ x: Value?, _ y: Value?) -> Bool {
            guard case .record(let a)? = x, case .record(let b)? = y, a.fieldNames == b.fieldNames else { return false }
            return zip(a.fields, b.fields).allSatisfy { f, g in
                guard case .matrix(let m) = f.value, case .matrix(let n) = g.value else { return f.value == g.value }
                return Self.relativeError(m, n) < 1e-12
            }
        }
        #expect(close(rs[2], ctx.environment["a"]))
        #expect(close(rs[3], ctx.environment["b"]))
    }
}
