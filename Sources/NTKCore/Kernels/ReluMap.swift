/// `stax.Relu()` = `ABRelu(0, 1)`: the arc-cosine kernel of degree 1.
///
/// With s = √⁺(q1·q2 − q12²) and θ = atan2(s, q12) (θ = π/2 where s = q12 = 0):
/// Ṫ = 1/2 − θ/(2π), T = s/(2π) + Ṫ·q12, T_diag(q) = q/2. Ṫ is evaluated directly
/// (`VectorMath.reluDerivative`) rather than through θ, which saves the double-double
/// octant constants; it differs from neural-tangents' rounding by ~1e-16 absolute.
struct ReluMap: ActivationMap {
    /// Feature 0: the variance q.
    var featureCount: Int { 1 }

    func writeFeatures(variance q: Double, to out: UnsafeMutablePointer<Double>, stride: Int) {
        out[0] = q
    }

    func variance(_ q: Double) -> Double { 0.5 * q }

    @inline(__always)
    func map<R: LaneSource, C: LaneSource>(_ q12: Vec, row: R, col: C, derivative: Bool)
        -> (value: Vec, derivative: Vec)
    {
        let factor = 1 / (2 * Double.pi)
        let prod = row(0) * col(0)
        let s = (prod - q12 * q12).clampedSquareRoot
        let dot = VectorMath.reluDerivative(s, q12)  // 1/2 − θ/(2π)
        return ((factor * s).addingProduct(dot, q12), dot)
    }
}
