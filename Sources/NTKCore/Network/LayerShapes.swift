/// The finite widths through a `Layer` network, its parameters' shapes, and their
/// initialisation and validation: NT's `init_fn`, with parameters listed depth first
/// (each Dense layer's weight, then its bias), exactly as `MLP` lists them.
public struct LayerShapes: Sendable {
    /// Each parameterised layer in parameter order with its fan_in (for a Conv, fh·fw·c_in, and
    /// its `affine`).
    public let dense: [(fanIn: Int, layer: DenseLayer)]
    /// The shape of one input sample.
    public let inputShape: FeatureShape
    /// The network's output width (out_dim of the last layer).
    public let outputWidth: Int

    /// Throws `invalidWidth` and `structure` where the layers do not fit for inputs this wide.
    public init(_ net: Layer, inputWidth: Int) throws(NetworkError) {
        try self.init(net, input: .vector(inputWidth))
    }

    /// Throws `invalidWidth` and `structure` where the layers do not fit inputs of this shape, or
    /// where the output still has spatial axes.
    public init(_ net: Layer, input: FeatureShape) throws(NetworkError) {
        guard input.channels >= 1, input.height >= 1, input.width >= 1 else {
            throw .invalidWidth(layer: 0, width: input.channels)
        }
        var dense: [(Int, DenseLayer)] = []
        let out = try Self.walk(net, [input], &dense)
        guard out.count == 1 else {
            throw .structure(
                "the network ends with \(out.count) branches; join them with FanInSum(), FanInProd() or FanInConcat()")
        }
        guard !out[0].isSpatial else {
            throw .structure(
                "the network's output still has spatial axes (\(out[0]) per sample); put Flatten() or GlobalAvgPool() before the read-out"
            )
        }
        self.dense = dense
        self.inputShape = input
        self.outputWidth = out[0].channels
    }

    /// The shapes after each layer of `net` for inputs of `input`: the walk `init` makes, for the
    /// kernel and the finite passes that need the spatial sizes along the way.
    public static func outputShapes(_ net: Layer, input: [FeatureShape]) throws(NetworkError) -> [FeatureShape] {
        var dense: [(Int, DenseLayer)] = []
        return try walk(net, input, &dense)
    }

    private static func walk(
        _ layer: Layer, _ shapes: [FeatureShape], _ dense: inout [(Int, DenseLayer)]
    ) throws(NetworkError) -> [FeatureShape] {
        func one(_ name: String) throws(NetworkError) -> FeatureShape {
            guard shapes.count == 1 else {
                throw .structure(
                    "\(name) takes one input but receives \(shapes.count) branches; join them first or use parallel(...)"
                )
            }
            return shapes[0]
        }
        func image(_ name: String) throws(NetworkError) -> FeatureShape {
            let s = try one(name)
            guard s.isSpatial else {
                throw .structure(
                    "\(name) needs images (n×h×w×c) but receives vectors of \(s.channels); give the network images (images(X, h, w, c)) or remove the layer"
                )
            }
            return s
        }
        switch layer {
        case .serial(let ls):
            var s = shapes
            for l in ls { s = try walk(l, s, &dense) }
            return s
        case .parallel(let ls):
            guard ls.count == shapes.count else {
                throw .structure(
                    "parallel has \(ls.count) branches but receives \(shapes.count) input\(shapes.count == 1 ? "" : "s"); put FanOut(\(ls.count)) before it"
                )
            }
            var out: [FeatureShape] = []
            for (l, s) in zip(ls, shapes) { out += try walk(l, [s], &dense) }
            return out
        case .fanOut(let n):
            return Array(repeating: try one("FanOut"), count: n)
        case .fanInSum, .fanInProd:
            let name = layer == .fanInSum ? "FanInSum" : "FanInProd"
            guard let first = shapes.first else { throw .structure("\(name) has no inputs") }
            guard shapes.allSatisfy({ $0 == first }) else {
                throw .structure(
                    "\(name): its inputs must have the same \(first.isSpatial ? "shape" : "width"), got \(shapes.map(\.description).joined(separator: ", "))"
                )
            }
            return [first]
        case .fanInConcat:
            guard let first = shapes.first else { throw .structure("FanInConcat has no inputs") }
            guard
                shapes.allSatisfy({
                    $0.isSpatial == first.isSpatial && $0.height == first.height && $0.width == first.width
                })
            else {
                throw .structure(
                    "FanInConcat: its inputs must agree in every axis but the channels, got \(shapes.map(\.description).joined(separator: ", "))"
                )
            }
            return [first.with(channels: shapes.reduce(0) { $0 + $1.channels })]
        case .dense(let d):
            let s = try one("Dense")
            guard d.outDim >= 1 else { throw .invalidWidth(layer: dense.count + 1, width: d.outDim) }
            dense.append((s.channels, d))
            return [s.with(channels: d.outDim)]
        case .conv(let c):
            let s = try image("Conv")
            guard c.affine.outDim >= 1 else { throw .invalidWidth(layer: dense.count + 1, width: c.affine.outDim) }
            guard let size = c.outputSize(height: s.height, width: s.width) else {
                throw .structure(
                    "Conv: its \(c.filterHeight)×\(c.filterWidth) filter does not fit the \(s.height)×\(s.width) images it receives with padding \"VALID\""
                )
            }
            dense.append((c.filterHeight * c.filterWidth * s.channels, c.affine))
            return [.image(height: size.height, width: size.width, channels: c.affine.outDim)]
        case .avgPool(let pool):
            let s = try image("AvgPool")
            guard let size = pool.outputSize(height: s.height, width: s.width) else {
                throw .structure(
                    "AvgPool: its \(pool.windowHeight)×\(pool.windowWidth) window does not fit the \(s.height)×\(s.width) images it receives with padding \"VALID\""
                )
            }
            return [.image(height: size.height, width: size.width, channels: s.channels)]
        case .globalAvgPool:
            return [.vector(try image("GlobalAvgPool").channels)]
        case .flatten:
            return [.vector(try one("Flatten").size)]
        case .identity: return [try one("Identity")]
        case .layerNorm: return [try one("LayerNorm")]
        case .activation(let a): return [try one(a.name)]
        }
    }

