import TangentSupport

/// neural-tangents' kernel state between two layers (NT `utils.Kernel`, vectors only):
/// the NNGP and NTK of X1 against X2, the variances of each side (`cov1`, `cov2`; NT keeps
/// them apart from the NNGP's diagonal), whether the activations are a mean-zero Gaussian
/// (an affine layer came last), and the finite width (`shape1[-1]`) that `'standard'` Dense
/// and `FanInConcat` read.
struct KernelState {
    var nngp: Matrix
    var ntk: Matrix?
    var cov1: [Double]
    /// nil: X2 is X1 (K(X, X)), so cov2 is cov1.
    var cov2: [Double]?
    var isGaussian: Bool
    var width: Int

    /// A placeholder that holds no matrices (left where a state was moved out).
    static let empty = KernelState(
        nngp: Matrix(rows: 0, cols: 0), ntk: nil, cov1: [], cov2: nil, isGaussian: false, width: 0)
}

/// The analytic NNGP and NTK of any `Layer` network (docs/language.md#builtins), by walking the tree with
/// neural-tangents' kernel state, layer by layer as NT's `kernel_fn` does. `compute` walks the
/// tree once per block of pairs (`LayerKernelTiles`: in cache, on all cores, the vectorised
/// ReLU map); networks that block-wise evaluation cannot reproduce exactly (user functions,
/// quadrature in K(X, X)) walk the whole matrices (`untiled`). `compute` of an MLP-shaped
/// network gives the numbers of the vectorised `mlp` recursion (`AnalyticKernel`), which the
/// language uses for those.
public enum LayerKernel {
    /// K(X1, X2) (X2 nil: K(X1, X1)); an NTK not selected by `which` is 0×0 (the NNGP is
    /// always computed: the NTK needs it). Throws `refused` where NT has no kernel, `tooLarge`
    /// (before allocating) when the kernels do not fit in memory.
    public static func compute(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?,
        _ which: KernelSelection = .both
    ) throws(KernelError) -> KernelPair {
        try validate(net, x1, x2, which)
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        let tiled = LayerKernelTiles.applies(net, symmetric: x2 == nil)
        let needed = tiled ? LayerKernelTiles.estimatedBytes(n1: n1, n2: n2) : untiledBytes(net, n1: n1, n2: n2)
        let available = MemoryBudget.availableBytes(for: needed) ?? Int.max
        if needed > available || needed == Int.max || max(n1, n2, x1.cols) > Int(Int32.max) {
            throw .tooLarge(neededBytes: needed, availableBytes: available)
        }
        guard tiled else { return try untiled(net, x1, x2, which) }
        let (nngp, ntk) = try LayerKernelTiles.compute(net, x1, x2, wantNTK: which.wantsNTK)
        return KernelPair(nngp: nngp, ntk: ntk ?? Matrix(rows: 0, cols: 0))
    }

    /// K(X1, X2) of inputs of `input`'s shape: images (one per row, NHWC as `flatten(I)`) walk
    /// the network pair by pair (`SpatialKernel`, docs/language.md#images-and-convolutions);
    /// vectors take `compute` above. Throws as it does.
    public static func compute(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?, input: FeatureShape,
        _ which: KernelSelection = .both
    ) throws(KernelError) -> KernelPair {
        guard input.isSpatial else { return try compute(net, x1, x2, which) }
        return try SpatialKernel.compute(net, x1, x2, input: input, which)
    }

    /// `estimatedBytes` for inputs of `input`'s shape (images: `SpatialKernel`'s working set).
    public static func estimatedBytes(_ net: Layer, n1: Int, n2: Int, input: FeatureShape) -> Int {
        guard input.isSpatial else { return estimatedBytes(net, n1: n1, n2: n2) }
        return SpatialKernel.estimatedBytes(net, n1: n1, n2: n2, input: input)
    }

