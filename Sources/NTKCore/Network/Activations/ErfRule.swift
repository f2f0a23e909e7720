import Foundation

/// `Erf(a, b, c)` = a·erf(b·x) + c (NT `stax.Erf`): the kernel is scaled by b² first, then
/// with P = (1 + 2q1)(1 + 2q2) and r = √⁺(P − 4q12²): T = (2/π)·atan2(2q12, r),
/// Ṫ = (4/π)/r, T_diag(q) = (2/π)·atan2(q, √(q + 1/4)); finally NNGP ← a²·T + c², NTK ← a²·Ṫ.
struct ErfRule: ElementwiseRule {
    let a: Double, b: Double, c: Double

    func value(_ x: Double) -> Double { a * erf(b * x) + c }
    func derivative(_ x: Double) -> Double? {
        let bx = b * x
        return a * b * (2 / Double.pi.squareRoot()) * Foundation.exp(-(bx * bx))
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let bb = b * b
        let p = bb * q12
        let prod = (1 + 2 * (bb * q1)) * (1 + 2 * (bb * q2))
        let root = clampedRoot(prod - 4 * (p * p))
        let factor = 2 / Double.pi
        let t = factor * atan2(2 * p, root)
        let slope = bb * (2 * factor / root)
        return (a * a * t + c * c, a * a * slope)
    }

    func variance(_ q: Double) -> Double {
        let p = b * b * q
        return a * a * ((2 / Double.pi) * atan2(p, (p + 1.0 / 4).squareRoot())) + c * c
    }
}
