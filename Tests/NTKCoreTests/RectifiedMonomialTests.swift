import Foundation
import Testing

@testable import NTKCore

/// `RectifiedMonomial(n)` for any degree (docs/language.md#builtins): NT's J_n, built by the exact
/// derivative recursion, against Cho & Saul's written-out J_0 … J_3 and against an independent
/// integral (Price's theorem); overflow at large degrees is an error, not a NaN.
@Suite struct RectifiedMonomialTests {
    /// Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_m).
    static func gaussLegendre(_ m: Int) -> [(x: Double, w: Double)] {
        (0..<m).map { i in
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(m) + 0.5))
            var dp = 0.0
            for _ in 0..<100 {
                var p0 = 1.0
                var p1 = x
                for k in 2...m { (p0, p1) = (p1, ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)) }
                dp = Double(m) * (x * p1 - p0) / (x * x - 1)
                let dx = p1 / dp
                x -= dx
                if abs(dx) < 1e-16 { break }
            }
            return (x, 2 / ((1 - x * x) * dp * dp))
        }
    }

    static let nodes = gaussLegendre(96)

    /// F_n(ρ) = E[relu(u)ⁿ relu(v)ⁿ] at correlation ρ = cos θ: F_n′ = n²F_{n−1} (Price) and
    /// F_n(−1) = 0, so F_n(ρ) = n·n!·∫_{−1}^{ρ} (ρ − t)^{n−1} F_0(t) dt, F_0(t) = (π − arccos t)/2π;
    /// with t = cos φ the integrand is smooth on [θ, π].
    static func expectation(_ n: Int, _ theta: Double) -> Double {
        if n == 0 { return (Double.pi - theta) / (2 * Double.pi) }
        let half = (Double.pi - theta) / 2
        let c = cos(theta)
        var sum = 0.0
        for (x, w) in nodes {
            let phi = theta + half * (x + 1)
            sum += w * pow(c - cos(phi), Double(n - 1)) * (Double.pi - phi) / (2 * Double.pi) * sin(phi)
        }
        let factorial = (1...n).reduce(1.0) { $0 * Double($1) }
        return Double(n) * factorial * half * sum
    }

    @Test func theRecursionGivesChoAndSaulsWrittenOutKernels() {
        let tables = (0...3).map { ArcCosineKernel.degree($0).0 }
        for theta in stride(from: 0.0, through: Double.pi, by: Double.pi / 9) {
            let s = sin(theta)
            let c = cos(theta)
            let r = Double.pi - theta
            let written = [
                r, s + r * c, 3 * s * c + r * (1 + 2 * c * c),
                4 * s * s * s + 15 * s * c * c + r * (9 * s * s * c + 15 * c * c * c)
            ]
            for n in 0...3 {
                let j = tables[n].normalized(r, s, c) * doubleFactorial(2 * n - 1)
                if n > 0 {  // the step before is J_{n−1}
                    #expect(ArcCosineKernel.degree(n).1!.normalized(r, s, c) == tables[n - 1].normalized(r, s, c))
                }
                #expect(
                    abs(j - written[n]) <= 1e-14 * written[0...n].map(abs).max()! * doubleFactorial(2 * n - 1),
                    "J_\(n)(\(theta))")
            }
        }
    }

    @Test(arguments: [4, 5, 7, 12, 30, 60])
    func anyDegreeAgreesWithPricesIntegral(_ n: Int) {
        let rule = RectifiedMonomialRule(degree: n)
        let q1 = 1.3
        let q2 = 0.7
        let root = (q1 * q2).squareRoot()
        for rho in [-0.99, -0.7, -0.2, 0.0, 0.35, 0.8, 0.999, 1.0] {
            let theta = acos(rho)
            let (t, slope) = rule.pair(rho * root, q1, q2)
            let expectedT = pow(root, Double(n)) * Self.expectation(n, theta)
            let expectedSlope = Double(n * n) * pow(root, Double(n - 1)) * Self.expectation(n - 1, theta)
            // Relative to the diagonal's size: near ρ = −1 both sides are tiny differences.
            let scaleT = pow(root, Double(n)) * doubleFactorial(2 * n - 1) / 2
            let scaleSlope = Double(n * n) * pow(root, Double(n - 1)) * doubleFactorial(2 * n - 3) / 2
            #expect(abs(t - expectedT) <= 1e-12 * scaleT, "T, n = \(n), ρ = \(rho): \(t) vs \(expectedT)")
            #expect(
                abs(slope! - expectedSlope) <= 1e-12 * scaleSlope,
                "Ṫ, n = \(n), ρ = \(rho): \(slope!) vs \(expectedSlope)")
        }
        // θ = 0 is the diagonal's finite limit, (2n − 1)!!/2·qⁿ.
        #expect(abs(rule.pair(q1, q1, q1).value - rule.variance(q1)) <= 1e-13 * rule.variance(q1))
    }

    static func net(_ n: Int, wStd: Double) -> Layer {
        .serial([
            .dense(DenseLayer(outDim: 5, wStd: wStd)), .activation(.rectifiedMonomial(degree: n)),
            .dense(DenseLayer(outDim: 1))
        ])
    }

    /// (2n − 1)!!/2·qⁿ overflows at q = 1 from n = 151: the kernel is an error, never NaN.
    @Test func aKernelThatOverflowsIsAnError() throws {
        var g = NumpyGenerator(seed: 5)
        let x = g.standardNormal(rows: 4, cols: 3)
        #expect(throws: KernelError.overflow) { try LayerKernel.compute(Self.net(200, wStd: 1), x, nil) }
        #expect(throws: KernelError.overflow) { try LayerKernel.compute(Self.net(200, wStd: 1), x, x, .nngp) }
        // Below the limit, the same network is finite.
        let fine = try LayerKernel.compute(Self.net(100, wStd: 1), x, nil)
        #expect(fine.nngp.isFinite && fine.ntk.isFinite)
    }

    /// Degree 200 where its kernel fits (small variances): (2n − 1)!! alone overflows, yet the
    /// diagonal equals (2n − 1)!!/2·qⁿ, computed here in logarithms.
    @Test func largeDegreesAreComputedWhereTheyFit() throws {
        let n = 200
        var g = NumpyGenerator(seed: 6)
        let x = g.standardNormal(rows: 4, cols: 3)
        let k = try LayerKernel.compute(Self.net(n, wStd: 0.08), x, nil, .nngp)
        #expect(k.nngp.isFinite)
        for i in 0..<4 {
            var q = 0.0
            for j in 0..<3 { q += x[i, j] * x[i, j] }
            q *= 0.08 * 0.08 / 3
            let logT = (1...n).reduce(0.0) { $0 + log(Double(2 * $1 - 1)) } + Double(n) * log(q) - log(2.0)
            let expected = exp(logT)
            #expect(expected > 1e-300 && expected < 1e300)
            #expect(abs(k.nngp[i, i] - expected) <= 1e-11 * expected, "\(k.nngp[i, i]) vs \(expected)")
        }
    }

    /// NT computes the variances after a RectifiedMonomial at θ = 0 (NaN), and every later
    /// layer is NaN (Fixtures/stax/README.md); here they are the limit (2n − 1)!!/2·qⁿ, so a
    /// layer after it is finite, and RectifiedMonomial(1) under a Relu equals Relu under Relu.
    @Test func layersAfterItSeeTheFiniteVariance() throws {
        var g = NumpyGenerator(seed: 7)
        let x = g.standardNormal(rows: 5, cols: 3)
        let z = g.standardNormal(rows: 4, cols: 3)
        func net(_ a: Elementwise) -> Layer {
            .serial([
                .dense(DenseLayer(outDim: 6, wStd: 1.2, bStd: 0.1)), .activation(a),
                .dense(DenseLayer(outDim: 6, wStd: 1.1, bStd: 0.1)), .activation(.relu), .dense(DenseLayer(outDim: 1))
            ])
        }
        for (x2, name) in [(nil, "K(X, X)"), (z, "K(X, Z)")] as [(Matrix?, String)] {
            let rm = try LayerKernel.compute(net(.rectifiedMonomial(degree: 1)), x, x2)
            let relu = try LayerKernel.compute(net(.relu), x, x2)
            for (a, b) in [(rm.nngp, relu.nngp), (rm.ntk, relu.ntk)] {
                let scale = b.storage.map(abs).max()!
                #expect(zip(a.storage, b.storage).allSatisfy { abs($0 - $1) <= 1e-13 * scale }, "\(name)")
            }
            let seven = try LayerKernel.compute(net(.rectifiedMonomial(degree: 7)), x, x2)
            #expect(seven.nngp.isFinite && seven.ntk.isFinite)
        }
    }

    /// The finite network: (x ≥ 0)·xⁿ and its derivative, for a degree the written-out kernels
    /// never had.
    @Test func finiteFunctionAndDerivative() {
        let rule = RectifiedMonomialRule(degree: 9)
        #expect(rule.value(1.5) == pow(1.5, 9) && rule.value(-1.5) == 0)
        #expect(abs(rule.derivative(1.5)! - 9 * pow(1.5, 8)) <= 1e-13 * 9 * pow(1.5, 8) && rule.derivative(-2) == 0)
    }
}
