/// Reverse mode for any `Layer` network: a forward pass that records, for every layer, how to
/// send a cotangent back through it (NT's `apply_fn` under `jax.vjp`). Branches are lists of
/// matrices with their `FeatureShape`s: n × width for vectors, (n·h·w) × c for images (one row
/// per sample and position, NHWC); parameters are read and their gradients written in
/// `LayerShapes` order. The spatial layers are in SpatialTape.swift.
struct LayerTape {
    /// Sends cotangents of a layer's outputs back to cotangents of its inputs, adding the
    /// parameter gradients into `sink`.
    typealias Backward = (_ cotangents: [Matrix], _ sink: inout GradientSink) -> [Matrix]

    /// Where a backward pass leaves what it finds at each parameterised layer i: the
    /// parameter gradients (summed over rows), and/or each row's input h_i and signal z̄_i (kept
    /// apart per row, for the empirical NTK). A Conv's input rows are its patches; on images a
    /// sample has `positions[i]` consecutive rows (1 for vectors), and its weight gradient is
    /// the sum over them.
    struct GradientSink {
        var grads: NetworkParams?
        var keepSignals = false
        var inputs: [Int: Matrix] = [:]
        var signals: [Int: Matrix] = [:]
        var positions: [Int: Int] = [:]
    }

    let outputs: [Matrix]
    let shapes: [FeatureShape]
    let backward: Backward

    init(outputs: [Matrix], shapes: [FeatureShape], backward: @escaping Backward) {
        self.outputs = outputs
        self.shapes = shapes
        self.backward = backward
    }

    /// Runs `x` (n × width) through `net` with parameters `p` (validated for this network).
    static func forward(_ net: Layer, _ p: NetworkParams, _ x: Matrix) -> LayerTape {
        forward(net, p, x, input: .vector(x.cols))
    }

    /// Runs `x`, n × input.size (one sample per row, NHWC for images), through `net` with
    /// parameters `p` (validated for inputs of this shape). The tape's outputs are in the
    /// (n·h·w) × c layout; the network's read-out is n × out_dim.
    static func forward(_ net: Layer, _ p: NetworkParams, _ x: Matrix, input: FeatureShape) -> LayerTape {
        precondition(x.cols == input.size, "LayerTape: \(x.shapeDescription) inputs of shape \(input)")
        var index = 0
        let rows = Matrix(rows: x.rows * input.positions, cols: input.channels, storage: x.storage)
        return run(net, [rows], [input], p, &index)
    }

    /// The network's outputs only.
    static func apply(_ net: Layer, _ p: NetworkParams, _ x: Matrix, input: FeatureShape) -> Matrix {
        forward(net, p, x, input: input).outputs[0]
    }

    /// Zero gradients shaped like `p`.
    static func zeros(like p: NetworkParams) -> NetworkParams {
        NetworkParams(
            weights: p.weights.map { Matrix(rows: $0.rows, cols: $0.cols) },
            biases: p.biases.map { $0.map { Matrix(rows: $0.rows, cols: $0.cols) } })
    }

    private static func run(
        _ layer: Layer, _ xs: [Matrix], _ shapes: [FeatureShape], _ p: NetworkParams, _ index: inout Int
    ) -> LayerTape {
        switch layer {
        case .serial(let layers):
            var tapes: [LayerTape] = []
            var h = xs
            var s = shapes
            for l in layers {
                let t = run(l, h, s, p, &index)
                tapes.append(t)
                h = t.outputs
                s = t.shapes
            }
            return LayerTape(outputs: h, shapes: s) { cot, grads in
                var c = cot
                for t in tapes.reversed() { c = t.backward(c, &grads) }
                return c
            }
        case .parallel(let layers):
            precondition(layers.count == xs.count, "parallel: \(layers.count) branches for \(xs.count) inputs")
            var tapes: [LayerTape] = []
            for (l, (x, s)) in zip(layers, zip(xs, shapes)) { tapes.append(run(l, [x], [s], p, &index)) }
            return LayerTape(outputs: tapes.flatMap(\.outputs), shapes: tapes.flatMap(\.shapes)) { cot, grads in
                var out: [Matrix] = []
                var offset = 0
                for t in tapes {
                    let n = t.outputs.count
                    out += t.backward(Array(cot[offset..<(offset + n)]), &grads)
                    offset += n
                }
                return out
            }
        case .fanOut(let n):
            return LayerTape(outputs: Array(repeating: xs[0], count: n), shapes: Array(repeating: shapes[0], count: n))
            {
                cot, _ in
                var sum = cot[0]
                for c in cot.dropFirst() { for i in 0..<sum.count { sum.storage[i] += c.storage[i] } }
                return [sum]
            }
        case .fanInSum:
            var sum = xs[0]
            for x in xs.dropFirst() { for i in 0..<sum.count { sum.storage[i] += x.storage[i] } }
            return LayerTape(outputs: [sum], shapes: [shapes[0]]) { cot, _ in Array(repeating: cot[0], count: xs.count)
            }
        case .fanInProd:
            var prod = xs[0]
            for x in xs.dropFirst() { for i in 0..<prod.count { prod.storage[i] *= x.storage[i] } }
            return LayerTape(outputs: [prod], shapes: [shapes[0]]) { cot, _ in
                (0..<xs.count).map { k in
                    var g = cot[0]
                    for (m, x) in xs.enumerated() where m != k { for i in 0..<g.count { g.storage[i] *= x.storage[i] } }
                    return g
                }
            }
        case .fanInConcat:
            // Along the channels: on images every row is one sample's position, so this is NHWC's last axis.
            let joined = shapes[0].with(channels: shapes.reduce(0) { $0 + $1.channels })
            return LayerTape(outputs: [Matrix.hcat(xs)], shapes: [joined]) { cot, _ in
                var offset = 0
                return xs.map { x in
                    defer { offset += x.cols }
                    return cot[0].submatrix(rows: 0..<x.rows, cols: offset..<(offset + x.cols))
                }
            }
        case .identity:
            return LayerTape(outputs: xs, shapes: shapes) { cot, _ in cot }
        case .flatten:
            return flatten(xs[0], shapes[0])
        case .conv(let c):
            let i = index
            index += 1
            return conv(c, xs[0], shapes[0], p.weights[i], p.biases[i], index: i)
        case .avgPool(let pool):
            return avgPool(pool, xs[0], shapes[0])
        case .globalAvgPool:
            return globalAvgPool(xs[0], shapes[0])
        case .dense(let d):
            let i = index
            index += 1
            // On images, a 1×1 convolution: the same product on the (n·h·w) × c rows.
            return dense(
                d, xs[0], p.weights[i], p.biases[i], index: i, positions: shapes[0].positions,
                shape: shapes[0].with(channels: d.outDim))
        case .layerNorm(let eps):
            return layerNorm(eps, xs[0], shapes[0])
        case .activation(let act):
            return act.accept(ActivationTape(z: xs[0], shapes: shapes))
        }
    }

