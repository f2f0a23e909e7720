/// A finite `Layer` network with explicit parameters: outputs, loss and empirical NTK through the
/// general reverse mode of `LayerTape` (gradient descent: Training.swift; docs/language.md#builtins).
/// Parameters must come from `LayerShapes.validated` or `initialize` for inputs of this shape.
/// Inputs are n × input.size, one sample per row (NHWC for images, as the images value holds
/// them); the variants without `input:` take vectors, n × width.
extension Layer {
    /// n × out_dim outputs.
    public func apply(_ p: NetworkParams, _ x: Matrix) -> Matrix {
        apply(p, x, input: .vector(x.cols))
    }

    /// n × out_dim outputs for n samples of shape `input`.
    public func apply(_ p: NetworkParams, _ x: Matrix, input: FeatureShape) -> Matrix {
        BLASThreads.singleThreaded { LayerTape.apply(self, p, x, input: input) }
    }

    /// `0.5·mean((f − y)²)`.
    public func loss(_ p: NetworkParams, _ x: Matrix, _ y: Matrix) -> Double {
        loss(p, x, y, input: .vector(x.cols))
    }

    /// `0.5·mean((f − y)²)` for n samples of shape `input`.
    public func loss(_ p: NetworkParams, _ x: Matrix, _ y: Matrix, input: FeatureShape) -> Double {
        let f = apply(p, x, input: input)
        precondition(
            f.rows == y.rows && f.cols == y.cols,
            "loss: targets \(y.shapeDescription) for outputs \(f.shapeDescription)")
        return MLP.meanSquaredError(f, y)
    }

    /// Whether every activation has a derivative (an `ElementwiseNumerical` without `df` has none).
    public var isDifferentiable: Bool {
        switch self {
        case .serial(let ls), .parallel(let ls): return ls.allSatisfy(\.isDifferentiable)
        case .activation(.numerical(let f)): return f.df != nil
        default: return true
        }
    }

    /// About the bytes `empiricalNTK` allocates: Θ, one forward tape per input set (every
    /// layer's output, ~2 matrices per layer of n × its width) and a backward pass's signals.
    public func empiricalNTKEstimatedBytes(n1: Int, n2: Int?, inputWidth: Int) -> Int {
        empiricalNTKEstimatedBytes(n1: n1, n2: n2, input: .vector(inputWidth))
    }

    /// About the bytes `empiricalNTK` allocates for inputs of shape `input`: Θ (and its
    /// scratch), and per sample of each input set every layer's outputs with their cotangents,
    /// each Conv's patches twice (im2col and its cotangent), and for every parameterised layer
    /// on images its per-sample weight gradient (fan_in × out plus the bias), which the
    /// empirical NTK keeps for all layers at once. Saturates at `Int.max`.
    public func empiricalNTKEstimatedBytes(n1: Int, n2: Int?, input: FeatureShape) -> Int {
        let perSample = Double(tapeEntriesPerSample(input: input))
        let total = Double(n1) * Double(n2 ?? n1) * 3 + (Double(n1) + Double(n2 ?? 0)) * perSample
        return 8 * total >= Double(Int.max) ? Int.max : Int(8 * total)
    }

    /// The doubles per sample that the tapes and signals of `empiricalNTK` hold (see
    /// `empiricalNTKEstimatedBytes`; `apply` and `train` hold less); 0 when the layers do not fit.
    package func tapeEntriesPerSample(input: FeatureShape) -> Int {
        guard (try? LayerShapes(self, input: input)) != nil else { return 0 }
        var entries = Double(input.size)
        _ = Self.entries(self, [input], &entries)
        return entries >= Double(Int.max / 16) ? Int.max / 16 : Int(entries)
    }

