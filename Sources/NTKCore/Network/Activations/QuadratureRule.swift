import Foundation

/// `ElementwiseNumerical(fn, deg, df)` and `Tanh(deg)` (NT `stax.ElementwiseNumerical`): a
/// deg×deg Gauss–Hermite product rule. With (x_a, w_a) = roots_hermite(deg),
/// I[g] = (1/π) Σ_ab w_a w_b g(√⁺(2q1)·x_a)·g(q12/√max(q1/2, 1e-30)·x_a + √⁺(2(q2 − q12²/q1))·x_b),
/// T = I[fn], Ṫ = I[df] and T_diag(q) = (1/√π) Σ_a w_a fn(√⁺(2q)·x_a)². (Where q1 = 0 NT
/// divides 0 by 0; q12²/q1 is taken as 0 there, as for `mlp`'s tanh.)
struct QuadratureRule: ElementwiseRule {
    let rule: GaussHermite
    let fn: @Sendable (Double) -> Double
    let df: (@Sendable (Double) -> Double)?
    let isPure: Bool

    /// `degree` must be in 1 … `GaussHermite.maximumDegree` (checked where layers are made).
    init(degree: Int, fn: @escaping @Sendable (Double) -> Double, df: (@Sendable (Double) -> Double)?, isPure: Bool) {
        self.rule = GaussHermite(degree: Swift.min(Swift.max(degree, 1), GaussHermite.maximumDegree))!
        self.fn = fn
        self.df = df
        self.isPure = isPure
    }

    var isSymmetric: Bool { false }

    func value(_ x: Double) -> Double { fn(x) }
    func derivative(_ x: Double) -> Double? { df.map { $0(x) } }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let x = rule.nodes
        let w = rule.weights
        let n = x.count
        let scale = clampedRoot(2 * q1)
        let along = q12 / Swift.max(q1 / 2, 1e-30).squareRoot()
        let across = clampedRoot(2 * (q2 - (q1 == 0 ? 0 : q12 * q12 / q1)))
        var t = 0.0
        var slope = 0.0
        for a in 0..<n {
            let u = scale * x[a]
            let fu = fn(u)
            let du = df?(u) ?? 0
            for b in 0..<n {
                let v = along * x[a] + across * x[b]
                let g = w[a] * w[b]
                t += g * (fu * fn(v))
                if let df { slope += g * (du * df(v)) }
            }
        }
        return (t / Double.pi, df == nil ? nil : slope / Double.pi)
    }

    func variance(_ q: Double) -> Double {
        let scale = clampedRoot(2 * q)
        var sum = 0.0
        for a in 0..<rule.nodes.count {
            let f = fn(scale * rule.nodes[a])
            sum += rule.weights[a] * (f * f)
        }
        return sum / Double.pi.squareRoot()
    }
}
