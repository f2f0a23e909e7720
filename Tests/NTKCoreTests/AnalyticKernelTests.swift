import Foundation
import TangentSupport
import TestSupport
import Testing

@testable import NTKCore

/// The analytic NNGP/NTK against neural-tangents 0.6.5 (golden fixtures made by
/// Fixtures/nt/analytic/make_analytic_fixtures.py) and against independent mathematics.
@Suite struct AnalyticKernelTests {
    // MARK: neural-tangents fixtures

    @Test(arguments: AnalyticFixtures.cases)
    func matchesNeuralTangents(_ c: AnalyticFixtures.Case) throws {
        let k = try AnalyticKernel.compute(c.network, c.x1, c.x2)
        let e = AnalyticFixtures.errors(k, c)
        #expect(e.nngp <= 1e-12, "NNGP max|a−b|/max|b| = \(e.nngp)")
        #expect(e.ntk <= 1e-12, "NTK max|a−b|/max|b| = \(e.ntk) (off the ReLU diagonal)")
        #expect(e.reluDiagonal <= 1e-7, "ReLU K(X,X) diagonal: \(e.reluDiagonal)")
    }

    @Test func fixtureGridCoversEveryFactor() {
        let cases = AnalyticFixtures.cases
        #expect(cases.count >= 100)
        #expect(Set(cases.map(\.network.activation)) == Set(Activation.allCases))
        #expect(Set(cases.map(\.network.parameterization)) == Set(Parameterization.allCases))
        #expect(Set(cases.map(\.network.depth)) == Set(0...4))
        #expect(Set(cases.map(\.x1.cols)) == Set(1...20))
        #expect(Set(cases.filter { $0.network.activation == .tanh }.map(\.network.tanhDegree)) == [10, 25])
        #expect(cases.contains { $0.x2 == nil } && cases.contains { $0.x2 != nil })
        #expect(cases.contains { $0.network.bStd == nil && $0.network.bStdOut != nil })
        #expect(cases.contains { $0.network.bStd != nil && $0.network.bStdOut == nil })
    }

    /// Prints the worst relative errors per activation (for reports) and bounds them.
    @Test func worstErrorsPerActivation() throws {
        var worst = [Activation: (Double, Double, Double)]()
        for c in AnalyticFixtures.cases {
            let e = AnalyticFixtures.errors(try AnalyticKernel.compute(c.network, c.x1, c.x2), c)
            let w = worst[c.network.activation] ?? (0, 0, 0)
            worst[c.network.activation] = (max(w.0, e.nngp), max(w.1, e.ntk), max(w.2, e.reluDiagonal))
        }
        for a in Activation.allCases {
            let w = worst[a]!
            print(
                "analytic vs neural-tangents, \(a.rawValue): NNGP \(w.0), NTK \(w.1)"
                    + (a == .relu ? ", ReLU K(X,X) diagonal \(w.2)" : ""))
            #expect(max(w.0, w.1) <= 1e-12)
        }
    }

