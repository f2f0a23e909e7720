import Foundation

/// `Exp(a, b)` = a·exp(b·x) (NT `stax.Exp`): T = a²·exp(b²((q1 + q2)/2 + q12)), Ṫ = a²b²·that,
/// T_diag(q) = a²·exp(2b²q).
struct ExpRule: ElementwiseRule {
    let a: Double, b: Double

    func value(_ x: Double) -> Double { a * Foundation.exp(b * x) }
    func derivative(_ x: Double) -> Double? { a * b * Foundation.exp(b * x) }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let bb = b * b
        let t = Foundation.exp(bb * ((q1 + q2) / 2 + q12))
        return (a * a * t, a * a * (bb * t))
    }

    func variance(_ q: Double) -> Double { a * a * Foundation.exp(2 * (b * b) * q) }
}

/// `Gaussian(a, b)` = a·exp(b·x²) (NT `stax.Gaussian`): with
/// det = √⁺((1 − 2bq1)(1 − 2bq2) − 4b²q12²), T = a²/det, Ṫ = a²·4b²q12/det³,
/// T_diag(q) = a²/√⁺(1 − 4bq).
struct GaussianRule: ElementwiseRule {
    let a: Double, b: Double

    func value(_ x: Double) -> Double { a * Foundation.exp(b * (x * x)) }
    func derivative(_ x: Double) -> Double? { a * 2 * b * x * Foundation.exp(b * (x * x)) }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let factor = 4 * (b * b)
        let det = clampedRoot((1 - 2 * b * q1) * (1 - 2 * b * q2) - factor * (q12 * q12))
        return (a * a * (1 / det), a * a * (factor * q12 / (det * det * det)))
    }

    func variance(_ q: Double) -> Double { a * a * (1 / clampedRoot(1 - 4 * b * q)) }
}
