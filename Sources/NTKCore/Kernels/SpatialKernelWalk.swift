/// The variances an activation or LayerNorm of a spatial walk reads, per position: for one
/// image with itself, its own state's (recorded, in walk order, for the pairs that image is in);
/// for a pair, the two images' recorded ones (NT's `cov1` and `cov2`).
struct SpatialSides {
    /// true: the walk is of one image with itself.
    let recording: Bool
    /// Sample 1's and sample 2's variances, one array per activation/LayerNorm in walk order.
    let first: [[Double]]
    let second: [[Double]]
    private(set) var recorded: [[Double]] = []
    private var cursor = 0

    /// The walk of one image with itself, recording its variances.
    static var recorder: SpatialSides { SpatialSides(recording: true, first: [], second: []) }

    /// The walk of a pair whose images recorded `first` and `second`.
    static func pair(_ first: [[Double]], _ second: [[Double]]) -> SpatialSides {
        SpatialSides(recording: false, first: first, second: second)
    }

    private init(recording: Bool, first: [[Double]], second: [[Double]]) {
        self.recording = recording
        self.first = first
        self.second = second
    }

    /// The next layer's variances of the first and second image.
    mutating func next(_ state: SpatialKernelState) -> ([Double], [Double]) {
        if recording {
            let v = state.variances
            recorded.append(v)
            return (v, v)
        }
        defer { cursor += 1 }
        return (first[cursor], second[cursor])
    }
}

/// NT's `kernel_fn` of every layer on one pair's `SpatialKernelState`, walking the `Layer`
/// tree as `LayerKernel.walk` does for vectors: Dense acts on every entry (a 1×1 convolution),
/// activations map each (p, p′) entry with the variances of p and p′, Conv and the pools are in
/// `ConvKernel` and `PoolKernel`, and the fan-in layers join branches entry by entry. NT's
/// refusals are thrown by the first walk (an image with itself), before any pair.
enum SpatialKernelWalk {
    static func walk(
        _ layer: Layer, _ states: inout [SpatialKernelState], _ sides: inout SpatialSides
    ) throws(KernelError) {
        switch layer {
        case .serial(let layers):
            for l in layers { try walk(l, &states, &sides) }
        case .parallel(let layers):
            try LayerKernel.branches(layers, &states, empty: .empty) { (l, branch) throws(KernelError) in
                try walk(l, &branch, &sides)
            }
        case .fanOut(let n):
            try LayerKernel.single("FanOut", states.count)
            states = Array(repeating: states[0], count: n)
        case .fanInSum:
            try sum(&states)
        case .fanInProd:
            try product(&states)
        case .fanInConcat:
            try concat(&states)
        case .dense(let d):
            try LayerKernel.single("Dense", states.count)
            dense(d, &states[0])
        case .identity:
            try LayerKernel.single("Identity", states.count)
        case .layerNorm(let eps):
            try LayerKernel.single("LayerNorm", states.count)
            try layerNorm(eps, &states[0], &sides)
        case .activation(let act):
            try LayerKernel.single(act.name, states.count)
            try activation(act, &states[0], &sides)
        case .conv(let c):
            try LayerKernel.single("Conv", states.count)
            ConvKernel.apply(c, &states[0])
        case .avgPool(let p):
            try LayerKernel.single("AvgPool", states.count)
            PoolKernel.average(p, &states[0])
        case .globalAvgPool:
            try LayerKernel.single("GlobalAvgPool", states.count)
            PoolKernel.global(&states[0])
        case .flatten:
            try LayerKernel.single("Flatten", states.count)
            PoolKernel.flatten(&states[0])
        }
    }

    /// NT `Dense.kernel_fn` on every entry; 'standard' reads the channel count as the width.
    static func dense(_ d: DenseLayer, _ k: inout SpatialKernelState) {
        let w2 = d.wStd * d.wStd
        let b2 = (d.bStd ?? 0) * (d.bStd ?? 0)
        let n = Double(k.channels)
        let one = d.bStd == nil ? 0.0 : 1.0
        var q = k.nngp
        var t = k.ntk
        k.nngp = []
        k.ntk = nil
        for i in 0..<q.count {
            if t != nil {
                switch d.parameterization {
                case .ntk: t![i] = w2 * q[i] + b2 + w2 * t![i]
                case .standard: t![i] = n * q[i] + w2 * t![i] + one
                }
            }
            q[i] = w2 * q[i] + b2
        }
        k.nngp = q
        k.ntk = t
        k.ntkIsZero = false
        k.isGaussian = true
        k.channels = d.outDim
    }