    /// An activation's tape, built with its rule's concrete type so that the loops over the
    /// entries are specialised: through `any ElementwiseRule` every entry cost two dynamic
    /// calls, forward and back (about 5% of a residual network's empirical NTK in `perf`).
    private struct ActivationTape: ElementwiseRuleVisitor {
        let z: Matrix
        let shapes: [FeatureShape]

        func visit<R: ElementwiseRule>(_ rule: R) -> LayerTape {
            let z = self.z
            var out = z
            out.storage.withUnsafeMutableBufferPointer { o in
                for k in o.indices { o[k] = rule.value(o[k]) }
            }
            return LayerTape(outputs: [out], shapes: shapes) { cot, _ in
                var g = cot[0]
                g.storage.withUnsafeMutableBufferPointer { gp in
                    z.storage.withUnsafeBufferPointer { zp in
                        for k in gp.indices { gp[k] *= rule.derivative(zp[k]) ?? .nan }
                    }
                }
                return [g]
            }
        }
    }

    /// z = s·hW + t·b; W̄ += s·hᵀz̄, b̄ += t·Σ_rows z̄, h̄ = s·z̄Wᵀ. `positions`: rows per sample
    /// (a Conv's patches, or a Dense on images), for the empirical NTK.
    static func dense(
        _ d: DenseLayer, _ h: Matrix, _ w: Matrix, _ b: Matrix?, index i: Int, positions: Int, shape: FeatureShape
    ) -> LayerTape {
        let c = d.coefficients(fanIn: w.rows)
        var z = NetworkKernels.product(h, w, alpha: c.weight)
        if let b {
            for r in 0..<z.rows { for j in 0..<z.cols { z.storage[r * z.cols + j] += c.bias * b.storage[j] } }
        }
        return LayerTape(outputs: [z], shapes: [shape]) { cot, sink in
            let g = cot[0]
            if sink.grads != nil {
                NetworkKernels.gemm(h, transA: true, g, alpha: c.weight, beta: 1, into: &sink.grads!.weights[i])
                if sink.grads!.biases[i] != nil {
                    for r in 0..<g.rows {
                        for j in 0..<g.cols { sink.grads!.biases[i]!.storage[j] += c.bias * g.storage[r * g.cols + j] }
                    }
                }
            }
            if sink.keepSignals {
                sink.inputs[i] = h
                sink.signals[i] = g
                sink.positions[i] = positions
            }
            return [NetworkKernels.product(g, w, transB: true, alpha: c.weight)]
        }
    }

    /// y = (x − μ)/√(ε + σ²) per row (NT `LayerNorm(axis: -1)`);
    /// x̄ = (ȳ − mean(ȳ) − y·mean(ȳ∘y))/√(ε + σ²).
    private static func layerNorm(_ eps: Double, _ x: Matrix, _ shape: FeatureShape) -> LayerTape {
        var y = x
        var scales = [Double](repeating: 0, count: x.rows)
        let n = Double(x.cols)
        for r in 0..<x.rows {
            var mean = 0.0
            for j in 0..<x.cols { mean += x[r, j] }
            mean /= n
            var variance = 0.0
            for j in 0..<x.cols {
                let e = x[r, j] - mean
                variance += e * e
            }
            variance /= n
            let s = (eps + variance).squareRoot()
            scales[r] = s
            for j in 0..<x.cols { y[r, j] = (x[r, j] - mean) / s }
        }
        return LayerTape(outputs: [y], shapes: [shape]) { cot, _ in
            let g = cot[0]
            var out = g
            for r in 0..<g.rows {
                var mg = 0.0
                var mgy = 0.0
                for j in 0..<g.cols {
                    mg += g[r, j]
                    mgy += g[r, j] * y[r, j]
                }
                mg /= n
                mgy /= n
                for j in 0..<g.cols { out[r, j] = (g[r, j] - mg - y[r, j] * mgy) / scales[r] }
            }
            return [out]
        }
    }
}
