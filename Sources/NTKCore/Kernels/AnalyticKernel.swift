import Foundation
import TangentSupport

/// The infinite-width NNGP and NTK kernels of an `MLP`, matching neural-tangents 0.6.5's
/// `stax.serial(...).kernel_fn(x1, x2, ('nngp', 'ntk'))` to about 1e-15
/// (docs/numerics.md#analytic-kernels).
///
/// How: for each 128×128 output block, one `dgemm` writes x·x′ into a per-core scratch
/// block, and the layer recursion runs on it while it is in cache, 16 pairs at a time,
/// writing each entry of the outputs once (no N×N temporaries, so two 32000² kernels fit
/// in 16 GiB). For K(X, X) only blocks on or above the diagonal are computed; their values
/// are also stored at the mirrored positions. Blocks are spread over all cores.
///
/// The diagonal of K(X, X) uses the exact θ = 0 values (q12 = q1 = q2); neural-tangents
/// instead feeds the matmul's diagonal through the off-diagonal formula, which for ReLU
/// differs by up to ~1e-8 relative (docs/numerics.md#the-relu-diagonal). For tanh, whose quadrature
/// is not symmetric in (x, x′), K(X, X) is computed entry by entry, as neural-tangents does.
public enum AnalyticKernel {
    /// K(X1, X2); X2 nil means K(X1, X1), computed symmetric. Rows are inputs. A kernel
    /// not selected by `which` is returned as a 0×0 matrix.
    public static func compute(
        _ net: MLP, _ x1: Matrix, _ x2: Matrix?,
        _ which: KernelSelection = .both
    ) throws(KernelError) -> KernelPair {
        if let x2, x2.cols != x1.cols { throw .inputWidthMismatch(x1.cols, x2.cols) }
        let width = x1.cols
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        let plan = try LayerPlan(net, inputWidth: width)
        if width == 0 && (n1 > 0 || n2 > 0) { throw .zeroInputWidth }
        // Refuse before allocating; an unknown budget still refuses sizes beyond Int (or
        // cblas's 32-bit dimensions).
        let needed = estimatedBytes(net, n1: n1, n2: n2, which)
        let available = MemoryBudget.availableBytes(for: needed) ?? Int.max
        if needed > available || needed == Int.max || max(n1, n2, width) > Int(Int32.max) {
            throw .tooLarge(neededBytes: needed, availableBytes: available)
        }
        guard x1.isFinite, x2?.isFinite ?? true else { throw .notFinite }

        switch net.activation {
        case .relu: return try compute(ReluMap(), plan, x1, x2, which)
        case .erf: return try compute(ErfMap(), plan, x1, x2, which)
        case .identity: return try compute(IdentityMap(), plan, x1, x2, which)
        case .gelu: return try compute(GeluMap(), plan, x1, x2, which)
        case .tanh where net.depth == 0:
            return try compute(IdentityMap(), plan, x1, x2, which)  // no activation layer at all
        case .tanh:
            guard let map = TanhMap(degree: net.tanhDegree) else {
                throw .invalidNetwork("could not compute the Gauss–Hermite rule of degree \(net.tanhDegree)")
            }
            return try compute(map, plan, x1, x2, which)
        }
    }

    /// Bytes `compute` allocates at peak for n1 × n2 kernels: the selected output
    /// matrices, the per-input tables and the per-core Gram blocks. Saturates at `Int.max`.
    public static func estimatedBytes(_ net: MLP, n1: Int, n2: Int, _ which: KernelSelection) -> Int {
        let features: Int
        switch net.activation {
        case .relu, .erf: features = 1
        case .gelu: features = 2
        case .identity: features = 0
        case .tanh: features = 1 + 2 * min(max(net.tanhDegree, 1), GaussHermite.maximumDegree)
        }
        let outputs = saturatingProduct([n1, n2, 8, which.matrixCount])
        let sides = saturatingSum([
            InputSide.bytes(count: n1, featureCount: features, depth: net.depth),
            InputSide.bytes(count: n2, featureCount: features, depth: net.depth)
        ])
        let diagonal = saturatingProduct([2, 8, n1 &+ Vec.lanes])
        let scratch = KernelTile.scratchBytes(workers: ProcessInfo.processInfo.activeProcessorCount)
        return saturatingSum([outputs, sides, diagonal, scratch])
    }

    private static func saturatingProduct(_ xs: [Int]) -> Int {
        xs.reduce(1) { a, b in
            let r = a.multipliedReportingOverflow(by: b)
            return r.overflow ? Int.max : r.partialValue
        }
    }

    private static func saturatingSum(_ xs: [Int]) -> Int {
        xs.reduce(0) { a, b in
            let r = a.addingReportingOverflow(b)
            return r.overflow ? Int.max : r.partialValue
        }
    }