    /// NT `LayerNorm(axis: -1)` on images: each entry divided by √((ε + q_p)(ε + q′_p′)), the
    /// variances of its two positions; only for Gaussian inputs.
    static func layerNorm(_ eps: Double, _ k: inout SpatialKernelState, _ sides: inout SpatialSides) throws(KernelError)
    {
        guard k.isGaussian else {
            throw .refused(
                layer: "LayerNorm",
                rule:
                    "neural-tangents computes its infinite-width kernel only for Gaussian inputs: put it right after a Dense or Conv layer (not after an activation, Flatten, FanInProd or FanInConcat, nor first)"
            )
        }
        let (v1, v2) = sides.next(k)
        let full = k.full && k.isSpatial
        let n = v2.count
        k.ntkIsZero = false
        func normalise(_ q: inout [Double]) {
            for i in 0..<q.count {
                let (p, p2) = full ? (i / n, i % n) : (i, i)
                q[i] /= ((eps + v1[p]) * (eps + v2[p2])).squareRoot()
            }
        }
        normalise(&k.nngp)
        if k.ntk != nil { normalise(&k.ntk!) }
        k.ntkIsZero = false
    }

    /// NT `_elementwise`: the activation's map on every entry, only for Gaussian inputs.
    static func activation(
        _ act: Elementwise, _ k: inout SpatialKernelState, _ sides: inout SpatialSides
    ) throws(KernelError) {
        guard k.isGaussian else {
            throw .refused(
                layer: act.name,
                rule:
                    "the input to an activation must be Gaussian in the infinite-width limit, i.e. a Dense or Conv layer must come right before it (not the inputs, Flatten, FanInProd, FanInConcat or another activation)"
            )
        }
        if k.ntk != nil, act.rule.derivative(0) == nil {
            throw .refused(
                layer: act.name,
                rule:
                    "the NTK needs the derivative: give df: (Tangent does not differentiate fn; the NNGP needs only fn)"
            )
        }
        let (v1, v2) = sides.next(k)
        let mapper = SpatialActivationMapper(state: k, v1, v2, ownVariances: sides.recording)
        k = .empty  // the mapper holds the only reference, so it updates the arrays in place
        k = act.accept(mapper)
    }

    /// `FanInSum`: entries add up; every branch must be Gaussian (unless there is one).
    static func sum(_ ks: inout [SpatialKernelState]) throws(KernelError) {
        guard var out = ks.first else { throw .refused(layer: "FanInSum", rule: "it has no inputs") }
        guard ks.count == 1 || ks.allSatisfy(\.isGaussian) else {
            throw .refused(
                layer: "FanInSum",
                rule:
                    "neural-tangents sums branches only when each ends in an affine layer (Dense, Conv, or Identity of one), so that all are mean-zero Gaussian; branches \(ks.enumerated().filter { !$0.element.isGaussian }.map { String($0.offset + 1) }.joined(separator: ", ")) end in a nonlinearity or Flatten"
            )
        }
        ks[0] = .empty
        for k in ks.dropFirst() {
            for i in 0..<out.nngp.count { out.nngp[i] += k.nngp[i] }
            if out.ntk != nil { for i in 0..<out.ntk!.count { out.ntk![i] += k.ntk![i] } }
        }
        out.ntkIsZero = ks.dropFirst().allSatisfy(\.ntkIsZero) && out.ntkIsZero
        ks = [out]
    }