    /// Walks `layer` from `shapes`, adding each leaf's per-sample doubles to `entries`.
    private static func entries(_ layer: Layer, _ shapes: [FeatureShape], _ entries: inout Double) -> [FeatureShape] {
        switch layer {
        case .serial(let ls):
            var s = shapes
            for l in ls { s = Self.entries(l, s, &entries) }
            return s
        case .parallel(let ls):
            var out: [FeatureShape] = []
            for (l, s) in zip(ls, shapes) { out += Self.entries(l, [s], &entries) }
            return out
        default:
            let out = (try? LayerShapes.outputShapes(layer, input: shapes)) ?? []
            for s in out { entries += 3 * Double(s.size) }
            let inChannels = Double(shapes.first?.channels ?? 0)
            switch layer {
            case .conv(let c):
                let fanIn = Double(c.filterHeight * c.filterWidth) * inChannels
                let positions = Double(out.first?.positions ?? 0)
                entries += 2 * positions * fanIn + (fanIn + 1) * Double(c.affine.outDim)
            case .dense(let d) where shapes.first?.isSpatial == true:
                entries += (inChannels + 1) * Double(d.outDim)
            default: break
            }
            return out
        }
    }

    /// Θ(X1, X2) = (1/k) Σ_c Σ_p ∂f_c(x)/∂p ∂f_c(x′)/∂p (NT `empirical_ntk_fn`,
    /// `trace_axes=(-1,)`), layer by layer as for `MLP`: every layer acts on each input row
    /// alone, so one backward pass of the whole batch with cotangent e_c gives each row's
    /// signal z̄_i = ∂f_c/∂z_i at every Dense layer i, and
    /// Θ = (1/k) Σ_c Σ_i (s_i² H1_i H2_iᵀ + β_i t_i²) ∘ (Z̄1_i Z̄2_iᵀ).
    /// The sum over layers is one pass over tiles of Θ on all cores
    /// (`GramAccumulator.accumulate`; dsyrk and one triangle for K(X, X)).
    public func empiricalNTK(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?) -> Matrix {
        empiricalNTK(p, x1, x2, input: .vector(x1.cols))
    }

    /// `empiricalNTK` for samples of shape `input` (X1 and X2 both n × input.size). A layer
    /// on images (a Conv on its patches, or a Dense acting at every position) has P rows per
    /// sample, and its weight gradient for sample x is Σ_positions h_p ⊗ z̄_p = H_xᵀ Z̄_x, so its
    /// term is ⟨s·H_xᵀZ̄_x, s·H_x′ᵀZ̄_x′⟩ + t²⟨Σ_p z̄_p(x), Σ_q z̄_q(x′)⟩: each sample's gradient is
    /// one small dgemm (fan_in × P times P × out) into a row of J, and the term is J1 J2ᵀ, tiled
    /// with the others. That costs n·P·fan_in·out + n1·n2·fan_in·out, against n1·n2·P²·(fan_in
    /// + out) for the pairwise Σ_{p,q} ⟨h_p, h′_q⟩⟨z̄_p, z̄′_q⟩, which is larger for every
    /// convolution whose P² exceeds its fan_in·out/(fan_in + out).
    ///
    /// Everything runs with OpenBLAS on one thread, the tapes' products split over the cores by
    /// rows (`NetworkKernels.parallelGemm`), as `MLP.empiricalNTK` does: OpenBLAS's own threads
    /// spin for a while after each call they serve, and on two cores that spinning took ~20% of
    /// the CPU time from the tile pass that follows (docs/benchmarks.md).
    public func empiricalNTK(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?, input: FeatureShape) -> Matrix {
        BLASThreads.singleThreaded { empiricalKernel(p, x1, x2, input: input) }
    }