    private static func compute<A: ActivationMap>(
        _ map: A, _ plan: LayerPlan, _ x1: Matrix, _ x2: Matrix?,
        _ which: KernelSelection
    ) throws(KernelError) -> KernelPair {
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        let width = x1.cols
        let empty = Matrix(rows: 0, cols: 0)
        if n1 == 0 || n2 == 0 {
            let blank = Matrix(rows: n1, cols: n2)
            return KernelPair(nngp: which.wantsNNGP ? blank : empty, ntk: which.wantsNTK ? blank : empty)
        }
        var finite = true
        var ntkStorage = [Double]()
        let nngpStorage = x1.storage.withUnsafeBufferPointer { p1 in
            (x2?.storage ?? x1.storage).withUnsafeBufferPointer { p2 in
                let side1 = InputSide(rows: p1, count: n1, width: width, map: map, plan: plan)
                let side2 = x2 == nil ? side1 : InputSide(rows: p2, count: n2, width: width, map: map, plan: plan)
                return OutputBuffer.make(count: which.wantsNNGP ? n1 * n2 : 0) { nngp in
                    ntkStorage = OutputBuffer.make(count: which.wantsNTK ? n1 * n2 : 0) { ntk in
                        finite = fill(
                            map, plan, p1, p2, width, n1, n2, symmetric: x2 == nil && map.isSymmetric,
                            side1: side1, side2: side2, nngp: nngp, ntk: ntk)
                    }
                }
            }
        }
        if Cancellation.current?.stopped == true { throw .cancelled }
        guard finite else { throw .overflow }
        return KernelPair(
            nngp: which.wantsNNGP ? Matrix(rows: n1, cols: n2, storage: nngpStorage) : empty,
            ntk: which.wantsNTK ? Matrix(rows: n1, cols: n2, storage: ntkStorage) : empty)
    }

    /// Writes the kernels into `nngp`/`ntk` (either may be nil); false if not finite.
    private static func fill<A: ActivationMap>(
        _ map: A, _ plan: LayerPlan, _ p1: UnsafeBufferPointer<Double>, _ p2: UnsafeBufferPointer<Double>,
        _ width: Int, _ n1: Int, _ n2: Int, symmetric: Bool, side1: InputSide, side2: InputSide,
        nngp: UnsafeMutablePointer<Double>?, ntk: UnsafeMutablePointer<Double>?
    ) -> Bool {
        plan.steps.withUnsafeBufferPointer { steps in
            side1.features.withUnsafeBufferPointer { f1 in
                side2.features.withUnsafeBufferPointer { f2 in
                    // The exact diagonal of K(X, X): the recursion with q12 = q1 = q2.
                    var diagonalNNGP = [Double]()
                    var diagonalNTK = [Double]()
                    if symmetric {
                        (diagonalNNGP, diagonalNTK) = diagonal(
                            map, plan, steps.baseAddress!, side1,
                            f1.baseAddress!, wantsNTK: ntk != nil)
                    }
                    return diagonalNNGP.withUnsafeBufferPointer { dn in
                        diagonalNTK.withUnsafeBufferPointer { dt in
                            let context = TileContext(
                                x1: p1.baseAddress!, x2: p2.baseAddress!, width: width, n1: n1, n2: n2,
                                symmetric: symmetric, nngp: nngp, ntk: ntk, steps: steps.baseAddress!,
                                depth: plan.depth, standard: plan.standard,
                                features1: f1.baseAddress!,
                                stride1: side1.stride, layerStride1: side1.layerStride,
                                features2: f2.baseAddress!,
                                stride2: side2.stride, layerStride2: side2.layerStride,
                                diagonalNNGP: dn.baseAddress, diagonalNTK: dt.baseAddress)
                            return context.runAll(map, KernelTile.tiling(n1: n1, n2: n2, symmetric: symmetric))
                        }
                    }
                }
            }
        }
    }

    /// K(x_i, x_i) for every input, a vector at a time. The variance is carried by the
    /// activation's own variance map T_diag, not by the pair map at q12 = q1 = q2: the two
    /// agree in exact arithmetic, but c = 1 is an unstable fixed point of the pair map in the
    /// chaotic phase (Poole et al. 2016), where rounding errors grow about twofold per layer
    /// and a deep network's diagonal would drift to the off-diagonal fixed point.
    private static func diagonal<A: ActivationMap>(
        _ map: A, _ plan: LayerPlan, _ steps: UnsafePointer<DenseStep>, _ side: InputSide,
        _ features: UnsafePointer<Double>, wantsNTK: Bool
    ) -> ([Double], [Double]) {
        var nngp = [Double](repeating: 0, count: side.stride)
        var ntk = [Double](repeating: 0, count: side.stride)
        side.inputVariance.withUnsafeBufferPointer { variance in
            for i in stride(from: 0, to: side.count, by: Vec.lanes) {
                let lanes = ConsecutiveLanes(base: features + i, stride: side.stride, layerStride: side.layerStride)
                var sigma = Vec(loading: variance.baseAddress! + i)
                var theta = Vec()
                var l = 0
                while true {
                    let q = denseLayer(
                        steps[l], sigma: sigma, theta: &theta, standard: plan.standard, wantsNTK: wantsNTK)
                    if l == plan.depth {
                        for k in 0..<Vec.lanes {
                            nngp[i + k] = q[k]
                            ntk[i + k] = theta[k]
                        }
                        break
                    }
                    if wantsNTK {
                        theta =
                            theta * map.map(q, row: lanes.layer(l), col: lanes.layer(l), derivative: true).derivative
                    }
                    for k in 0..<Vec.lanes { sigma[k] = map.variance(q[k]) }
                    l += 1
                }
            }
        }
        return (nngp, ntk)
    }
}