    /// The tree walked once over the whole matrices: the reference that `compute`'s blocks
    /// reproduce (tests), and the path of networks they cannot.
    static func untiled(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?,
        _ which: KernelSelection = .both
    ) throws(KernelError) -> KernelPair {
        try validate(net, x1, x2, which)
        var out = [inputState(x1, x2, wantNTK: which.wantsNTK)]
        try walk(net, &out, wantNTK: which.wantsNTK)
        let result = out[0]
        let ntk = result.ntk ?? Matrix(rows: 0, cols: 0)
        guard result.nngp.isFinite, ntk.isFinite else { throw .overflow }
        return KernelPair(nngp: result.nngp, ntk: ntk)
    }

    /// Everything refused before any work: inputs, arguments, and (by walking the tree on no
    /// inputs) every structural rule, so that the blocks cannot fail half way.
    static func validate(_ net: Layer, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection) throws(KernelError) {
        if let x2, x2.cols != x1.cols { throw .inputWidthMismatch(x1.cols, x2.cols) }
        let d = x1.cols
        if d == 0 && (x1.rows > 0 || (x2?.rows ?? 0) > 0) { throw .zeroInputWidth }
        guard x1.isFinite, x2?.isFinite ?? true else { throw .notFinite }
        try check(net)
        let none = Matrix(rows: 0, cols: 0)
        var probe = [
            KernelState(
                nngp: none, ntk: which.wantsNTK ? none : nil, cov1: [], cov2: x2 == nil ? nil : [],
                isGaussian: false, width: d)
        ]
        try walk(net, &probe, wantNTK: which.wantsNTK)
        guard probe.count == 1 else {
            throw .refused(
                layer: "the network",
                rule: "it ends with \(probe.count) branches; join them with FanInSum(), FanInProd() or FanInConcat()")
        }
    }

    /// About the most bytes `compute` holds for an n1×n2 kernel (saturates): the two outputs
    /// and the blocks in flight, or, for a network walked whole, NNGP and NTK for each branch
    /// alive at once (at most the FanOut copies plus one) and a layer's new pair.
    public static func estimatedBytes(_ net: Layer, n1: Int, n2: Int) -> Int {
        // Symmetric or not, whichever path the inputs take: the untiled one needs more.
        LayerKernelTiles.applies(net, symmetric: true) && LayerKernelTiles.applies(net, symmetric: false)
            ? LayerKernelTiles.estimatedBytes(n1: n1, n2: n2) : untiledBytes(net, n1: n1, n2: n2)
    }

    static func untiledBytes(_ net: Layer, n1: Int, n2: Int) -> Int {
        func copies(_ l: Layer) -> Int {
            switch l {
            case .serial(let ls), .parallel(let ls): return ls.reduce(0) { $0 + copies($1) }
            case .fanOut(let n): return n
            default: return 0
            }
        }
        let total = 8 * Double(n1) * Double(n2) * Double(2 * (copies(net) + 1) + 2)
        return total >= Double(Int.max) ? Int.max : Int(total)
    }

    /// NT `_inputs_to_kernel`: nngp = X1X2ᵀ/d, cov = Σ x²/d per row, NTK 0, not Gaussian.
    static func inputState(_ x1: Matrix, _ x2: Matrix?, wantNTK: Bool) -> KernelState {
        let d = Double(x1.cols)
        // /d as dgemm's alpha, as the tiled walk scales its blocks, so the two agree bit for bit.
        var nngp = NetworkKernels.product(x1, x2 ?? x1, transB: true, alpha: 1 / d)
        if x2 == nil && x1.rows > 0 {
            // Exactly symmetric, so that symmetric layers may compute one triangle.
            nngp.storage.withUnsafeMutableBufferPointer { NetworkKernels.mirrorUpper($0.baseAddress!, n: x1.rows) }
        }
        func variances(_ x: Matrix) -> [Double] {
            (0..<x.rows).map { i in
                var s = 0.0
                for j in 0..<x.cols { s += x[i, j] * x[i, j] }
                return s / d
            }
        }
        return KernelState(
            nngp: nngp, ntk: wantNTK ? Matrix(rows: nngp.rows, cols: nngp.cols) : nil,
            cov1: variances(x1), cov2: x2.map(variances), isGaussian: false, width: x1.cols)
    }

