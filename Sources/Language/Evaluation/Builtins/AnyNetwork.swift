import NTKCore

/// A network as the builtins take it (docs/language.md#builtins): an `mlp(...)`, which keeps its
/// fast vectorised kernels and hand-written backprop, or any network built from stax layers, which
/// goes through the general tree walks. Both list parameters the same way.
enum AnyNetwork {
    case mlp(MLP)
    case layer(Layer)

    /// The network as a stax layer (an `mlp` is the serial it describes).
    var asLayer: Layer {
        switch self {
        case .mlp(let m): return m.asLayer
        case .layer(let l): return l
        }
    }

    /// The number of Dense layers (weight matrices in params).
    var denseCount: Int {
        switch self {
        case .mlp(let m): return m.depth + 1
        case .layer(let l): return l.denseLayers.count
        }
    }

    func checkArchitecture(inputWidth: Int) throws(NetworkError) {
        switch self {
        case .mlp(let m): try m.checkArchitecture(inputWidth: inputWidth)
        case .layer(let l): _ = try LayerShapes(l, inputWidth: inputWidth)
        }
    }

    /// Weights and biases for inputs this wide (after `checkArchitecture`); `Int.max` on overflow.
    func parameterCount(inputWidth: Int) -> Int {
        switch self {
        case .mlp(let m): return Builtins.parameterCount(m, inputWidth: inputWidth)
        case .layer(let l): return (try? LayerShapes(l, inputWidth: inputWidth))?.parameterCount ?? 0
        }
    }

    func initialize(inputWidth: Int, generator: inout NumpyGenerator) -> NetworkParams {
        switch self {
        case .mlp(let m): return m.initialize(inputWidth: inputWidth, generator: &generator)
        case .layer(let l):
            guard let shapes = try? LayerShapes(l, inputWidth: inputWidth) else {
                return NetworkParams(weights: [], biases: [])
            }
            return shapes.initialize(generator: &generator)
        }
    }

    func validated(_ p: NetworkParams, inputWidth: Int) throws(NetworkError) -> NetworkParams {
        switch self {
        case .mlp(let m): return try m.validated(p, inputWidth: inputWidth)
        case .layer(let l): return try LayerShapes(l, inputWidth: inputWidth).validated(p)
        }
    }

    func apply(_ p: NetworkParams, _ x: Matrix) -> Matrix {
        switch self {
        case .mlp(let m): return m.apply(p, x)
        case .layer(let l): return l.apply(p, x)
        }
    }

    func loss(_ p: NetworkParams, _ x: Matrix, _ y: Matrix) -> Double {
        switch self {
        case .mlp(let m): return m.loss(p, x, y)
        case .layer(let l): return l.loss(p, x, y)
        }
    }

    func empiricalNTK(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?) -> Matrix {
        switch self {
        case .mlp(let m): return m.empiricalNTK(p, x1, x2)
        case .layer(let l): return l.empiricalNTK(p, x1, x2)
        }
    }

    /// Trains `p` in place (an `mlp`'s weights are then not copied when nothing else shares them).
    func train(_ p: inout NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int, learningRate: Double)
        throws(NetworkError)
    {
        switch self {
        case .mlp(let m): try m.train(&p, x, y, steps: steps, learningRate: learningRate)
        case .layer(let l): p = try l.train(p, x, y, steps: steps, learningRate: learningRate)
        }
    }

    /// How many outputs the network has for inputs this wide.
    func outputWidth(inputWidth: Int) throws(NetworkError) -> Int {
        switch self {
        case .mlp(let m): return m.outDim
        case .layer(let l): return try LayerShapes(l, inputWidth: inputWidth).outputWidth
        }
    }

    /// The targets must be n × out_dim and finite.
    func checkTargets(_ y: Matrix, inputs x: Matrix) throws(NetworkError) {
        switch self {
        case .mlp(let m): try m.checkTargets(y, inputs: x)
        case .layer(let l):
            let k = try LayerShapes(l, inputWidth: x.cols).outputWidth
            guard y.rows == x.rows, y.cols == k else {
                throw .targetShape(expected: "\(x.rows)×\(k)", got: y.shapeDescription)
            }
            guard y.isFinite else { throw .notFinite("the targets") }
        }
    }

    /// The analytic kernels: the `mlp` recursion, or the stax tree walk; images (`input`
    /// spatial) through the walk of `LayerKernel` on images, whatever the network.
    func analytic(
        _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection, input: FeatureShape? = nil
    ) throws(KernelError) -> KernelPair {
        if let input, input.isSpatial { return try LayerKernel.compute(asLayer, x1, x2, input: input, which) }
        switch self {
        case .mlp(let m): return try AnalyticKernel.compute(m, x1, x2, which)
        case .layer(let l):
            // A serial that is an MLP takes the vectorised recursion (same numbers, faster).
            if let m = MLP(exactly: l) { return try AnalyticKernel.compute(m, x1, x2, which) }
            return try LayerKernel.compute(l, x1, x2, which)
        }
    }
}
