/// A finite-width `MLP` with explicit parameters, as neural-tangents 0.6.5's `stax` network and
/// JAX compute it (docs/numerics.md#parameterizations): initialisation, checks, forward pass and
/// loss.
///
/// Dense layer l (1-based; l = depth + 1 is the read-out) maps its input h (n×fan_in) to
/// `z = s·(h W) + t·b`, where in `'ntk'` s = σ_w/√fan_in and t = σ_b (W, b are the raw
/// N(0, 1) parameters), and in `'standard'` s = t = 1. Hidden layers apply the activation.
/// A layer whose b_std is nil has no bias parameter; in `'standard'` a b_std of 0 still gives
/// a (trainable) bias.
///
/// The dgemms run on all cores, split by rows, with OpenBLAS itself limited to one thread.
///
/// `apply`, `loss` and `empiricalNTK` expect parameters returned by
/// `validated(_:inputWidth:)` (or `initialize`) for inputs of that width: they check shapes only
/// with preconditions.
extension MLP {
    /// The multipliers s (weights) and t (bias) of Dense layer `l` in the forward pass.
    struct LayerCoefficients {
        let weight: Double
        let bias: Double
    }

    func coefficients(layer l: Int, fanIn: Int) -> LayerCoefficients {
        switch parameterization {
        case .ntk:
            return LayerCoefficients(
                weight: weightStd(layer: l) / Double(fanIn).squareRoot(),
                bias: biasStd(layer: l) ?? 0)
        case .standard:
            return LayerCoefficients(weight: 1, bias: 1)
        }
    }

    /// Throws `invalidWidth` unless the inputs (width `inputWidth`, reported as layer 0) and every
    /// Dense layer (hidden widths and `outDim`) are at least 1 wide.
    public func checkArchitecture(inputWidth: Int) throws(NetworkError) {
        guard inputWidth >= 1 else { throw .invalidWidth(layer: 0, width: inputWidth) }
        for l in 1...(depth + 1) where width(layer: l) < 1 {
            throw .invalidWidth(layer: l, width: width(layer: l))
        }
    }

    /// Parameters drawn from `generator`, layer by layer (l = 1 … depth + 1, read-out last):
    /// first W as `standard_normal((fan_in, fan_out))`, then, only if the layer has a bias
    /// (b_std not nil), b as `standard_normal((1, fan_out))`. `'ntk'` keeps these N(0, 1)
    /// draws; `'standard'` multiplies W by `(σ_w / sqrt(fan_in))` and b by σ_b. In numpy:
    ///
    ///     rng = np.random.default_rng(seed); fan_in = d
    ///     for each layer: W = rng.standard_normal((fan_in, fan_out))
    ///                     b = rng.standard_normal((1, fan_out)) if b_std is not None else None
    ///                     if standard: W = W * (W_std / np.sqrt(fan_in)); b = b * b_std
    ///                     fan_in = fan_out
    ///
    /// (The bias is drawn right after its own layer's W, before it is scaled.) Widths below 0
    /// are treated as 0; check user-given widths with `checkArchitecture(inputWidth:)` first.
    public func initialize(inputWidth: Int, generator: inout NumpyGenerator) -> NetworkParams {
        var weights = [Matrix]()
        var biases = [Matrix?]()
        var fanIn = max(0, inputWidth)
        for l in 1...(depth + 1) {
            let fanOut = max(0, width(layer: l))
            var w = generator.standardNormal(rows: fanIn, cols: fanOut)
            var b = biasStd(layer: l).map { _ in generator.standardNormal(rows: 1, cols: fanOut) }
            if parameterization == .standard {
                let scale = weightStd(layer: l) / Double(fanIn).squareRoot()
                w = w.map { $0 * scale }
                if let sigma = biasStd(layer: l) { b = b?.map { $0 * sigma } }
            }
            weights.append(w)
            biases.append(b)
            fanIn = fanOut
        }
        return NetworkParams(weights: weights, biases: biases)
    }

    /// `p` checked against this network for inputs of width `inputWidth`: the number of layers,
    /// every weight shape (fan_in×fan_out), bias presence (a bias exactly where b_std is not nil)
    /// and shape, and finiteness. A bias given as a fan_out×1 column is returned as a 1×fan_out
    /// row; `biases` may be empty when no layer has a bias.
    public func validated(_ p: NetworkParams, inputWidth: Int) throws(NetworkError) -> NetworkParams {
        try checkArchitecture(inputWidth: inputWidth)
        let layers = depth + 1
        guard p.weights.count == layers else { throw .layerCount(expected: layers, got: p.weights.count) }
        var out = p
        if p.biases.isEmpty { out.biases = Array(repeating: nil, count: layers) }
        guard out.biases.count == layers else { throw .layerCount(expected: layers, got: p.biases.count) }
        var fanIn = inputWidth
        for l in 1...layers {
            let fanOut = width(layer: l)
            let w = p.weights[l - 1]
            guard w.rows == fanIn, w.cols == fanOut else {
                throw .weightShape(layer: l, expected: "\(fanIn)×\(fanOut)", got: w.shapeDescription)
            }
            guard w.isFinite else { throw .notFinite("the weights of layer \(l)") }
            switch (biasStd(layer: l), out.biases[l - 1]) {
            case (nil, nil):
                break
            case (nil, .some):
                throw .unexpectedBias(layer: l)
            case (.some, nil):
                throw .missingBias(layer: l)
            case (.some, .some(let b)):
                if b.rows == fanOut, b.cols == 1, fanOut != 1 {
                    out.biases[l - 1] = Matrix(rows: 1, cols: fanOut, storage: b.storage)
                } else if b.rows != 1 || b.cols != fanOut {
                    throw .biasShape(layer: l, expected: "1×\(fanOut)", got: b.shapeDescription)
                }
                guard b.isFinite else { throw .notFinite("the bias of layer \(l)") }
            }
            fanIn = fanOut
        }
        return out
    }

    /// The network's outputs f(x): n × outDim, one row per input row.
    public func apply(_ p: NetworkParams, _ x: Matrix) -> Matrix {
        BLASThreads.singleThreaded { forward(p, x, keep: false).output }
    }

    /// The mean squared error `1/(2·n·k) Σ (f(x) − y)²` (`0.5 * jnp.mean((f - y)**2)`);
    /// `y` is n × outDim. NaN when there are no inputs, as in JAX.
    public func loss(_ p: NetworkParams, _ x: Matrix, _ y: Matrix) -> Double {
        let f = apply(p, x)
        precondition(
            f.rows == y.rows && f.cols == y.cols,
            "loss: targets \(y.shapeDescription) for outputs \(f.shapeDescription)")
        return Self.meanSquaredError(f, y)
    }

    /// `0.5 · mean((f − y)²)`; f and y have the same shape.
    static func meanSquaredError(_ f: Matrix, _ y: Matrix) -> Double {
        var sum = 0.0
        for i in 0..<f.count {
            let r = f.storage[i] - y.storage[i]
            sum += r * r
        }
        return 0.5 * (sum / Double(f.count))
    }

    /// Throws `targetShape` unless `y` has one row per input row and `outDim` columns, and
    /// `notFinite` if it holds NaN or infinity.
    public func checkTargets(_ y: Matrix, inputs x: Matrix) throws(NetworkError) {
        guard y.rows == x.rows, y.cols == outDim else {
            throw .targetShape(expected: "\(x.rows)×\(outDim)", got: y.shapeDescription)
        }
        guard y.isFinite else { throw .notFinite("the targets") }
    }
}