    /// Arguments NT would refuse before computing anything.
    static func check(_ net: Layer) throws(KernelError) {
        switch net {
        case .serial(let ls), .parallel(let ls): for l in ls { try check(l) }
        case .dense(let d):
            guard d.wStd.isFinite, d.bStd?.isFinite ?? true else {
                throw .invalidNetwork("Dense: W_std and b_std must be finite")
            }
        default: break
        }
    }

    /// Runs `layer` on the kernel states of its inputs, in place: each state's matrices are
    /// updated where they are (copied only where FanOut made branches share them).
    /// `parallel` false: one block of a tiled kernel, on the worker thread that owns it.
    static func walk(
        _ layer: Layer, _ states: inout [KernelState], wantNTK: Bool,
        parallel: Bool = true
    ) throws(KernelError) {
        switch layer {
        case .serial(let layers):
            for l in layers { try walk(l, &states, wantNTK: wantNTK, parallel: parallel) }
        case .parallel(let layers):
            try branches(layers, &states, empty: .empty) { (l, branch) throws(KernelError) in
                try walk(l, &branch, wantNTK: wantNTK, parallel: parallel)
            }
        case .fanOut(let n):
            try single("FanOut", states)
            states = Array(repeating: states[0], count: n)
        case .fanInSum:
            try LayerKernelFanIn.sum(&states)
        case .fanInProd:
            try LayerKernelFanIn.product(&states)
        case .fanInConcat:
            try LayerKernelFanIn.concat(&states)
        case .dense(let d):
            try single("Dense", states)
            dense(d, &states[0])
        case .identity:
            try single("Identity", states)
        case .layerNorm(let eps):
            try single("LayerNorm", states)
            try layerNorm(eps, &states[0])
        case .activation(let act):
            try single(act.name, states)
            try activation(act, &states[0], parallel: parallel)
        case .flatten:
            // A vector's kernel is its own flattening, but NT's Flatten marks its output not
            // Gaussian whatever the input (so an activation, LayerNorm or FanInSum after it is refused).
            try single("Flatten", states)
            states[0].isGaussian = false
        case .conv, .avgPool, .globalAvgPool:
            let name = layer == .globalAvgPool ? "GlobalAvgPool" : (layer.isConv ? "Conv" : "AvgPool")
            throw .refused(
                layer: name, rule: "it needs images (n×h×w×c) as inputs; give the network images(X, h, w, c)")
        }
    }

    /// `parallel`: the i-th layer walks the i-th state, each branch holding the only reference
    /// to its state (so it is updated in place); shared by the vector and the spatial walks.
    static func branches<State>(
        _ layers: [Layer], _ states: inout [State], empty: State,
        _ walk: (Layer, inout [State]) throws(KernelError) -> Void
    ) throws(KernelError) {
        guard layers.count == states.count else {
            throw .refused(
                layer: "parallel",
                rule:
                    "it has \(layers.count) branches but receives \(states.count) input\(states.count == 1 ? "" : "s"); put FanOut(\(layers.count)) before it"
            )
        }
        var inputs = states
        states = []
        var out: [State] = []
        for (i, l) in layers.enumerated() {
            var branch = [inputs[i]]
            inputs[i] = empty  // the branch holds the only reference
            try walk(l, &branch)
            out += branch
        }
        states = out
    }

    static func single(_ name: String, _ states: [KernelState]) throws(KernelError) {
        try single(name, states.count)
    }

    static func single(_ name: String, _ count: Int) throws(KernelError) {
        guard count == 1 else {
            throw .refused(
                layer: name,
                rule:
                    "it takes one input but receives \(count) branches; join them first (FanInSum(), FanInProd(), FanInConcat()) or use parallel(...)"
            )
        }
    }