    private func empiricalKernel(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?, input: FeatureShape) -> Matrix {
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        guard n1 > 0, n2 > 0, let shapes = try? LayerShapes(self, input: input) else {
            return Matrix(rows: n1, cols: n2)
        }
        let cancellation = Cancellation.current
        let t1 = LayerTape.forward(self, p, x1, input: input)
        let t2 = x2.map { LayerTape.forward(self, p, $0, input: input) }
        let k = t1.outputs[0].cols
        guard k > 0 else { return Matrix(rows: n1, cols: n2) }
        let gram = GramAccumulator(rows: n1, cols: n2, symmetric: x2 == nil)
        let ones1 = Matrix(rows: n1, cols: 1, repeating: 1)
        let ones2 = x2.map { _ in Matrix(rows: n2, cols: 1, repeating: 1) }
        for c in 0..<k {
            func signals(_ t: LayerTape, rows: Int) -> LayerTape.GradientSink {
                var cot = Matrix(rows: rows, cols: k)
                for r in 0..<rows { cot.storage[r * k + c] = 1 }
                var sink = LayerTape.GradientSink(grads: nil, keepSignals: true)
                _ = t.backward([cot], &sink)
                return sink
            }
            let s1 = signals(t1, rows: n1)
            let s2 = t2.map { signals($0, rows: n2) }
            var terms: [GramAccumulator.Term] = []
            var wide: [(Matrix, Matrix?)] = []
            for (i, (fanIn, d)) in shapes.dense.enumerated() {
                guard let h1 = s1.inputs[i], let g1 = s1.signals[i] else { continue }
                let h2 = s2?.inputs[i]
                let g2 = s2?.signals[i]
                if s2 != nil && (h2 == nil || g2 == nil) { continue }
                let coefficients = d.coefficients(fanIn: fanIn)
                let bias = p.biases[i] != nil ? coefficients.bias : nil
                if let positions = s1.positions[i], positions > 1 {
                    let j1 = Self.sampleGradients(h1, g1, positions: positions, weight: coefficients.weight, bias: bias)
                    let j2 = h2.map {
                        Self.sampleGradients($0, g2!, positions: positions, weight: coefficients.weight, bias: bias)
                    }
                    // One tile of Θ: split the per-sample gradients' width over the cores instead.
                    if gram.isOneTile {
                        wide.append((j1, j2))
                    } else {
                        terms.append(
                            GramAccumulator.Term(
                                a: j1, b: j2, alpha: 1, shift: 0, s1: ones1, s2: ones2, scale: 1 / Double(k)))
                    }
                    continue
                }
                terms.append(
                    GramAccumulator.Term(
                        a: h1, b: h2, alpha: coefficients.weight * coefficients.weight,
                        shift: bias.map { $0 * $0 } ?? 0,
                        s1: g1, s2: g2, scale: 1 / Double(k)))
            }
            BLASThreads.singleThreaded {
                gram.accumulate(terms, initialize: c == 0)
                for (j1, j2) in wide { gram.addWide(j1, j2, alpha: 1 / Double(k)) }
            }
            if cancellation?.isDue == true { break }
        }
        if cancellation?.stopped == true { return Matrix(rows: n1, cols: n2) }
        return gram.finish()
    }

    /// J: one row per sample, [s·vec(H_xᵀ Z̄_x), t·Σ_p z̄_p(x)] (the bias part only when `bias`
    /// is not nil), from the (n·P) × fan_in inputs `h` and (n·P) × out signals `z` of a layer
    /// with P = `positions` rows per sample.
    static func sampleGradients(_ h: Matrix, _ z: Matrix, positions: Int, weight: Double, bias: Double?) -> Matrix {
        let n = h.rows / positions
        let fanIn = h.cols
        let out = z.cols
        let width = fanIn * out + (bias != nil ? out : 0)
        return BLASThreads.singleThreaded {
            Matrix.blasOutput(rows: n, cols: width) { j in
                h.storage.withUnsafeBufferPointer { hp in
                    z.storage.withUnsafeBufferPointer { zp in
                        guard let hBase = hp.baseAddress, let zBase = zp.baseAddress else {
                            j.update(repeating: 0, count: n * width)
                            return
                        }
                        let grain = max(1, 65_536 / max(1, positions * fanIn * out))
                        NetworkKernels.parallelFor(n, grain: grain) { range in
                            for a in range {
                                let row = j + a * width
                                let za = zBase + a * positions * out
                                NetworkKernels.gemm(
                                    m: fanIn, n: out, k: positions, alpha: weight, a: hBase + a * positions * fanIn,
                                    lda: fanIn, transA: true, b: za, ldb: out, beta: 0, c: row, ldc: out)
                                guard let t = bias else { continue }
                                let sums = row + fanIn * out
                                sums.update(repeating: 0, count: out)
                                for q in 0..<positions {
                                    for u in 0..<out { sums[u] += za[q * out + u] }
                                }
                                for u in 0..<out { sums[u] *= t }
                            }
                        }
                    }
                }
            }
        }
    }
}
