import Foundation

/// `stax.Gelu()` (exact x·Φ(x)), the closed form of Tsuchida et al. as neural-tangents
/// writes it: with p = q1q2, p₁ = (q1 + 1)(q2 + 1), δ² = p₁ − q12², δ = √⁺δ², α = atan2(q12, δ),
/// T = [(q12² + p·δ²)/(p₁·δ) + q12·α]/(2π) + q12/4 and
/// Ṫ = (1/δ² + (1 − p)/p₁ + 1)·q12/δ/(2π) + 1/4 + α/(2π).
struct GeluMap: ActivationMap {
    /// Features: q and q + 1.
    var featureCount: Int { 2 }

    func writeFeatures(variance q: Double, to out: UnsafeMutablePointer<Double>, stride: Int) {
        out[0] = q
        out[stride] = q + 1
    }

    func variance(_ q: Double) -> Double {
        let root = (1 + 2 * q).squareRoot()
        var v = q / ((q + 1) * (1 + 2 * q).squareRoot())
        v += Foundation.atan2(q, root) / 2
        v /= Double.pi
        v += 0.25
        return v * q
    }

    @inline(__always)
    func map<R: LaneSource, C: LaneSource>(_ q12: Vec, row: R, col: C, derivative: Bool)
        -> (value: Vec, derivative: Vec)
    {
        let prod = row(0) * col(0)
        let prodPlus1 = row(1) * col(1)
        let deltaSquared = prodPlus1 - q12 * q12
        let delta = deltaSquared.clampedSquareRoot
        let angles = VectorMath.atan2(q12, delta)
        var value = (q12 * q12 + prod * deltaSquared) / (prodPlus1 * delta)
        value += q12 * angles
        value /= 2 * Double.pi
        value += 0.25 * q12
        guard derivative else { return (value, Vec()) }
        let second = 0.25 + angles / (2 * Double.pi)
        var first = 1 / deltaSquared + (1 - prod) / prodPlus1 + 1
        first *= q12 / delta / (2 * Double.pi)
        return (value, first + second)
    }
}
