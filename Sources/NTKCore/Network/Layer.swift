/// A network built from neural-tangents `stax` layers (docs/language.md#builtins): a tree of
/// combinators, Dense layers and activations, composed by value. The analytic kernel
/// (`LayerKernel`), the finite forward and backward passes (`LayerTape`) and the shape walk
/// (`LayerShapes`) all walk the same tree, as NT's `(init_fn, apply_fn, kernel_fn)` triples do.
public indirect enum Layer: Equatable, Sendable {
    /// Each layer's output feeds the next (`stax.serial`).
    case serial([Layer])
    /// The i-th layer takes the i-th of as many inputs (`stax.parallel`).
    case parallel([Layer])
    /// n copies of its one input (`stax.FanOut(n)`).
    case fanOut(Int)
    /// The sum of its inputs (`stax.FanInSum()`).
    case fanInSum
    /// The elementwise product of its inputs (`stax.FanInProd()`).
    case fanInProd
    /// Its inputs side by side along the feature axis (`stax.FanInConcat(axis: -1)`).
    case fanInConcat
    /// `stax.Dense`.
    case dense(DenseLayer)
    /// `stax.Identity()`.
    case identity
    /// `stax.LayerNorm(axis: -1, eps)`: each row normalised over its features.
    case layerNorm(eps: Double)
    /// An activation applied entry by entry.
    case activation(Elementwise)
    /// `stax.Conv` over images.
    case conv(ConvLayer)
    /// `stax.AvgPool` over images.
    case avgPool(PoolLayer)
    /// `stax.GlobalAvgPool()`: the mean over all positions, per channel; images → vectors.
    case globalAvgPool
    /// `stax.Flatten()`: images → vectors of height·width·channels (NHWC order); vectors unchanged.
    case flatten

    /// `serial` of n copies (`stax.repeat`); every copy gets its own parameters.
    public static func repeated(_ layer: Layer, _ n: Int) -> Layer {
        .serial(Array(repeating: layer, count: max(0, n)))
    }

    /// The parameterised layers (Dense, and Conv through its `affine`) in parameter order:
    /// depth first, as NT's nested params.
    public var denseLayers: [DenseLayer] {
        switch self {
        case .serial(let ls), .parallel(let ls): return ls.flatMap(\.denseLayers)
        case .dense(let d): return [d]
        case .conv(let c): return [c.affine]
        default: return []
        }
    }

    /// Whether a Conv, AvgPool or GlobalAvgPool appears anywhere: the layers that need images.
    public var hasSpatialLayers: Bool {
        switch self {
        case .serial(let ls), .parallel(let ls): return ls.contains(where: \.hasSpatialLayers)
        case .conv, .avgPool, .globalAvgPool: return true
        default: return false
        }
    }

    /// Whether this is a `Conv` layer.
    public var isConv: Bool {
        if case .conv = self { return true }
        return false
    }

    /// How many inputs the layer takes and how many outputs it gives (nil: as many as it is given).
    var arity: (inputs: Int?, outputs: Int?) {
        switch self {
        case .fanOut(let n): return (1, n)
        case .fanInSum, .fanInProd, .fanInConcat: return (nil, 1)
        case .parallel(let ls): return (ls.count, ls.count)
        case .serial: return (nil, nil)
        default: return (1, 1)
        }
    }
}

extension MLP {
    /// The `serial` this MLP describes: `Dense → act → … → Dense(out_dim)`.
    public var asLayer: Layer {
        var layers: [Layer] = []
        for l in 1...(depth + 1) {
            layers.append(
                .dense(
                    DenseLayer(
                        outDim: width(layer: l), wStd: weightStd(layer: l),
                        bStd: biasStd(layer: l), parameterization: parameterization)))
            if l <= depth { layers.append(activation.asLayer(tanhDegree: tanhDegree)) }
        }
        return .serial(layers)
    }
}

extension Activation {
    /// The stax layer of an `mlp` activation.
    func asLayer(tanhDegree: Int) -> Layer {
        switch self {
        case .relu: return .activation(.relu)
        case .erf: return .activation(.erf(a: 1, b: 1, c: 0))
        case .identity: return .identity
        case .gelu: return .activation(.gelu(approximate: false))
        case .tanh: return .activation(.tanh(degree: tanhDegree))
        }
    }
}

extension MLP {
    /// The `MLP` a layer network is, when it is one: `serial(Dense, act, Dense, act, …, Dense)`
    /// with one activation that `mlp` has (Relu, Erf(), Gelu, Tanh, Identity), the same W_std
    /// and b_std in every hidden Dense layer (the read-out's may differ) and one
    /// parameterization. Lets the analytic kernels of such networks take the vectorised path.
    public init?(exactly layer: Layer) {
        guard case .serial(let items) = layer, items.count % 2 == 1 else { return nil }
        var dense: [DenseLayer] = []
        var activation: Activation?
        var tanhDegree = 25
        for (i, item) in items.enumerated() {
            if i % 2 == 0 {
                guard case .dense(let d) = item else { return nil }
                dense.append(d)
                continue
            }
            let a: Activation
            switch item {
            case .identity: a = .identity
            case .activation(.relu): a = .relu
            case .activation(.erf(1, 1, 0)): a = .erf
            case .activation(.gelu): a = .gelu
            case .activation(.tanh(let deg)):
                guard activation == nil || tanhDegree == deg else { return nil }
                a = .tanh
                tanhDegree = deg
            default: return nil
            }
            guard activation == nil || activation == a else { return nil }
            activation = a
        }
        let hidden = dense.dropLast()
        let out = dense[dense.count - 1]
        let first = hidden.first ?? out
        guard hidden.allSatisfy({ $0.wStd == first.wStd && $0.bStd == first.bStd }),
            dense.allSatisfy({ $0.parameterization == first.parameterization })
        else { return nil }
        self.init(
            widths: hidden.map(\.outDim), activation: activation ?? .relu, wStd: first.wStd, bStd: first.bStd,
            wStdOut: out.wStd, bStdOut: .some(out.bStd), parameterization: first.parameterization,
            outDim: out.outDim, tanhDegree: tanhDegree)
    }
}
