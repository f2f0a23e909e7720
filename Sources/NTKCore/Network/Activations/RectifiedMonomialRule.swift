import Foundation

/// `RectifiedMonomial(degree)` = (x ≥ 0)·x^degree (NT `stax.RectifiedMonomial`), any degree
/// n ≥ 0: the arc-cosine kernel of Cho & Saul, T = (q1q2)^{n/2}/(2π)·J_n(θ),
/// θ = arccos(q12/√(q1q2)), with Ṫ = n²·(q1q2)^{(n−1)/2}/(2π)·J_{n−1}(θ) (NT differentiates
/// J_n with autodiff; the closed form agrees, by Price's theorem). J_n is NT's formula,
/// (−1)ⁿ sin^{2n+1}θ · ((1/sin θ) d/dθ)ⁿ ((π − θ)/sin θ), with the derivatives taken exactly
/// (`ArcCosineKernel`) rather than by autodiff. The diagonal of K(X, X) is the finite limit
/// (2n − 1)!!/2·qⁿ where NT returns NaN (docs/numerics.md#where-tangent-differs).
///
/// Large degrees: T grows like (2n − 1)!!/2·qⁿ, which leaves double precision above about
/// n = 150 when q = 1 (sooner for q > 1, later for q < 1). The scale is accumulated factor by
/// factor so that it overflows only when T itself does; an infinite entry then fails the
/// whole kernel (`KernelError.overflow`), never a silent NaN.
struct RectifiedMonomialRule: ElementwiseRule {
    let degree: Int
    /// J_n / (2n − 1)!!, and J_{n−1} / (2n − 3)!! for the slope (nil for degree 0).
    let kernel: ArcCosineKernel
    let lower: ArcCosineKernel?

    init(degree: Int) {
        self.degree = degree
        // J_{n−1}'s tables are the step before J_n's.
        (self.kernel, self.lower) = ArcCosineKernel.degree(degree)
    }

    func value(_ x: Double) -> Double { x >= 0 ? integerPower(x, degree) : 0 * integerPower(x, degree) }
    func derivative(_ x: Double) -> Double? {
        degree == 0 ? 0 : (x >= 0 ? Double(degree) * integerPower(x, degree - 1) : 0)
    }

    /// Π_{k=1}^{n} (2k − 1)·r: (2n − 1)!!·rⁿ without overflowing in (2n − 1)!! or rⁿ alone
    /// (the factors grow with k, so the partial products never exceed the end points).
    static func scaledDoubleFactorial(_ n: Int, _ r: Double) -> Double {
        var p = 1.0
        var k = 1
        while k <= n {
            p *= Double(2 * k - 1) * r
            k += 1
        }
        return p
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let root = clampedRoot(q1 * q2)
        let ratio = root == 0 ? 0 : Swift.min(1, Swift.max(-1, q12 / root))
        let theta = Foundation.acos(ratio)
        let s = Foundation.sin(theta)
        let c = ratio
        let rest = Double.pi - theta
        let value = Self.scaledDoubleFactorial(degree, root) / (2 * Double.pi) * kernel.normalized(rest, s, c)
        guard degree > 0, let lower else { return (value, 0) }
        let slope =
            Double(degree * degree) * Self.scaledDoubleFactorial(degree - 1, root) / (2 * Double.pi)
            * lower.normalized(rest, s, c)
        return (value, slope)
    }

    func variance(_ q: Double) -> Double { Self.scaledDoubleFactorial(degree, q) / 2 }
}

/// Cho & Saul's J_n(θ) = (−1)ⁿ sin^{2n+1}θ · ((1/sin θ) d/dθ)ⁿ ((π − θ)/sin θ), NT's formula
/// for `RectifiedMonomial`, as exact polynomials: J_n = (π − θ)·P_n(cos θ) + sin θ·Q_n(cos θ).
/// Applying (1/sin θ) d/dθ to (r·P + s·Q)/s^{2k+1} (r = π − θ, s = sin θ, c = cos θ) and
/// dividing by (2k + 1)!! gives the recursion on the normalised A_k = P_k/(2k − 1)!!,
/// B_k = Q_k/(2k − 1)!!:
///
///     A_{k+1} = c·A_k + (1 − c²)·A_k′/(2k + 1)
///     B_{k+1} = (A_k + 2k·c·B_k + (1 − c²)·B_k′)/(2k + 1),   A_0 = 1, B_0 = 0.
///
/// Every coefficient is ≥ 0, A_k(1) = 1 (so J_n(0) = π(2n − 1)!!), A_k has the parity of k and
/// B_k the other, so neither polynomial cancels; only r·A + s·B does, near θ = π where J_n
/// vanishes like (π − θ)^{2n+1} (NT's autodiff cancels there too).
struct ArcCosineKernel: Sendable {
    /// Coefficients of A_n and B_n, lowest power first.
    let a: [Double]
    let b: [Double]

    /// J_n(θ)/(2n − 1)!! from r = π − θ, s = sin θ, c = cos θ.
    @inline(__always) func normalized(_ r: Double, _ s: Double, _ c: Double) -> Double {
        var pa = 0.0
        var pb = 0.0
        for i in stride(from: a.count - 1, through: 0, by: -1) { pa = pa * c + a[i] }
        for i in stride(from: b.count - 1, through: 0, by: -1) { pb = pb * c + b[i] }
        return r * pa + s * pb
    }

    /// J_n's tables, and J_{n−1}'s (nil for n = 0): n steps of the recursion, O(n²).
    static func degree(_ n: Int) -> (ArcCosineKernel, ArcCosineKernel?) {
        var previous: ArcCosineKernel? = nil
        var a: [Double] = [1]
        var b: [Double] = [0]
        for k in 0..<Swift.max(n, 0) {
            let denominator = Double(2 * k + 1)
            var na = [Double](repeating: 0, count: k + 2)
            var nb = [Double](repeating: 0, count: k + 2)
            // c·A
            for (i, x) in a.enumerated() { na[i + 1] += x }
            // (1 − c²)·A′/(2k + 1): A′ = Σ i·a_i c^{i−1}
            for i in 1..<a.count {
                let d = Double(i) * a[i] / denominator
                na[i - 1] += d
                na[i + 1] -= d
            }
            // (A + 2k·c·B + (1 − c²)·B′)/(2k + 1)
            for (i, x) in a.enumerated() { nb[i] += x / denominator }
            for (i, x) in b.enumerated() { nb[i + 1] += Double(2 * k) * x / denominator }
            for i in 1..<b.count {
                let d = Double(i) * b[i] / denominator
                nb[i - 1] += d
                nb[i + 1] -= d
            }
            previous = ArcCosineKernel(a: a, b: b)
            a = na
            b = nb
        }
        return (ArcCosineKernel(a: a, b: b), previous)
    }
}