    @Test func gaussHermiteMatchesScipy() throws {
        for rule in AnalyticFixtures.hermiteRules {
            let gh = try #require(GaussHermite(degree: rule.degree))
            let wMax = rule.weights.max()!
            for i in 0..<rule.degree {
                #expect(
                    abs(gh.nodes[i] - rule.nodes[i]) <= 2e-15 * max(1, abs(rule.nodes[i])),
                    "degree \(rule.degree) node \(i): \(gh.nodes[i]) vs \(rule.nodes[i])")
                #expect(
                    abs(gh.weights[i] - rule.weights[i]) <= 1e-14 * rule.weights[i] + 1e-16 * wMax,
                    "degree \(rule.degree) weight \(i): \(gh.weights[i]) vs \(rule.weights[i])")
            }
        }
        #expect(GaussHermite(degree: 0) == nil)
        #expect(GaussHermite(degree: 151) == nil)
    }

    // MARK: Independent checks

    @Test(arguments: [Activation.relu, .erf, .identity, .gelu])
    func symmetricKernelIsSymmetricPSDAndAgreesWithRectangular(_ activation: Activation) throws {
        // 300 inputs: three block rows (128, 128, 44), so the tiling, the mirrored stores and
        // the partial lanes are all exercised.
        let n = 300
        let x = AnalyticFixtures.gaussian(rows: n, cols: 7, seed: 3)
        let net = MLP(
            widths: [64, 32, 16], activation: activation, wStd: 1.4, bStd: 0.2,
            parameterization: .standard)
        let sym = try AnalyticKernel.compute(net, x, nil)
        let rect = try AnalyticKernel.compute(net, x, x)
        for k in [sym.nngp, sym.ntk] {
            #expect(k == k.transposed)
            let eigenvalues = try k.symmetricEigenvalues()
            #expect(eigenvalues.first! >= -1e-10 * eigenvalues.last!, "min eigenvalue \(eigenvalues.first!)")
        }
        for (a, b) in [(sym.nngp, rect.nngp), (sym.ntk, rect.ntk)] {
            let scale = b.storage.map(abs).max()!
            var offDiagonal = 0.0
            var diagonal = 0.0
            for i in 0..<n {
                for j in 0..<n where i != j { offDiagonal = max(offDiagonal, abs(a[i, j] - b[i, j]) / scale) }
                diagonal = max(diagonal, abs(a[i, i] - b[i, i]) / scale)
            }
            #expect(offDiagonal <= 1e-13)
            // On the diagonal the rectangular path sees θ ≈ 1e-8 for ReLU (§1.4).
            #expect(diagonal <= (activation == .relu ? 1e-7 : 1e-13))
        }
    }

    /// neural-tangents' tanh K(X, X) is not symmetric (its product quadrature integrates
    /// over x first); Tangent reproduces it entry by entry, and the asymmetry is the
    /// quadrature error, shrinking with the degree.
    @Test func tanhKernelIsComputedEntryByEntry() throws {
        let x = AnalyticFixtures.gaussian(rows: 20, cols: 3, seed: 5)
        var asymmetry = [Double]()
        for degree in [10, 80] {
            let net = MLP(widths: [8], activation: .tanh, wStd: 1.4, bStd: 0.2, tanhDegree: degree)
            let sym = try AnalyticKernel.compute(net, x, nil)
            let rect = try AnalyticKernel.compute(net, x, x)
            #expect(sym == rect)
            let k = sym.nngp
            asymmetry.append((0..<400).map { abs(k.storage[$0] - k.transposed.storage[$0]) }.max()!)
        }
        #expect(asymmetry[1] < asymmetry[0] / 100, "\(asymmetry)")
    }

    /// The closed-form arc-cosine kernel against a direct 2-D quadrature of
    /// E[relu(u)·relu(v)] and P(u > 0, v > 0) for the bivariate Gaussian of layer 1.
    @Test func reluMatchesTwoDimensionalQuadrature() throws {
        let x = Matrix(rowArrays: [[0.9, -0.4, 1.3], [0.2, 1.1, 0.7], [-1.2, 0.3, -0.5], [0.8, -0.5, 1.1]])
        let (w, b, wOut, bOut) = (1.3, 0.4, 0.8, 0.3)
        let net = MLP(widths: [100], activation: .relu, wStd: w, bStd: b, wStdOut: wOut, bStdOut: .some(bOut))
        let k = try AnalyticKernel.compute(net, x, nil)
        for i in 0..<4 {
            for j in (i + 1)..<4 {
                func dot(_ a: Int, _ c: Int) -> Double { (0..<3).reduce(0) { $0 + x[a, $1] * x[c, $1] } / 3 }
                let q1 = w * w * dot(i, i) + b * b
                let q2 = w * w * dot(j, j) + b * b
                let q12 = w * w * dot(i, j) + b * b
                let (relu, step) = Quadrature.reluMoments(q1: q1, q2: q2, q12: q12)
                let nngp = wOut * wOut * relu + bOut * bOut
                let ntk = nngp + wOut * wOut * q12 * step  // 'ntk': Θ² = q² + σ²·Θ¹·Ṫ, Θ¹ = q¹
                #expect(abs(k.nngp[i, j] - nngp) <= 1e-12 * nngp, "\(k.nngp[i, j]) vs \(nngp)")
                #expect(abs(k.ntk[i, j] - ntk) <= 1e-12 * ntk, "\(k.ntk[i, j]) vs \(ntk)")
            }
        }
    }

    /// Gauss–Hermite tanh kernels converge to an independent quadrature as tanh_deg grows.
    @Test func tanhQuadratureConverges() throws {
        let x = Matrix(rowArrays: [[1.5, -0.7], [0.4, 1.9]])
        let (w, b) = (1.6, 0.3)
        func dot(_ a: Int, _ c: Int) -> Double { (x[a, 0] * x[c, 0] + x[a, 1] * x[c, 1]) / 2 }
        let q1 = w * w * dot(0, 0) + b * b
        let q2 = w * w * dot(1, 1) + b * b
        let q12 = w * w * dot(0, 1) + b * b
        let exact = Quadrature.tanhMoment(q1: q1, q2: q2, q12: q12)
        var errors = [Double]()
        for degree in [5, 10, 20, 40, 80, 150] {
            let net = MLP(
                widths: [10], activation: .tanh, wStd: w, bStd: b, wStdOut: 1, bStdOut: .some(nil),
                tanhDegree: degree)
            let k = try AnalyticKernel.compute(net, x, nil, .nngp)
            errors.append(abs(k.nngp[0, 1] - exact) / abs(exact))
        }
        for (a, b) in zip(errors, errors.dropFirst()) { #expect(b < a, "\(errors)") }
        // tanh has poles at ±iπ/2, so Gauss–Hermite converges root-exponentially:
        // measured 0.28, 0.11, 1.6e-2, 6.5e-4, 5.3e-6, 1.2e-8.
        for (a, b) in zip(errors.dropFirst(2), errors.dropFirst(3)) { #expect(b < a / 20, "\(errors)") }
        #expect(errors.last! <= 1e-7, "\(errors)")
    }

    @Test func vectorAtan2IsAccurate() {
        var rng = SeededGenerator(seed: 7)
        var worst = 0.0
        for _ in 0..<(1 << 21) / Vec.lanes {
            var y = Vec()
            var x = Vec()
            for k in 0..<Vec.lanes {
                y[k] = rng.uniform(-1, 1) * exp2(rng.uniform(-40, 40).rounded())
                x[k] = rng.uniform(-1, 1) * exp2(rng.uniform(-40, 40).rounded())
                if k % 4 == 1 { x[k] = y[k] * rng.uniform(0.3, 3) }  // |y|/|x| near the break points
            }
            let r = VectorMath.atan2(y, x)
            for k in 0..<Vec.lanes {
                let ref = Foundation.atan2(y[k], x[k])
                worst = max(worst, abs(r[k] - ref) / abs(ref))
            }
        }
        print("vectorised atan2 vs Foundation.atan2 over 2M random arguments: max relative error \(worst)")
        #expect(worst <= 4e-16, "max relative error \(worst)")
        let specials: [(Double, Double)] = [
            (0, 1), (0, -1), (-0.0, 1), (-0.0, -1), (0, 0), (0, -0.0),
            (-0.0, 0), (-0.0, -0.0), (1, 0), (-1, -0.0), (3, 3), (-2, -2),
            (1e-300, 1), (1, 1e-300), (5e-324, 1), (1, -5e-324)
        ]
        var y = Vec()
        var x = Vec()
        for (k, (a, b)) in specials.enumerated() { (y[k % Vec.lanes], x[k % Vec.lanes]) = (a, b) }
        let r = VectorMath.atan2(y, x)
        for k in 0..<min(specials.count, Vec.lanes) {
            let ref = Foundation.atan2(y[k], x[k])
            #expect(r[k] == ref && r[k].sign == ref.sign, "atan2(\(y[k]), \(x[k])) = \(r[k]), libm \(ref)")
        }
    }

    @Test func reluDerivativeIsAccurate() {
        var rng = SeededGenerator(seed: 11)
        var worst = 0.0
        for _ in 0..<(1 << 19) / Vec.lanes {
            var s = Vec()
            var q = Vec()
            for k in 0..<Vec.lanes {
                s[k] = abs(rng.uniform(-2, 2))
                q[k] = rng.uniform(-2, 2)
            }
            let r = VectorMath.reluDerivative(s, q)
            for k in 0..<Vec.lanes {
                worst = max(worst, abs(r[k] - (Double.pi - Foundation.atan2(s[k], q[k])) / (2 * Double.pi)))
            }
        }
        print("reluDerivative vs (π − Foundation.atan2)/(2π): max absolute error \(worst)")
        #expect(worst <= 2e-16, "max absolute error \(worst)")
        let zero = VectorMath.reluDerivative(Vec(), Vec(repeating: -0.0))
        #expect(zero == Vec(repeating: 0.25))  // θ = π/2 at s = q12 = 0, as NT
    }

    // MARK: API behaviour

    @Test func refusesKernelsLargerThanMemory() throws {
        let n = 3_000_000  // K would need 3e6² × 16 bytes = 131 TiB
        let x = Matrix(rows: n, cols: 1, repeating: 1)
        let net = MLP(widths: [8], activation: .relu, wStd: 1, bStd: 0.1)
        let needed = AnalyticKernel.estimatedBytes(net, n1: n, n2: n, .both)
        #expect(needed >= n * n * 16)
        #expect(needed > MemoryBudget.availableBytes()!)
        #expect {
            _ = try AnalyticKernel.compute(net, x, nil)
        } throws: { error in
            guard case .tooLarge(let want, let have) = error as? KernelError else { return false }
            let message = (error as! KernelError).description
            return want == needed && have > 0 && message.contains("GiB") && message.contains("available")
        }
        #expect(AnalyticKernel.estimatedBytes(net, n1: Int.max / 2, n2: 4, .both) == Int.max)
    }

    @Test func rejectsBadInputsWithActionableErrors() throws {
        let net = MLP(widths: [4], activation: .erf, wStd: 1, bStd: 0.1)
        let a = Matrix(rows: 2, cols: 3, repeating: 1)
        let b = Matrix(rows: 2, cols: 4, repeating: 1)
        #expect(throws: KernelError.inputWidthMismatch(3, 4)) { try AnalyticKernel.compute(net, a, b) }
        var bad = a
        bad[1, 2] = .nan
        #expect(throws: KernelError.notFinite) { try AnalyticKernel.compute(net, bad, nil) }
        #expect(throws: KernelError.zeroInputWidth) { try AnalyticKernel.compute(net, Matrix(rows: 2, cols: 0), nil) }
        let tanh = MLP(widths: [4], activation: .tanh, tanhDegree: 0)
        #expect(throws: KernelError.self) { try AnalyticKernel.compute(tanh, a, nil) }
        let zeroWidth = MLP(widths: [0], activation: .relu, parameterization: .standard)
        #expect(throws: KernelError.self) { try AnalyticKernel.compute(zeroWidth, a, nil) }
        let huge = MLP(widths: [4, 4, 4, 4], activation: .identity, wStd: 1e100)
        #expect(throws: KernelError.overflow) { try AnalyticKernel.compute(huge, a, nil) }
        #expect(KernelError.inputWidthMismatch(3, 4).description.contains("3 columns"))
        let empty = try AnalyticKernel.compute(net, Matrix(rows: 0, cols: 3), a)
        #expect(empty.nngp.rows == 0 && empty.nngp.cols == 2)
    }

    @Test(arguments: Activation.allCases)
    func selectingOneKernelGivesTheSameValues(_ activation: Activation) throws {
        let x = AnalyticFixtures.gaussian(rows: 37, cols: 5, seed: 9)
        let net = MLP(widths: [3, 5], activation: activation, wStd: 1.2, bStd: 0.3, tanhDegree: 8)
        let both = try AnalyticKernel.compute(net, x, nil)
        let nngp = try AnalyticKernel.compute(net, x, nil, .nngp)
        let ntk = try AnalyticKernel.compute(net, x, nil, .ntk)
        #expect(nngp.nngp == both.nngp && nngp.ntk.isEmpty)
        #expect(ntk.ntk == both.ntk && ntk.nngp.isEmpty)
    }
}

