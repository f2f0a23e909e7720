/// Per-input values of one layer, read a vector (`Vec.lanes` inputs) at a time.
///
/// The kernel loops evaluate `Vec.lanes` pairs (x_i, x_j) at once. For an off-diagonal row
/// the row input is fixed (its values are broadcast) and the column inputs are consecutive
/// (their values are loaded); for the diagonal both sides are consecutive.
protocol LaneSource {
    /// Feature `f` for all lanes.
    func callAsFunction(_ f: Int) -> Vec
    /// The same inputs' features in hidden layer `l` (self is layer 0).
    func layer(_ l: Int) -> Self
}

/// One input's features, the same in all lanes.
struct BroadcastLanes: LaneSource {
    /// Feature 0 of this input in this layer; feature f is `stride` doubles further on,
    /// the next layer `layerStride` doubles further on.
    let base: UnsafePointer<Double>
    let stride: Int
    let layerStride: Int
    @inline(__always) func callAsFunction(_ f: Int) -> Vec { Vec(repeating: base[f &* stride]) }
    @inline(__always) func layer(_ l: Int) -> Self {
        BroadcastLanes(base: base + l &* layerStride, stride: stride, layerStride: layerStride)
    }
}

/// Consecutive inputs' features, one per lane.
struct ConsecutiveLanes: LaneSource {
    /// Feature 0 of the first input in this layer; feature f is `stride` doubles further on,
    /// the next layer `layerStride` doubles further on.
    let base: UnsafePointer<Double>
    let stride: Int
    let layerStride: Int
    @inline(__always) func callAsFunction(_ f: Int) -> Vec { Vec(loading: base + f &* stride) }
    @inline(__always) func layer(_ l: Int) -> Self {
        ConsecutiveLanes(base: base + l &* layerStride, stride: stride, layerStride: layerStride)
    }
}

/// The layer map of one activation function: how a Dense layer's pre-activation
/// covariance q turns into the post-activation covariance T and the derivative
/// covariance Ṫ (docs/numerics.md#activation-maps), exactly as neural-tangents 0.6.5 computes them.
///
/// Each activation precomputes a few per-input values from the input's variance
/// (`writeFeatures`), so that the per-pair work in `map` is as small as possible.
protocol ActivationMap: Sendable {
    /// Number of per-input values `map` reads (per layer).
    var featureCount: Int { get }

    /// Whether T(q12; q1, q2) = T(q12; q2, q1) exactly, so K(X, X) may be computed as a
    /// symmetric matrix. False for tanh: its product quadrature integrates over x first,
    /// so neural-tangents' K(X, X) differs from its transpose by the quadrature error.
    var isSymmetric: Bool { get }

    /// Writes the per-input values derived from the pre-activation variance `q`;
    /// value f goes to `out[f * stride]`.
    func writeFeatures(variance q: Double, to out: UnsafeMutablePointer<Double>, stride: Int)

    /// T_diag(q): the post-activation variance, neural-tangents' `nngp_fn_diag`.
    func variance(_ q: Double) -> Double

    /// T(q12; q1, q2) and, if `derivative`, Ṫ(q12; q1, q2) for a vector of pairs. The row and
    /// column features are those written by `writeFeatures` for q1 and q2.
    func map<R: LaneSource, C: LaneSource>(_ q12: Vec, row: R, col: C, derivative: Bool)
        -> (value: Vec, derivative: Vec)
}

extension ActivationMap {
    var isSymmetric: Bool { true }
}
