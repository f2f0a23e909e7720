import Foundation
import Testing

@testable import NTKCore

/// Finite-width networks (`MLP.apply`, `loss`, `empiricalNTK`, `train`, `initialize`,
/// `validated`) against neural-tangents 0.6.5 / JAX golden values from
/// Fixtures/nt/finite/make_finite_fixtures.py, and against independent checks: a
/// finite-difference Jacobian, loss decrease, the init distribution and the 1/√width
/// approach of the empirical NTK to the analytic one.
@Suite struct FiniteNetworkTests {
    // MARK: Golden fixtures

    /// One case of Fixtures/nt/finite/cases.json.
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        struct Spec: Decodable, Sendable {
            let depth: Int
            let activation: String
            let parameterization: String
            let W_std: Double
            let b_std: Double?
            let W_std_out: Double
            let b_std_out: Double?
            let widths: [Int]
            let out_dim: Int
        }
        let name: String
        let spec: Spec
        let X1, X2, Y: [[Double]]
        let weights: [[[Double]]]
        let biases: [[Double]?]
        let f1, f2, ntk_11, ntk_12: [[Double]]
        let learning_rate: Double
        let steps: Int
        let losses: [Double]
        let trained_weights: [[[Double]]]
        let trained_biases: [[Double]?]
        let f_trained: [[Double]]

        var testDescription: String { name }