    /// The number of weights and biases; `Int.max` when it does not fit in 64 bits.
    public var parameterCount: Int {
        var total = 0
        for (fanIn, d) in dense {
            let (w, o1) = fanIn.multipliedReportingOverflow(by: d.outDim)
            let (l, o2) = w.addingReportingOverflow(d.bStd != nil ? d.outDim : 0)
            let (s, o3) = total.addingReportingOverflow(l)
            if o1 || o2 || o3 { return .max }
            total = s
        }
        return total
    }

    /// Parameters drawn as `MLP.initialize` draws them: per Dense layer, in order, W as
    /// `standard_normal((fan_in, fan_out))`, then b as `standard_normal((1, fan_out))` when the
    /// layer has a bias; `'standard'` scales W by σ_w/√fan_in and b by σ_b.
    public func initialize(generator: inout NumpyGenerator) -> NetworkParams {
        var weights = [Matrix]()
        var biases = [Matrix?]()
        for (fanIn, d) in dense {
            var w = generator.standardNormal(rows: fanIn, cols: d.outDim)
            var b = d.bStd.map { _ in generator.standardNormal(rows: 1, cols: d.outDim) }
            if d.parameterization == .standard {
                let scale = d.wStd / Double(fanIn).squareRoot()
                w = w.map { $0 * scale }
                if let sigma = d.bStd { b = b?.map { $0 * sigma } }
            }
            weights.append(w)
            biases.append(b)
        }
        return NetworkParams(weights: weights, biases: biases)
    }

    /// `p` checked against these shapes (as `MLP.validated`): one weight per Dense layer,
    /// fan_in×fan_out, a bias exactly where b_std is not nil (a column is returned as a row),
    /// all finite. `biases` may be empty when no layer has a bias.
    public func validated(_ p: NetworkParams) throws(NetworkError) -> NetworkParams {
        let layers = dense.count
        guard p.weights.count == layers else { throw .layerCount(expected: layers, got: p.weights.count) }
        var out = p
        if p.biases.isEmpty { out.biases = Array(repeating: nil, count: layers) }
        guard out.biases.count == layers else { throw .layerCount(expected: layers, got: p.biases.count) }
        for (i, (fanIn, d)) in dense.enumerated() {
            let l = i + 1
            let fanOut = d.outDim
            let w = p.weights[i]
            guard w.rows == fanIn, w.cols == fanOut else {
                throw .weightShape(layer: l, expected: "\(fanIn)×\(fanOut)", got: w.shapeDescription)
            }
            guard w.isFinite else { throw .notFinite("the weights of layer \(l)") }
            switch (d.bStd, out.biases[i]) {
            case (nil, nil): break
            case (nil, .some): throw .unexpectedBias(layer: l)
            case (.some, nil): throw .missingBias(layer: l)
            case (.some, .some(let b)):
                if b.rows == fanOut, b.cols == 1, fanOut != 1 {
                    out.biases[i] = Matrix(rows: 1, cols: fanOut, storage: b.storage)
                } else if b.rows != 1 || b.cols != fanOut {
                    throw .biasShape(layer: l, expected: "1×\(fanOut)", got: b.shapeDescription)
                }
                guard b.isFinite else { throw .notFinite("the bias of layer \(l)") }
            }
        }
        return out
    }
}