// MARK: - Fixtures

/// The golden cases written by make_analytic_fixtures.py.
enum AnalyticFixtures {
    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let network: MLP
        let x1: Matrix
        let x2: Matrix?
        let nngp: Matrix
        let ntk: Matrix
        var testDescription: String {
            "\(id) \(network.activation.rawValue) \(network.parameterization.rawValue) depth \(network.depth) "
                + "d \(x1.cols) \(x2 == nil ? "K(X)" : "K(X1,X2)")"
        }
    }

    struct Rule: Decodable {
        let degree: Int
        let nodes: [Double]
        let weights: [Double]
    }

    private struct SpecFile: Decodable { let cases: [Spec] }
    private struct Spec: Decodable {
        let id: String, depth: Int, activation: String, parameterization: String
        let W_std: Double, b_std: Double?, W_std_out: Double, b_std_out: Double?
        let widths: [Int], tanh_deg: Int?
        let X1: [[Double]], X2: [[Double]]?
    }
    private struct ExpectedFile: Decodable { let cases: [Expected] }
    private struct Expected: Decodable {
        let id: String
        let nngp: [[Double]]
        let ntk: [[Double]]
    }
    private struct HermiteFile: Decodable { let rules: [Rule] }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/nt/analytic")

    private static func load<T: Decodable>(_ name: String, as: T.Type) -> T {
        let data = try! Data(contentsOf: directory.appendingPathComponent(name))
        return try! JSONDecoder().decode(T.self, from: data)
    }

    static let cases: [Case] = {
        let specs = load("analytic_spec.json", as: SpecFile.self).cases
        let expected = Dictionary(
            uniqueKeysWithValues: load("analytic_expected.json", as: ExpectedFile.self)
                .cases.map { ($0.id, $0) })
        return specs.map { s in
            let net = MLP(
                widths: s.widths, activation: Activation(rawValue: s.activation)!, wStd: s.W_std,
                bStd: s.b_std, wStdOut: s.W_std_out, bStdOut: .some(s.b_std_out),
                parameterization: Parameterization(rawValue: s.parameterization)!,
                tanhDegree: s.tanh_deg ?? 25)
            let e = expected[s.id]!
            return Case(
                id: s.id, network: net, x1: Matrix(rowArrays: s.X1), x2: s.X2.map { Matrix(rowArrays: $0) },
                nngp: Matrix(rowArrays: e.nngp), ntk: Matrix(rowArrays: e.ntk))
        }
    }()

    static let hermiteRules: [Rule] = load("gauss_hermite.json", as: HermiteFile.self).rules

    /// max|a − b|/max|b| for each kernel, leaving out the diagonal of a ReLU K(X, X),
    /// whose own error (relative to max|b|) is the third value.
    static func errors(_ k: KernelPair, _ c: Case) -> (nngp: Double, ntk: Double, reluDiagonal: Double) {
        let reluSymmetric = c.network.activation == .relu && c.x2 == nil
        var result = [Double]()
        var diagonal = 0.0
        for (a, b) in [(k.nngp, c.nngp), (k.ntk, c.ntk)] {
            precondition(a.rows == b.rows && a.cols == b.cols, "shape")
            let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
            var worst = 0.0
            for i in 0..<b.rows {
                for j in 0..<b.cols {
                    let e = abs(a[i, j] - b[i, j]) / scale
                    if reluSymmetric && i == j { diagonal = max(diagonal, e) } else { worst = max(worst, e) }
                }
            }
            result.append(worst)
        }
        return (result[0], result[1], diagonal)
    }

    static func gaussian(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        return Matrix(rows: rows, cols: cols) { _, _ in
            (-2 * log(rng.uniform(0, 1) + 1e-300)).squareRoot() * cos(2 * .pi * rng.uniform(0, 1))
        }
    }
}

