/// The finite widths through a `Layer` network, its parameters' shapes, and their
/// initialisation and validation: NT's `init_fn`, with parameters listed depth first
/// (each Dense layer's weight, then its bias), exactly as `MLP` lists them.
public struct LayerShapes: Sendable {
    /// Each Dense layer in parameter order with its fan_in.
    public let dense: [(fanIn: Int, layer: DenseLayer)]
    /// The network's output width (out_dim of the last layer).
    public let outputWidth: Int

    /// Throws `invalidWidth` and `structure` where the layers do not fit for inputs this wide.
    public init(_ net: Layer, inputWidth: Int) throws(NetworkError) {
        guard inputWidth >= 1 else { throw .invalidWidth(layer: 0, width: inputWidth) }
        var dense: [(Int, DenseLayer)] = []
        let out = try Self.walk(net, [inputWidth], &dense)
        guard out.count == 1 else {
            throw .structure(
                "the network ends with \(out.count) branches; join them with FanInSum(), FanInProd() or FanInConcat()")
        }
        self.dense = dense
        self.outputWidth = out[0]
    }

    private static func walk(_ layer: Layer, _ widths: [Int], _ dense: inout [(Int, DenseLayer)]) throws(NetworkError)
        -> [Int]
    {
        func one(_ name: String) throws(NetworkError) -> Int {
            guard widths.count == 1 else {
                throw .structure(
                    "\(name) takes one input but receives \(widths.count) branches; join them first or use parallel(...)"
                )
            }
            return widths[0]
        }
        switch layer {
        case .serial(let ls):
            var w = widths
            for l in ls { w = try walk(l, w, &dense) }
            return w
        case .parallel(let ls):
            guard ls.count == widths.count else {
                throw .structure(
                    "parallel has \(ls.count) branches but receives \(widths.count) input\(widths.count == 1 ? "" : "s"); put FanOut(\(ls.count)) before it"
                )
            }
            var out: [Int] = []
            for (l, w) in zip(ls, widths) { out += try walk(l, [w], &dense) }
            return out
        case .fanOut(let n):
            return Array(repeating: try one("FanOut"), count: n)
        case .fanInSum, .fanInProd:
            let name = layer == .fanInSum ? "FanInSum" : "FanInProd"
            guard let first = widths.first else { throw .structure("\(name) has no inputs") }
            guard widths.allSatisfy({ $0 == first }) else {
                throw .structure(
                    "\(name): its inputs must have the same width, got \(widths.map(String.init).joined(separator: ", "))"
                )
            }
            return [first]
        case .fanInConcat:
            guard !widths.isEmpty else { throw .structure("FanInConcat has no inputs") }
            return [widths.reduce(0, +)]
        case .dense(let d):
            let fanIn = try one("Dense")
            guard d.outDim >= 1 else { throw .invalidWidth(layer: dense.count + 1, width: d.outDim) }
            dense.append((fanIn, d))
            return [d.outDim]
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