    /// `FanInProd`: NNGPs multiply, NTK by the product rule; not Gaussian (unless one branch).
    static func product(_ ks: inout [SpatialKernelState]) throws(KernelError) {
        guard var out = ks.first else { throw .refused(layer: "FanInProd", rule: "it has no inputs") }
        let staysGaussian = ks.count == 1 && out.isGaussian
        ks[0] = .empty
        for k in ks.dropFirst() {
            if out.ntk != nil {
                for i in 0..<out.ntk!.count { out.ntk![i] = out.ntk![i] * k.nngp[i] + out.nngp[i] * k.ntk![i] }
            }
            for i in 0..<out.nngp.count { out.nngp[i] *= k.nngp[i] }
        }
        out.isGaussian = staysGaussian
        out.ntkIsZero = false
        ks = [out]
    }

    /// `FanInConcat(axis: -1)` (channels): the kernels averaged, weighted by channel counts.
    static func concat(_ ks: inout [SpatialKernelState]) throws(KernelError) {
        guard var out = ks.first else { throw .refused(layer: "FanInConcat", rule: "it has no inputs") }
        let equal = ks.allSatisfy { $0.channels == ks[0].channels }
        let weights = ks.map { equal ? 1.0 : Double($0.channels) }
        let total = weights.reduce(0, +)
        func mix(_ get: (SpatialKernelState) -> [Double]) -> [Double] {
            var acc = get(ks[0]).map { $0 * weights[0] }
            for (k, w) in zip(ks.dropFirst(), weights.dropFirst()) {
                let v = get(k)
                for i in 0..<acc.count { acc[i] += v[i] * w }
            }
            return acc.map { $0 / total }
        }
        out.nngp = mix(\.nngp)
        if out.ntk != nil { out.ntk = mix { $0.ntk! } }
        out.isGaussian = false
        out.ntkIsZero = false
        out.channels = ks.reduce(0) { $0 + $1.channels }
        ks = [out]
    }
}

/// One activation applied to a pair's state in place, specialised for its rule: (p, p′) entries
/// of a full state with the variances of p and p′ (ReLU by the vectorised map, `TileRelu`),
/// same-position entries otherwise. On one image with itself and a same-position state the
/// values are NT's `nngp_fn_diag` (its `cov1` update). A class, so that it holds the only
/// reference to the arrays while it updates them.
private final class SpatialActivationMapper: ElementwiseRuleVisitor {
    var state: SpatialKernelState
    let v1: [Double]
    let v2: [Double]
    let ownVariances: Bool

    init(state: SpatialKernelState, _ v1: [Double], _ v2: [Double], ownVariances: Bool) {
        self.state = state
        self.v1 = v1
        self.v2 = v2
        self.ownVariances = ownVariances
    }

    func visit<R: ElementwiseRule>(_ rule: R) -> SpatialKernelState {
        var k = state
        state = .empty
        var q = k.nngp
        var t = k.ntk ?? []
        let wantNTK = k.ntk != nil
        k.nngp = []
        k.ntk = nil
        let full = k.full && k.isSpatial
        let n = v2.count
        q.withUnsafeMutableBufferPointer { q in
            t.withUnsafeMutableBufferPointer { t in
                v1.withUnsafeBufferPointer { v1 in
                    v2.withUnsafeBufferPointer { v2 in
                        let q = q.baseAddress!
                        let nt = wantNTK ? t.baseAddress : nil
                        if full {
                            if let relu = rule as? RectifiedRule, relu.a == 0, relu.b == 1 {
                                TileRelu.apply(
                                    q, nt, q1: v1.baseAddress!, q2: v2.baseAddress!, rows: n, cols: n,
                                    triangle: false, wantNTK: wantNTK)
                                return
                            }
                            for p in 0..<n {
                                for p2 in 0..<n {
                                    let e = p &* n &+ p2
                                    let (value, slope) = rule.pair(q[e], v1[p], v2[p2])
                                    q[e] = value
                                    if wantNTK { nt![e] *= slope ?? 0 }
                                }
                            }
                        } else {
                            for p in 0..<n {
                                let (value, slope) = rule.pair(q[p], v1[p], v2[p])
                                q[p] = ownVariances ? rule.variance(v1[p]) : value
                                if wantNTK { nt![p] *= slope ?? 0 }
                            }
                        }
                    }
                }
            }
        }
        k.nngp = q
        k.ntk = wantNTK ? t : nil
        k.ntkIsZero = false
        k.isGaussian = false
        return k
    }
}