/// Independent numerical integration for the cross-checks: composite Gauss–Legendre
/// (nodes by Newton's method on P₁₆), over the standard normal (z₁, z₂) plane.
enum Quadrature {
    /// 16-point Gauss–Legendre nodes and weights on [−1, 1].
    static let legendre: [(x: Double, w: Double)] = {
        let n = 16
        var rule = [(x: Double, w: Double)]()
        for i in 1...n {
            var x = cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0
                var p1 = x
                for k in 2...n { (p0, p1) = (p1, ((2 * Double(k) - 1) * x * p1 - Double(k - 1) * p0) / Double(k)) }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let dx = p1 / derivative
                x -= dx
                if abs(dx) < 1e-16 { break }
            }
            rule.append((x, 2 / ((1 - x * x) * derivative * derivative)))
        }
        return rule
    }()

    /// ∫_a^b f with `panels` panels of 16-point Gauss–Legendre.
    static func integrate(_ a: Double, _ b: Double, panels: Int, _ f: (Double) -> Double) -> Double {
        guard b > a else { return 0 }
        let h = (b - a) / Double(panels)
        var sum = 0.0
        for p in 0..<panels {
            let mid = a + (Double(p) + 0.5) * h
            for node in legendre { sum += node.w * f(mid + 0.5 * h * node.x) }
        }
        return 0.5 * h * sum
    }

    static func phi(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }

    /// E[relu(u)·relu(v)] and P(u > 0, v > 0) for (u, v) ~ N(0, [[q1, q12], [q12, q2]]),
    /// integrating over the wedge z₁ > 0, ρz₁ + √(1−ρ²)z₂ > 0 with u = √q1·z₁.
    static func reluMoments(q1: Double, q2: Double, q12: Double) -> (Double, Double) {
        let rho = q12 / (q1 * q2).squareRoot()
        let c = (1 - rho * rho).squareRoot()
        var moment = 0.0
        var probability = 0.0
        moment =
            integrate(0, 12, panels: 40) { z1 in
                let lower = max(-rho * z1 / c, -12)
                return phi(z1)
                    * integrate(lower, 12, panels: 40) { z2 in
                        z1 * (rho * z1 + c * z2) * phi(z2)
                    }
            } * (q1 * q2).squareRoot()
        probability = integrate(0, 12, panels: 40) { z1 in
            phi(z1) * integrate(max(-rho * z1 / c, -12), 12, panels: 40) { phi($0) }
        }
        return (moment, probability)
    }

    /// E[tanh(u)·tanh(v)] over the whole plane (smooth integrand).
    static func tanhMoment(q1: Double, q2: Double, q12: Double) -> Double {
        let rho = q12 / (q1 * q2).squareRoot()
        let c = (1 - rho * rho).squareRoot()
        return integrate(-12, 12, panels: 48) { z1 in
            phi(z1) * tanh(q1.squareRoot() * z1)
                * integrate(-12, 12, panels: 48) { z2 in
                    phi(z2) * tanh(q2.squareRoot() * (rho * z1 + c * z2))
                }
        }
    }
}

