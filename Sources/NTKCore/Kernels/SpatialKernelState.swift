/// neural-tangents' kernel state between two layers for ONE pair of images (NT `utils.Kernel`
/// with spatial axes, restricted to one entry of the batch × batch grid): the NNGP and NTK
/// covariances between the positions of the two images. The walk over a network is done pair
/// by pair (`SpatialKernel`), so only one pair's covariances are alive per worker, and only
/// the read-out scalar of each pair is kept.
///
/// `full`: all (h·w)² position pairs, row-major over (p, p′) with p = y·w + x (NT's
/// `diagonal_spatial == False`, needed when the network pools); otherwise only the h·w
/// same-position entries (NT's `diagonal_spatial == True`, enough when it flattens). After
/// `Flatten` or `GlobalAvgPool` the state is one number (`isSpatial` false).
struct SpatialKernelState {
    var height: Int
    var width: Int
    var full: Bool
    var isSpatial: Bool
    var nngp: [Double]
    /// nil: the NTK was not asked for.
    var ntk: [Double]?
    /// Whether the activations are a mean-zero Gaussian (an affine layer came last).
    var isGaussian: Bool
    /// The finite width NT reads (`shape1[channel_axis]`): channels of images, features after
    /// `Flatten` / `GlobalAvgPool`.
    var channels: Int
    /// True while the NTK is the inputs' 0 (no affine layer or activation yet), so that the
    /// first Conv need not convolve it.
    var ntkIsZero = false

    /// Positions per image (1 once flattened).
    var positions: Int { height * width }

    /// A placeholder that holds no arrays (left where a state was moved out).
    static let empty = SpatialKernelState(
        height: 0, width: 0, full: false, isSpatial: false, nngp: [], ntk: nil, isGaussian: false, channels: 0)

    /// NT `_inputs_to_kernel` for one pair of NHWC images `a` and `b` (each h·w·c values):
    /// Σ_c a[p, c]·b[p′, c] / c for every (p, p′) when `full`, else for p = p′; NTK 0, not
    /// Gaussian.
    static func input(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, shape: FeatureShape, full: Bool, wantNTK: Bool
    ) -> SpatialKernelState {
        let positions = shape.positions
        let c = shape.channels
        let scale = Double(c)
        var q: [Double]
        if full {
            q = [Double](repeating: 0, count: positions * positions)
            q.withUnsafeMutableBufferPointer { q in
                for p in 0..<positions {
                    let ap = a + p &* c
                    for p2 in 0..<positions {
                        let bp = b + p2 &* c
                        var s = 0.0
                        for k in 0..<c { s += ap[k] * bp[k] }
                        q[p &* positions &+ p2] = s / scale
                    }
                }
            }
        } else {
            q = (0..<positions).map { p in
                var s = 0.0
                for k in 0..<c { s += a[p &* c &+ k] * b[p &* c &+ k] }
                return s / scale
            }
        }
        return SpatialKernelState(
            height: shape.height, width: shape.width, full: full, isSpatial: true, nngp: q,
            ntk: wantNTK ? [Double](repeating: 0, count: q.count) : nil, isGaussian: false, channels: c,
            ntkIsZero: true)
    }

    /// The variance of each position (the diagonal of a full state, the state itself otherwise):
    /// what an activation or LayerNorm reads of one image with itself.
    var variances: [Double] {
        guard full && isSpatial else { return nngp }
        let n = positions
        return (0..<n).map { nngp[$0 &* n &+ $0] }
    }
}