        var net: MLP {
            MLP(
                widths: spec.widths, activation: Activation(rawValue: spec.activation)!, wStd: spec.W_std,
                bStd: spec.b_std, wStdOut: spec.W_std_out, bStdOut: .some(spec.b_std_out),
                parameterization: Parameterization(rawValue: spec.parameterization)!, outDim: spec.out_dim)
        }
        static func params(_ w: [[[Double]]], _ b: [[Double]?]) -> NetworkParams {
            NetworkParams(
                weights: w.map { Matrix(rowArrays: $0) },
                biases: b.map { $0.map { Matrix(rows: 1, cols: $0.count, storage: $0) } })
        }
        var params: NetworkParams { Self.params(weights, biases) }
        var trainedParams: NetworkParams { Self.params(trained_weights, trained_biases) }
    }

    struct Fixtures: Decodable {
        let cases: [Case]
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/nt/finite/cases.json")
        guard let data = try? Data(contentsOf: url),
            let fixtures = try? JSONDecoder().decode(Fixtures.self, from: data)
        else { return [] }
        return fixtures.cases
    }()

    /// max|a − b| / max|b| (shapes must agree; infinity if they do not).
    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
        var diff = 0.0
        var scale = 0.0
        for i in 0..<a.count {
            diff = max(diff, abs(a.storage[i] - b.storage[i]))
            scale = max(scale, abs(b.storage[i]))
        }
        return diff == 0 ? 0 : diff / scale
    }

    static func relativeError(_ a: NetworkParams, _ b: NetworkParams) -> Double {
        guard a.weights.count == b.weights.count, a.biases.count == b.biases.count else { return .infinity }
        var worst = zip(a.weights, b.weights).map { relativeError($0, $1) }.max() ?? 0
        for (x, y) in zip(a.biases, b.biases) {
            switch (x, y) {
            case (nil, nil): break
            case (let x?, let y?): worst = max(worst, relativeError(x, y))
            default: return .infinity
            }
        }
        return worst
    }

    @Test func fixturesCoverTheGrid() {
        let cases = Self.cases
        #expect(cases.count == 82)
        #expect(Set(cases.map(\.spec.activation)) == Set(Activation.allCases.map(\.rawValue)))
        #expect(Set(cases.map(\.spec.parameterization)) == ["ntk", "standard"])
        #expect(Set(cases.map(\.spec.depth)) == [0, 1, 2, 3])
        #expect(Set(cases.map(\.spec.out_dim)) == [1, 3])
        #expect(cases.contains { $0.spec.b_std == nil && $0.spec.b_std_out != nil })
        #expect(cases.contains { $0.spec.b_std == 0 && $0.spec.parameterization == "standard" })
    }

    @Test(arguments: cases)
    func forwardLossAndKernelMatchNT(_ c: Case) throws {
        let net = c.net
        let x1 = Matrix(rowArrays: c.X1)
        let x2 = Matrix(rowArrays: c.X2)
        let p = try net.validated(c.params, inputWidth: x1.cols)
        #expect(Self.relativeError(net.apply(p, x1), Matrix(rowArrays: c.f1)) <= 1e-12)
        #expect(Self.relativeError(net.apply(p, x2), Matrix(rowArrays: c.f2)) <= 1e-12)
        let loss = net.loss(p, x1, Matrix(rowArrays: c.Y))
        #expect(abs(loss - c.losses[0]) <= 1e-12 * abs(c.losses[0]))
        let k11 = net.empiricalNTK(p, x1, nil)
        #expect(Self.relativeError(k11, Matrix(rowArrays: c.ntk_11)) <= 1e-12)
        #expect(k11 == k11.transposed)
        #expect(Self.relativeError(net.empiricalNTK(p, x1, x2), Matrix(rowArrays: c.ntk_12)) <= 1e-12)
    }

    @Test(arguments: cases)
    func trainingMatchesJAX(_ c: Case) throws {
        let net = c.net
        let x = Matrix(rowArrays: c.X1)
        let y = Matrix(rowArrays: c.Y)
        let run = try net.trainingRun(c.params, x, y, steps: c.steps, learningRate: c.learning_rate)
        #expect(Self.relativeError(run.params, c.trainedParams) <= 1e-10)
        #expect(Self.relativeError(Matrix(column: run.losses), Matrix(column: c.losses)) <= 1e-10)
        #expect(Self.relativeError(net.apply(run.params, x), Matrix(rowArrays: c.f_trained)) <= 1e-10)
        let trained = try net.train(c.params, x, y, steps: c.steps, learningRate: c.learning_rate)
        #expect(trained == run.params)
    }

    /// Prints the worst relative error of each quantity over all fixtures (for the record).
    @Test func worstFixtureErrors() throws {
        var worst = [String: Double]()
        func note(_ key: String, _ e: Double) { worst[key] = max(worst[key] ?? 0, e) }
        for c in Self.cases {
            let net = c.net
            let x1 = Matrix(rowArrays: c.X1)
            let x2 = Matrix(rowArrays: c.X2)
            let p = try net.validated(c.params, inputWidth: x1.cols)
            note("apply", Self.relativeError(net.apply(p, x1), Matrix(rowArrays: c.f1)))
            note("apply", Self.relativeError(net.apply(p, x2), Matrix(rowArrays: c.f2)))
            note("loss", abs(net.loss(p, x1, Matrix(rowArrays: c.Y)) - c.losses[0]) / c.losses[0])
            note("ntk(X1)", Self.relativeError(net.empiricalNTK(p, x1, nil), Matrix(rowArrays: c.ntk_11)))
            note("ntk(X1,X2)", Self.relativeError(net.empiricalNTK(p, x1, x2), Matrix(rowArrays: c.ntk_12)))
            let run = try net.trainingRun(p, x1, Matrix(rowArrays: c.Y), steps: c.steps, learningRate: c.learning_rate)
            note("train params", Self.relativeError(run.params, c.trainedParams))
            note("train losses", Self.relativeError(Matrix(column: run.losses), Matrix(column: c.losses)))
        }
        print(
            "FiniteNetworkTests worst relative errors over \(Self.cases.count) NT cases:",
            worst.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        #expect((worst["ntk(X1)"] ?? 1) <= 1e-12 && (worst["train params"] ?? 1) <= 1e-10)
    }

    // MARK: Independent checks

    /// Θ = (1/k) J Jᵀ with J from central differences of `apply`. With step h = 1e-5 on O(1)
    /// parameters the truncation error of each derivative is h²/6·|f'''| ≈ 2e-11 and the rounding
    /// error ε|f|/h ≈ 2e-11, so Θ should agree to ~1e-10 relative (measured: 4e-12 … 2e-10);
    /// 1e-8 leaves room for larger third derivatives.
    @Test(arguments: [Activation.erf, .gelu, .tanh, .identity], [Parameterization.ntk, .standard])
    func empiricalNTKIsJacobianProduct(_ act: Activation, _ par: Parameterization) throws {
        let net = MLP(
            widths: [7, 5], activation: act, wStd: 1.3, bStd: 0.4, wStdOut: 1.1, bStdOut: .some(0.2),
            parameterization: par, outDim: 3)
        var rng = NumpyGenerator(seed: 3)
        let x1 = rng.standardNormal(rows: 4, cols: 3)
        let x2 = rng.standardNormal(rows: 3, cols: 3)
        let p = net.initialize(inputWidth: 3, generator: &rng)
        let j1 = Self.jacobian(net, p, x1)
        let j2 = Self.jacobian(net, p, x2)
        let k = net.outDim
        func fdKernel(_ a: [[Double]], _ b: [[Double]], _ n1: Int, _ n2: Int) -> Matrix {
            Matrix(rows: n1, cols: n2) { i, j in
                (0..<k).reduce(0.0) { sum, c in
                    sum + zip(a[i * k + c], b[j * k + c]).reduce(0.0) { $0 + $1.0 * $1.1 }
                } / Double(k)
            }
        }
        let e11 = Self.relativeError(net.empiricalNTK(p, x1, nil), fdKernel(j1, j1, 4, 4))
        let e12 = Self.relativeError(net.empiricalNTK(p, x1, x2), fdKernel(j1, j2, 4, 3))
        print("FiniteNetworkTests finite differences \(act) \(par): \(e11), \(e12)")
        #expect(e11 <= 1e-8 && e12 <= 1e-8)
    }

    /// Rows (a·k + c) of ∂f_c(x_a)/∂θ over every weight and bias entry.
    static func jacobian(_ net: MLP, _ p: NetworkParams, _ x: Matrix, step h: Double = 1e-5) -> [[Double]] {
        let k = net.outDim
        var rows = [[Double]](repeating: [], count: x.rows * k)
        func column(_ plus: NetworkParams, _ minus: NetworkParams) {
            let fp = net.apply(plus, x)
            let fm = net.apply(minus, x)
            for a in 0..<x.rows { for c in 0..<k { rows[a * k + c].append((fp[a, c] - fm[a, c]) / (2 * h)) } }
        }
        for l in p.weights.indices {
            for e in 0..<p.weights[l].count {
                var plus = p
                var minus = p
                plus.weights[l].storage[e] += h
                minus.weights[l].storage[e] -= h
                column(plus, minus)
            }
            guard let b = p.biases[l] else { continue }
            for e in 0..<b.count {
                var plus = p
                var minus = p
                plus.biases[l]!.storage[e] += h
                minus.biases[l]!.storage[e] -= h
                column(plus, minus)
            }
        }
        return rows
    }

    // MARK: Large inputs (several tiles, parallel dgemm pieces) against plain Matrix code

    /// The per-layer formula of docs/numerics.md#empirical-ntk and one gradient step, written with
    /// `Matrix` products, one output c at a time.
    struct Reference {
        let net: MLP, p: NetworkParams

        func coefficients(_ l: Int) -> (s: Double, t: Double) {
            let fanIn = Double(p.weights[l - 1].rows)
            return net.parameterization == .ntk
                ? (net.weightStd(layer: l) / fanIn.squareRoot(), net.biasStd(layer: l) ?? 0) : (1, 1)
        }

        func forward(_ x: Matrix) -> (inputs: [Matrix], slopes: [Matrix], output: Matrix) {
            var inputs = [x]
            var slopes = [Matrix]()
            var h = x
            for l in 1...(net.depth + 1) {
                let (s, t) = coefficients(l)
                var z = h.matmul(p.weights[l - 1]).map { s * $0 }
                if let b = p.biases[l - 1] { z = Matrix.broadcast(z, b) { $0 + t * $1 } }
                if l == net.depth + 1 { return (inputs, slopes, z) }
                slopes.append(z.map(net.activation.derivative))
                h = z.map(net.activation.value)
                inputs.append(h)
            }
            preconditionFailure()
        }

        /// δ_{l,c} for l = 1 … depth (index l − 1).
        func signals(_ f: (inputs: [Matrix], slopes: [Matrix], output: Matrix), output c: Int) -> [Matrix] {
            let top = net.depth + 1
            let w = p.weights[top - 1]
            let column = Matrix(rows: 1, cols: w.rows) { _, u in coefficients(top).s * w[u, c] }
            var delta = Matrix.broadcast(f.slopes[net.depth - 1], column, *)
            var out = [delta]
            for l in stride(from: net.depth, to: 1, by: -1) {
                delta = Matrix.broadcast(
                    delta.matmulTransposed(p.weights[l - 1]).map { coefficients(l).s * $0 },
                    f.slopes[l - 2], *)
                out.insert(delta, at: 0)
            }
            return out
        }

        func ntk(_ x1: Matrix, _ x2: Matrix) -> Matrix {
            let f1 = forward(x1)
            let f2 = forward(x2)
            let k = net.outDim
            let top = net.depth + 1
            let (s, t) = coefficients(top)
            let beta = p.biases[top - 1] == nil ? 0 : t * t
            var theta = f1.inputs[net.depth].matmulTransposed(f2.inputs[net.depth]).map { s * s * $0 + beta }
            for c in 0..<k where net.depth > 0 {
                let d1 = signals(f1, output: c)
                let d2 = signals(f2, output: c)
                for l in 1...net.depth {
                    let (s, t) = coefficients(l)
                    let shift = p.biases[l - 1] == nil ? 0 : t * t
                    let h = f1.inputs[l - 1].matmulTransposed(f2.inputs[l - 1]).map { s * s * $0 + shift }
                    let term = Matrix.broadcast(h, d1[l - 1].matmulTransposed(d2[l - 1]), *)
                    theta = Matrix.broadcast(theta, term) { $0 + $1 / Double(k) }
                }
            }
            return theta
        }

        func step(_ x: Matrix, _ y: Matrix, rate: Double) -> NetworkParams {
            let f = forward(x)
            var g = Matrix.broadcast(f.output, y) { ($0 - $1) / Double(y.count) }
            var q = p
            for l in stride(from: net.depth + 1, through: 1, by: -1) {
                let (s, t) = coefficients(l)
                let gw = f.inputs[l - 1].transposedMatmul(g)
                q.weights[l - 1] = Matrix.broadcast(p.weights[l - 1], gw) { $0 - rate * s * $1 }
                if let b = p.biases[l - 1] {
                    let sums = Matrix(rows: 1, cols: g.cols) { _, j in (0..<g.rows).reduce(0) { $0 + g[$1, j] } }
                    q.biases[l - 1] = Matrix.broadcast(b, sums) { $0 - rate * t * $1 }
                }
                if l > 1 {
                    g = Matrix.broadcast(g.matmulTransposed(p.weights[l - 1]).map { s * $0 }, f.slopes[l - 2], *)
                }
            }
            return q
        }
    }

    /// 700 and 300 inputs: Θ spans several 256-row tiles (with ragged edges), and the forward,
    /// backward and weight-gradient dgemms are large enough to be split over the cores.
    @Test(arguments: [(Activation.relu, Parameterization.ntk, 1), (.erf, .standard, 3), (.gelu, .ntk, 2)])
    func largeInputsMatchPlainMatrixCode(_ act: Activation, _ par: Parameterization, _ k: Int) throws {
        let net = MLP(
            widths: [96, 64], activation: act, wStd: 1.4, bStd: 0.2, bStdOut: .some(nil),
            parameterization: par, outDim: k)
        var rng = NumpyGenerator(seed: 17)
        let x1 = rng.standardNormal(rows: 700, cols: 32)
        let x2 = rng.standardNormal(rows: 300, cols: 32)
        let y = rng.standardNormal(rows: 700, cols: k)
        let p = net.initialize(inputWidth: 32, generator: &rng)
        let reference = Reference(net: net, p: p)
        #expect(Self.relativeError(net.apply(p, x1), reference.forward(x1).output) <= 1e-13)
        let k11 = net.empiricalNTK(p, x1, nil)
        #expect(k11 == k11.transposed)
        #expect(Self.relativeError(k11, reference.ntk(x1, x1)) <= 1e-13)
        #expect(Self.relativeError(net.empiricalNTK(p, x1, x2), reference.ntk(x1, x2)) <= 1e-13)
        #expect(Self.relativeError(net.empiricalNTK(p, x2, x1), reference.ntk(x2, x1)) <= 1e-13)
        let rate = par == .ntk ? 0.5 : 0.05
        let stepped = try net.train(p, x1, y, steps: 1, learningRate: rate)
        #expect(Self.relativeError(stepped, reference.step(x1, y, rate: rate)) <= 1e-13)
    }

    @Test(arguments: [Parameterization.ntk, .standard])
    func trainingDecreasesTheLoss(_ par: Parameterization) throws {
        let net = MLP(
            widths: [64, 64], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1,
            parameterization: par, outDim: 2)
        var rng = NumpyGenerator(seed: 11)
        let x = rng.standardNormal(rows: 20, cols: 5)
        let y = rng.standardNormal(rows: 20, cols: 2)
        let p = net.initialize(inputWidth: 5, generator: &rng)
        let run = try net.trainingRun(p, x, y, steps: 200, learningRate: par == .ntk ? 0.5 : 0.05)
        #expect(run.losses.count == 201)
        #expect(run.losses[0] == net.loss(p, x, y))
        #expect(run.losses[200] < 0.5 * run.losses[0])
        #expect(abs(run.losses[200] - net.loss(run.params, x, y)) <= 1e-14 * run.losses[0])
        #expect(zip(run.losses, run.losses.dropFirst()).filter { $1 > $0 }.count <= 10)
        let none = try net.train(p, x, y, steps: 0, learningRate: 0.5)
        #expect(none == p)
    }

    @Test func initializationIsReproducibleAndFollowsTheDocumentedOrder() {
        let net = MLP(
            widths: [4], activation: .erf, wStd: 1.5, bStd: nil, bStdOut: .some(0.3),
            parameterization: .standard, outDim: 2)
        var a = NumpyGenerator(seed: 5)
        var b = NumpyGenerator(seed: 5)
        let p = net.initialize(inputWidth: 3, generator: &a)
        #expect(p == net.initialize(inputWidth: 3, generator: &b))
        // The numpy recipe of the doc comment: W1, (no b1), W2, b2, scaled after drawing.
        var rng = NumpyGenerator(seed: 5)
        let w1 = rng.standardNormal(rows: 3, cols: 4)
        let w2 = rng.standardNormal(rows: 4, cols: 2)
        let b2 = rng.standardNormal(rows: 1, cols: 2)
        #expect(p.weights == [w1.map { $0 * (1.5 / 3.0.squareRoot()) }, w2.map { $0 * (1.5 / 2.0) }])
        #expect(p.biases == [nil, b2.map { $0 * 0.3 }])
        #expect((try? net.validated(p, inputWidth: 3)) == p)
    }

    @Test(arguments: [Parameterization.ntk, .standard])
    func initializationHasTheRightDistribution(_ par: Parameterization) {
        let net = MLP(widths: [2048], activation: .relu, wStd: 1.7, bStd: 0.6, parameterization: par)
        var rng = NumpyGenerator(seed: 2)
        let p = net.initialize(inputWidth: 512, generator: &rng)
        func moments(_ m: Matrix) -> (mean: Double, std: Double) {
            let mean = m.storage.reduce(0, +) / Double(m.count)
            let variance = m.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m.count)
            return (mean, variance.squareRoot())
        }
        let wExpected = par == .ntk ? 1 : 1.7 / 512.0.squareRoot()
        let bExpected = par == .ntk ? 1 : 0.6
        let w = moments(p.weights[0])
        let b = moments(p.biases[0]!)
        // 1M weight draws: the sample std has a relative standard error of 1/√(2·1M) ≈ 7e-4.
        #expect(abs(w.std / wExpected - 1) < 0.005)
        #expect(abs(w.mean) < 0.005 * wExpected)
        // 2048 bias draws: relative standard error ≈ 1.6%.
        #expect(abs(b.std / bExpected - 1) < 0.08)
    }

    /// The empirical NTK of a wide network approaches the analytic one with a relative error
    /// ~ 1/√width: fit log(error) against log(width) for widths 64 … 4096 (mean error over
    /// eight fixed seeds per width).
    @Test func empiricalNTKConvergesLikeInverseSqrtWidth() throws {
        var rng = NumpyGenerator(seed: 21)
        let x = rng.standardNormal(rows: 4, cols: 6)
        let base = MLP(widths: [64], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1)
        let analytic = try AnalyticKernel.compute(base, x, nil, .ntk).ntk
        var logWidth = [Double]()
        var logError = [Double]()
        for width in [64, 256, 1024, 4096] {
            var net = base
            net.widths = [width]
            var total = 0.0
            for seed in 0..<8 {
                var g = NumpyGenerator(seed: UInt64(100 + seed))
                let p = net.initialize(inputWidth: 6, generator: &g)
                let diff = Matrix.broadcast(net.empiricalNTK(p, x, nil), analytic) { $0 - $1 }
                total += Self.frobenius(diff) / Self.frobenius(analytic)
            }
            logWidth.append(log(Double(width)))
            logError.append(log(total / 8))
        }
        let mx = logWidth.reduce(0, +) / 4
        let my = logError.reduce(0, +) / 4
        let slope =
            zip(logWidth, logError).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
            / logWidth.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        print("FiniteNetworkTests width convergence: log-log slope \(slope), errors \(logError.map { exp($0) })")
        #expect(slope >= -0.75 && slope <= -0.25)
    }

    static func frobenius(_ m: Matrix) -> Double { m.storage.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    @Test(arguments: [Parameterization.ntk, .standard])
    func depthZeroIsALinearKernel(_ par: Parameterization) throws {
        let net = MLP(widths: [], activation: .tanh, wStd: 1.4, bStd: 0.5, parameterization: par, outDim: 2)
        var rng = NumpyGenerator(seed: 8)
        let x = rng.standardNormal(rows: 5, cols: 3)
        let p = net.initialize(inputWidth: 3, generator: &rng)
        let (s2, t2) = par == .ntk ? (1.4 * 1.4 / 3, 0.25) : (1.0, 1.0)
        let expected = x.matmulTransposed(x).map { s2 * $0 + t2 }
        #expect(Self.relativeError(net.empiricalNTK(p, x, nil), expected) <= 1e-14)
    }

    /// φ' against central differences away from kinks; JAX's values at the special points.
    @Test(arguments: Activation.allCases)
    func activationDerivatives(_ act: Activation) {
        for x in [-2.3, -0.7, -1e-3, 0.4, 1.9] {
            let h = 1e-6
            let fd = (act.value(x + h) - act.value(x - h)) / (2 * h)
            #expect(abs(act.derivative(x) - fd) <= 1e-8, "\(act) at \(x)")
        }
        if act == .relu {
            #expect(act.derivative(0) == 0.5 && act.value(0) == 0 && act.value(-3) == 0)
            #expect(act.value(-3).sign == .plus)  // 0·min(x, 0) + max(x, 0) is +0
            #expect(act.value(.nan).isNaN && act.value(-.infinity).isNaN && act.value(.infinity) == .infinity)
        }
    }

    @Test func emptyInputsGiveEmptyResults() throws {
        let net = MLP(widths: [3], activation: .relu, bStd: 0.1)
        var rng = NumpyGenerator(seed: 1)
        let p = net.initialize(inputWidth: 2, generator: &rng)
        let none = Matrix(rows: 0, cols: 2)
        let some = rng.standardNormal(rows: 3, cols: 2)
        #expect(net.apply(p, none) == Matrix(rows: 0, cols: 1))
        #expect(net.empiricalNTK(p, none, nil) == Matrix(rows: 0, cols: 0))
        #expect(net.empiricalNTK(p, some, none) == Matrix(rows: 3, cols: 0))
        #expect(net.loss(p, none, Matrix(rows: 0, cols: 1)).isNaN)
    }

    @Test func memoryEstimateCoversTheKernel() {
        let net = MLP(widths: [1024, 1024], outDim: 1)
        let bytes = net.empiricalNTKEstimatedBytes(n1: 4096, n2: nil, inputWidth: 100)
        // Θ alone is 8·4096² bytes; the traces and signals add about as much again.
        #expect(bytes > 8 * 4096 * 4096 && bytes < 8 * 4096 * 4096 * 4)
        #expect(net.empiricalNTKEstimatedBytes(n1: Int.max / 2, n2: nil, inputWidth: 100) == Int.max)
    }

    // MARK: Errors

    static let net = MLP(widths: [5, 4], activation: .gelu, wStd: 1.2, bStd: 0.3, bStdOut: .some(nil), outDim: 2)

    static func goodParams() -> NetworkParams {
        var rng = NumpyGenerator(seed: 4)
        return net.initialize(inputWidth: 3, generator: &rng)
    }

    /// The `NetworkError` thrown by `body`, if any.
    static func error(_ body: () throws -> Void) -> NetworkError? {
        do {
            try body()
            return nil
        } catch {
            return error as? NetworkError
        }
    }

    @Test func badParametersThrowTheRightError() {
        let net = Self.net
        let good = Self.goodParams()
        func validate(_ p: NetworkParams, width: Int = 3) -> NetworkError? {
            Self.error { _ = try net.validated(p, inputWidth: width) }
        }
        #expect(validate(good) == nil)
        var p = good
        p.weights.removeLast()
        #expect(validate(p) == .layerCount(expected: 3, got: 2))
        p = good
        p.weights[1] = p.weights[1].transposed
        #expect(validate(p) == .weightShape(layer: 2, expected: "5×4", got: "4×5"))
        #expect(validate(good, width: 4) == .weightShape(layer: 1, expected: "4×5", got: "3×5"))
        p = good
        p.biases[0] = Matrix(rows: 1, cols: 4)
        #expect(validate(p) == .biasShape(layer: 1, expected: "1×5", got: "1×4"))
        p = good
        p.biases[1] = nil
        #expect(validate(p) == .missingBias(layer: 2))
        p = good
        p.biases[2] = Matrix(rows: 1, cols: 2)
        #expect(validate(p) == .unexpectedBias(layer: 3))
        p = good
        p.weights[2].storage[1] = .nan
        #expect(validate(p) == .notFinite("the weights of layer 3"))
        p = good
        p.biases[0] = p.biases[0]!.transposed  // a 5×1 column is accepted as the 1×5 row
        #expect((try? net.validated(p, inputWidth: 3)) == good)
        #expect(validate(good, width: 0) == .invalidWidth(layer: 0, width: 0))
        let narrow = MLP(widths: [3, 0], outDim: 1)
        #expect(Self.error { try narrow.checkArchitecture(inputWidth: 2) } == .invalidWidth(layer: 2, width: 0))
        let description = NetworkError.weightShape(layer: 2, expected: "5×4", got: "4×5").description
        #expect(description.contains("layer 2") && description.contains("5×4") && description.contains("4×5"))
    }

    @Test func badTrainingInputsThrowTheRightError() {
        let net = Self.net
        let p = Self.goodParams()
        var rng = NumpyGenerator(seed: 9)
        let x = rng.standardNormal(rows: 6, cols: 3)
        let y = rng.standardNormal(rows: 6, cols: 2)
        func train(_ x: Matrix, _ y: Matrix, steps: Int = 3, rate: Double = 0.1) -> NetworkError? {
            Self.error { _ = try net.train(p, x, y, steps: steps, learningRate: rate) }
        }
        #expect(train(x, y) == nil)
        #expect(train(rng.standardNormal(rows: 6, cols: 4), y) == .inputWidth(expected: 3, got: 4))
        #expect(train(x, rng.standardNormal(rows: 6, cols: 1)) == .targetShape(expected: "6×2", got: "6×1"))
        #expect(train(x, rng.standardNormal(rows: 5, cols: 2)) == .targetShape(expected: "6×2", got: "5×2"))
        #expect(train(x, y, rate: -0.1) == .invalidLearningRate(-0.1))
        #expect(train(x, y, steps: -1) == .invalidStepCount(-1))
        #expect(train(Matrix(rows: 0, cols: 3), Matrix(rows: 0, cols: 2)) == .noInputs)
        var bad = x
        bad[2, 1] = .infinity
        #expect(train(bad, y) == .notFinite("the inputs"))
        var badY = y
        badY[0, 0] = .nan
        #expect(train(x, badY) == .notFinite("the targets"))
        guard case .divergedAt(let step, let loss)? = train(x, y.map { $0 * 100 }, steps: 200, rate: 1e4) else {
            Issue.record("a huge learning rate should diverge")
            return
        }
        #expect(step >= 1 && !loss.isFinite)
    }
}