/// Deep networks in the chaotic phase: the diagonal of K(X, X) must follow the (stable)
/// variance map. Computed through the pair map at c = 1, an unstable fixed point there,
/// rounding errors grow about twofold per layer (found by notebook 06 at depth 64).
@Suite struct DeepChaoticDiagonalTests {
    @Test(arguments: [16, 64, 200])
    func diagonalMatchesTheVarianceMap(depth: Int) throws {
        let net = MLP(widths: Array(repeating: 1, count: depth), activation: .erf, wStd: 3, bStd: 0.3)
        let x = Matrix(rowArrays: [[1, 0], [0, 1], [0.6, 0.8]])
        let k = try AnalyticKernel.compute(net, x, nil, .both)
        // The variance map by hand: Σ0 = |x|²/d = 1/2, q = σw² Σ + σb², Σ = (2/π) asin(2q / (1 + 2q)).
        var sigma = 0.5
        var q = 0.0
        for l in 0...depth {
            q = 9 * sigma + 0.09
            if l < depth { sigma = 2 / Double.pi * asin(2 * q / (1 + 2 * q)) }
        }
        for i in 0..<3 {
            #expect(abs(k.nngp[i, i] - q) <= 1e-12 * q, "K[\(i),\(i)] = \(k.nngp[i, i]), variance map gives \(q)")
        }
        // And the symmetric kernel agrees with the rectangular one off the diagonal.
        let r = try AnalyticKernel.compute(net, x, x, .nngp)
        #expect(abs(k.nngp[0, 1] - r.nngp[0, 1]) <= 1e-12 * q)
    }
}
