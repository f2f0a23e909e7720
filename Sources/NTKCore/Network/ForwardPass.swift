/// What a forward pass of an `MLP` keeps for backpropagation.
struct ForwardTrace {
    /// `inputs[l - 1]` is the input of Dense layer l: the data x for l = 1, then φ(z_{l−1}).
    /// Empty when the pass kept nothing.
    var inputs: [Matrix]
    /// `slopes[l - 1]` is φ'(z_l) for the hidden layers l = 1 … depth (empty when not kept).
    var slopes: [Matrix]
    /// The read-out z_{depth+1}: n × outDim.
    var output: Matrix
}

extension MLP {
    /// Runs x (n × fan_in) through the network with one dgemm per layer. With `keep`, the trace
    /// holds every layer's input and the activation derivatives at its pre-activations.
    func forward(_ p: NetworkParams, _ x: Matrix, keep: Bool) -> ForwardTrace {
        let layers = depth + 1
        precondition(
            p.weights.count == layers && p.biases.count == layers,
            "MLP: parameters for \(p.weights.count) layers, network has \(layers); validate them first")
        var trace = ForwardTrace(inputs: [], slopes: [], output: x)
        if keep { trace.inputs.append(x) }
        var h = x
        for l in 1...layers {
            let w = p.weights[l - 1]
            precondition(
                h.cols == w.rows, "MLP layer \(l): input \(h.shapeDescription) for weights \(w.shapeDescription)")
            let c = coefficients(layer: l, fanIn: w.rows)
            var z = NetworkKernels.product(h, w, alpha: c.weight)
            let bias = p.biases[l - 1].map { b in
                precondition(b.count == w.cols, "MLP layer \(l): bias \(b.shapeDescription) for \(w.cols) units")
                return b.storage.map { c.bias * $0 }
            }
            let hidden = l <= depth
            // Every entry of `slope` is written by the activation pass.
            var slope = hidden && keep ? Matrix.blasOutput(rows: z.rows, cols: z.cols) { _ in } : nil
            Self.finishLayer(&z, bias: bias, activation: hidden ? activation : .identity, slope: &slope)
            if let slope {
                trace.inputs.append(z)
                trace.slopes.append(slope)
            }
            h = z
        }
        trace.output = h
        return trace
    }

    /// Adds the bias row and applies the activation in place (rows in parallel), writing φ'(z)
    /// into `slope` when it is given.
    private static func finishLayer(
        _ z: inout Matrix, bias: [Double]?, activation: Activation,
        slope: inout Matrix?
    ) {
        if bias == nil && activation == .identity && slope == nil { return }
        let width = z.cols
        guard width > 0 else { return }
        let rows = z.rows
        let rowGrain = max(1, 16_384 / width)
        z.storage.withUnsafeMutableBufferPointer { zp in
            guard let zBase = zp.baseAddress else { return }
            withOptionalPointer(&slope) { sBase in
                withOptionalPointer(bias) { bBase in
                    NetworkKernels.parallelFor(rows, grain: rowGrain) { range in
                        let offset = range.lowerBound * width
                        activation.activate(
                            zBase + offset, count: range.count * width, width: width,
                            bias: bBase, slope: sBase.map { $0 + offset })
                    }
                }
            }
        }
    }
}

/// Calls `body` with the base address of `m`'s storage, or nil when there is no matrix.
private func withOptionalPointer<R>(_ m: inout Matrix?, _ body: (UnsafeMutablePointer<Double>?) -> R) -> R {
    guard m != nil else { return body(nil) }
    return m!.storage.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}

/// Calls `body` with the base address of `a`, or nil when there is no array.
private func withOptionalPointer<R>(_ a: [Double]?, _ body: (UnsafePointer<Double>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}