    /// NT `Dense.kernel_fn`: q ← σ_w²q + σ_b²; 'ntk' Θ ← q_new + σ_w²Θ; 'standard'
    /// Θ ← n·q_old + σ_w²Θ (+1 with a bias), n the finite input width.
    static func dense(_ d: DenseLayer, _ k: inout KernelState) {
        let w2 = d.wStd * d.wStd
        let b2 = (d.bStd ?? 0) * (d.bStd ?? 0)
        func affine(_ x: Double) -> Double { w2 * x + b2 }
        let count = k.nngp.count
        let n = Double(k.width)
        let hasBias = d.bStd != nil
        k.nngp.storage.withUnsafeMutableBufferPointer { q in
            if k.ntk == nil {
                for i in 0..<count { q[i] = affine(q[i]) }
                return
            }
            k.ntk!.storage.withUnsafeMutableBufferPointer { t in
                switch d.parameterization {
                case .ntk:
                    for i in 0..<count {
                        q[i] = affine(q[i])
                        t[i] = q[i] + w2 * t[i]
                    }
                case .standard:
                    for i in 0..<count {
                        t[i] = n * q[i] + w2 * t[i]
                        if hasBias { t[i] += 1 }
                        q[i] = affine(q[i])
                    }
                }
            }
        }
        k.cov1 = k.cov1.map(affine)
        k.cov2 = k.cov2.map { $0.map(affine) }
        k.isGaussian = true
        k.width = d.outDim
    }

    /// NT `LayerNorm.kernel_fn` over the feature axis: every entry divided by
    /// √((ε + q1)(ε + q2)); only for Gaussian inputs.
    static func layerNorm(_ eps: Double, _ k: inout KernelState) throws(KernelError) {
        guard k.isGaussian else {
            throw .refused(
                layer: "LayerNorm",
                rule:
                    "neural-tangents computes its infinite-width kernel only for Gaussian inputs: put it right after a Dense layer (not after an activation, Flatten, FanInProd or FanInConcat, nor first)"
            )
        }
        let c1 = k.cov1
        let c2 = k.cov2 ?? k.cov1
        let cols = k.nngp.cols
        for i in 0..<k.nngp.rows {
            for j in 0..<cols {
                let r = ((eps + c1[i]) * (eps + c2[j])).squareRoot()
                k.nngp.storage[i * cols + j] /= r
                if k.ntk != nil { k.ntk!.storage[i * cols + j] /= r }
            }
        }
        k.cov1 = c1.map { $0 / ((eps + $0) * (eps + $0)).squareRoot() }
        k.cov2 = k.cov2.map { $0.map { $0 / ((eps + $0) * (eps + $0)).squareRoot() } }
    }

    /// NT `_elementwise`: the activation's kernel map, only for Gaussian inputs.
    static func activation(_ act: Elementwise, _ k: inout KernelState, parallel: Bool = true) throws(KernelError) {
        guard k.isGaussian else {
            throw .refused(
                layer: act.name,
                rule:
                    "the input to an activation must be Gaussian in the infinite-width limit, i.e. a Dense layer must come right before it (not the inputs, Flatten, FanInProd, FanInConcat or another activation)"
            )
        }
        if k.ntk != nil, act.rule.derivative(0) == nil {
            throw .refused(
                layer: act.name,
                rule:
                    "the NTK needs the derivative: give df: (Tangent does not differentiate fn; the NNGP needs only fn)"
            )
        }
        let mapper = ActivationMapper(state: k, parallel: parallel)
        k = .empty  // the mapper holds the only reference, so it updates the matrices in place
        k = act.accept(mapper)
    }
}

