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
        try checkArchitecture(input: .vector(inputWidth))
    }

    /// Weights and biases for inputs this wide (after `checkArchitecture`); `Int.max` on overflow.
    func parameterCount(inputWidth: Int) -> Int {
        parameterCount(input: .vector(inputWidth))
    }

    func initialize(inputWidth: Int, generator: inout NumpyGenerator) -> NetworkParams {
        initialize(input: .vector(inputWidth), generator: &generator)
    }

    func validated(_ p: NetworkParams, inputWidth: Int) throws(NetworkError) -> NetworkParams {
        try validated(p, input: .vector(inputWidth))
    }

    // MARK: Finite networks on inputs of any shape (vectors or images)

    /// The network as the finite passes run it on inputs of `shape`: nil for an `mlp` on
    /// vectors (its own code), else the stax layers (an `mlp` on images is the serial it
    /// describes, whose Dense layers act at every position).
    private func layer(for shape: FeatureShape) -> Layer? {
        switch self {
        case .mlp(let m): return shape.isSpatial ? m.asLayer : nil
        case .layer(let l): return l
        }
    }

    func checkArchitecture(input: FeatureShape) throws(NetworkError) {
        if let l = layer(for: input) {
            _ = try LayerShapes(l, input: input)
        } else if case .mlp(let m) = self {
            try m.checkArchitecture(inputWidth: input.channels)
        }
    }

    /// Weights and biases for inputs of this shape (after `checkArchitecture`); `Int.max` on overflow.
    func parameterCount(input: FeatureShape) -> Int {
        if let l = layer(for: input) { return (try? LayerShapes(l, input: input))?.parameterCount ?? 0 }
        if case .mlp(let m) = self { return Builtins.parameterCount(m, inputWidth: input.channels) }
        return 0
    }

    func initialize(input: FeatureShape, generator: inout NumpyGenerator) -> NetworkParams {
        if let l = layer(for: input) {
            guard let shapes = try? LayerShapes(l, input: input) else { return NetworkParams(weights: [], biases: []) }
            return shapes.initialize(generator: &generator)
        }
        if case .mlp(let m) = self { return m.initialize(inputWidth: input.channels, generator: &generator) }
        return NetworkParams(weights: [], biases: [])
    }

    func validated(_ p: NetworkParams, input: FeatureShape) throws(NetworkError) -> NetworkParams {
        if let l = layer(for: input) { return try LayerShapes(l, input: input).validated(p) }
        if case .mlp(let m) = self { return try m.validated(p, inputWidth: input.channels) }
        return p
    }

    func apply(_ p: NetworkParams, _ x: NetworkInput) -> Matrix {
        if let l = layer(for: x.shape) { return l.apply(p, x.matrix, input: x.shape) }
        if case .mlp(let m) = self { return m.apply(p, x.matrix) }
        return Matrix(rows: x.rows, cols: 0)
    }

    func loss(_ p: NetworkParams, _ x: NetworkInput, _ y: Matrix) -> Double {
        if let l = layer(for: x.shape) { return l.loss(p, x.matrix, y, input: x.shape) }
        if case .mlp(let m) = self { return m.loss(p, x.matrix, y) }
        return .nan
    }

    /// Θ(X1, X2); X2's samples have X1's shape.
    func empiricalNTK(_ p: NetworkParams, _ x1: NetworkInput, _ x2: NetworkInput?) -> Matrix {
        if let l = layer(for: x1.shape) { return l.empiricalNTK(p, x1.matrix, x2?.matrix, input: x1.shape) }
        if case .mlp(let m) = self { return m.empiricalNTK(p, x1.matrix, x2?.matrix) }
        return Matrix(rows: x1.rows, cols: x2?.rows ?? x1.rows)
    }

    /// About the bytes `empiricalNTK` holds beyond Θ's n1·n2 doubles for a layer network (its
    /// tapes and, on images, per-sample gradients); nil for an `mlp` on vectors (its own path).
    func empiricalNTKEstimatedBytes(n1: Int, n2: Int?, input: FeatureShape) -> Int? {
        guard let l = layer(for: input) else { return nil }
        return l.empiricalNTKEstimatedBytes(n1: n1, n2: n2, input: input)
    }

    /// A training run of `p` (its weights updated in place once nothing else shares them).
    func trainer(
        _ p: NetworkParams, _ x: NetworkInput, _ y: Matrix, options: TrainingOptions, generator: NumpyGenerator?
    ) throws(NetworkError) -> Trainer {
        if let l = layer(for: x.shape) {
            return try Trainer(l, p, x.matrix, y, options: options, generator: generator, input: x.shape)
        }
        switch self {
        case .mlp(let m): return try Trainer(m, p, x.matrix, y, options: options, generator: generator)
        case .layer(let l): return try Trainer(l, p, x.matrix, y, options: options, generator: generator)
        }
    }

    /// How many outputs the network has for inputs of this shape.
    func outputWidth(input: FeatureShape) throws(NetworkError) -> Int {
        if let l = layer(for: input) { return try LayerShapes(l, input: input).outputWidth }
        if case .mlp(let m) = self { return m.outDim }
        return 0
    }

    /// The targets must be n × out_dim and finite.
    func checkTargets(_ y: Matrix, inputs x: NetworkInput) throws(NetworkError) {
        if layer(for: x.shape) == nil, case .mlp(let m) = self { return try m.checkTargets(y, inputs: x.matrix) }
        let k = try outputWidth(input: x.shape)
        guard y.rows == x.rows, y.cols == k else {
            throw .targetShape(expected: "\(x.rows)×\(k)", got: y.shapeDescription)
        }
        guard y.isFinite else { throw .notFinite("the targets") }
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
