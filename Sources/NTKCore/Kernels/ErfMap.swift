import Foundation

/// `stax.Erf()` (erf(x); a = 1, b = 1, c = 0).
///
/// With P = (1 + 2q1)(1 + 2q2) and r = √⁺(P − 4q12²): T = (2/π)·atan2(2q12, r),
/// Ṫ = (4/π)/r, T_diag(q) = (2/π)·atan2(q, √(q + 1/4)).
struct ErfMap: ActivationMap {
    /// Feature 0: 1 + 2q (neural-tangents' `cov_denom`).
    var featureCount: Int { 1 }

    func writeFeatures(variance q: Double, to out: UnsafeMutablePointer<Double>, stride: Int) {
        out[0] = 1 + 2 * q
    }

    func variance(_ q: Double) -> Double {
        (2 / Double.pi) * Foundation.atan2(q, (q + 1.0 / 4).squareRoot())
    }

    @inline(__always)
    func map<R: LaneSource, C: LaneSource>(_ q12: Vec, row: R, col: C, derivative: Bool)
        -> (value: Vec, derivative: Vec)
    {
        let factor = 2 / Double.pi
        let prod = row(0) * col(0)
        let root = (prod - 4 * (q12 * q12)).clampedSquareRoot
        let value = factor * VectorMath.atan2(2 * q12, root)
        return (value, derivative ? (2 * factor) / root : Vec())
    }
}
