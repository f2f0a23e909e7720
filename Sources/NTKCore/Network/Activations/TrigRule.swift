import Foundation

/// `Sin(a, b, c)` = a·sin(b·x + c), and `Cos(a, b, c)` as `Sin(a, b, c + π/2)` (NT
/// `stax.Sin`/`stax.Cos`): with s1 = exp(b²(q12 − (q1 + q2)/2)) and
/// s2 = exp(−b²(q12 + (q1 + q2)/2))·cos 2c, T = a²/2·(s1 − s2), Ṫ = a²b²/2·(s1 + s2),
/// T_diag(q) = a²/2·(1 − exp(−2b²q)·cos 2c).
struct SinRule: ElementwiseRule {
    let a: Double, b: Double, c: Double

    func value(_ x: Double) -> Double { a * Foundation.sin(b * x + c) }
    func derivative(_ x: Double) -> Double? { a * b * Foundation.cos(b * x + c) }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let sum = q1 + q2
        let bb = b * b
        let half = a * a / 2
        let s1 = Foundation.exp(bb * (-0.5 * sum + q12))
        let s2 = Foundation.exp(bb * (-0.5 * sum - q12)) * Foundation.cos(2 * c)
        return (half * (s1 - s2), half * bb * (s1 + s2))
    }

    func variance(_ q: Double) -> Double {
        a * a / 2 * (1 - Foundation.exp(-2 * (b * b) * q) * Foundation.cos(2 * c))
    }
}

/// `Rbf(gamma)` = √2·sin(√(2γ)·x + π/4) (NT `stax.Rbf`): T = exp(γ(2q12 − q1 − q2)),
/// Ṫ = 2γT, T_diag = 1.
struct RbfRule: ElementwiseRule {
    let gamma: Double

    func value(_ x: Double) -> Double {
        2.0.squareRoot() * Foundation.sin((2 * gamma).squareRoot() * x + Double.pi / 4)
    }
    func derivative(_ x: Double) -> Double? {
        2.0.squareRoot() * (2 * gamma).squareRoot() * Foundation.cos((2 * gamma).squareRoot() * x + Double.pi / 4)
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let t = Foundation.exp(gamma * (-(q1 + q2) + 2 * q12))
        return (t, 2 * gamma * t)
    }

    func variance(_ q: Double) -> Double { 1 }
}