/// One activation applied to a kernel state in place, specialised for its rule: rows of the
/// NNGP (and NTK) in parallel when the rule is pure and `parallel` (a whole matrix); in a
/// block of a tiled kernel, serially, and ReLU by the vectorised map (`TileRelu`). A class,
/// so that it holds the only reference to the matrices while it updates them.
private final class ActivationMapper: ElementwiseRuleVisitor {
    var state: KernelState
    let parallel: Bool

    init(state: KernelState, parallel: Bool) {
        self.state = state
        self.parallel = parallel
    }

    func visit<R: ElementwiseRule>(_ rule: R) -> KernelState {
        var k = state
        state = .empty
        // Moved out of `k`, so that each is uniquely referenced and updated in place.
        var nngp = k.nngp
        var ntk = k.ntk
        k.nngp = KernelState.empty.nngp
        k.ntk = nil
        let rows = nngp.rows
        let cols = nngp.cols
        let c1 = k.cov1
        let c2 = k.cov2 ?? k.cov1
        let wantNTK = ntk != nil
        var ntkStorage = ntk?.storage ?? []
        ntk = nil  // `ntkStorage` holds the only reference
        if rows > 0 && cols > 0 {
            c1.withUnsafeBufferPointer { q1 in
                c2.withUnsafeBufferPointer { q2 in
                    nngp.storage.withUnsafeMutableBufferPointer { q in
                        ntkStorage.withUnsafeMutableBufferPointer { nt in
                            let q1 = q1.baseAddress!
                            let q2 = q2.baseAddress!
                            let q = q.baseAddress!
                            let nt = nt.baseAddress
                            // K(X, X) of a symmetric rule: the upper triangle, mirrored below.
                            let triangle = k.cov2 == nil && rule.isSymmetric && rows == cols
                            // In a block of a tiled kernel, ReLU by the vectorised map.
                            if !self.parallel, let relu = rule as? RectifiedRule, relu.a == 0, relu.b == 1 {
                                TileRelu.apply(
                                    q, nt, q1: q1, q2: q2, rows: rows, cols: cols,
                                    triangle: triangle, wantNTK: wantNTK)
                                if triangle {
                                    BlockMirror.mirrorUpper(q, n: rows)
                                    if wantNTK, let nt { BlockMirror.mirrorUpper(nt, n: rows) }
                                }
                                return
                            }
                            let body: (Range<Int>) -> Void = { range in
                                for i in range {
                                    let a = q1[i]
                                    for j in (triangle ? i : 0)..<cols {
                                        let e = i &* cols &+ j
                                        // On the diagonal of K(X, X), q12 is the variance itself, so that
                                        // kinked maps see θ = 0 exactly (their limit; NT rounds near it).
                                        let (t, slope) = rule.pair(triangle && j == i ? a : q[e], a, q2[j])
                                        q[e] = t
                                        if wantNTK { nt![e] = nt![e] * (slope ?? 0) }
                                    }
                                }
                            }
                            if rule.isPure && self.parallel {
                                NetworkKernels.parallelFor(
                                    rows, grain: max(1, 2048 / max(cols, 1)), piecesPerCore: triangle ? 8 : 1, body)
                            } else {
                                body(0..<rows)
                            }
                            if triangle {
                                // (An empty buffer may still have an address: only with an NTK.)
                                if self.parallel {
                                    NetworkKernels.mirrorUpper(q, n: rows)
                                    if wantNTK, let nt { NetworkKernels.mirrorUpper(nt, n: rows) }
                                } else {
                                    BlockMirror.mirrorUpper(q, n: rows)
                                    if wantNTK, let nt { BlockMirror.mirrorUpper(nt, n: rows) }
                                }
                            }
                        }
                    }
                }
            }
        }
        k.nngp = nngp
        k.ntk = wantNTK ? Matrix(rows: rows, cols: cols, storage: ntkStorage) : nil
        k.cov1 = c1.map(rule.variance)
        k.cov2 = k.cov2.map { $0.map(rule.variance) }
        k.isGaussian = false
        return k
    }
}
