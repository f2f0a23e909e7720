/// A finite `Layer` network with explicit parameters: outputs, loss and empirical NTK through the
/// general reverse mode of `LayerTape` (gradient descent: Training.swift; docs/language.md#builtins).
/// Parameters must come from `LayerShapes.validated` or `initialize` for inputs of this width.
extension Layer {
    /// n × out_dim outputs.
    public func apply(_ p: NetworkParams, _ x: Matrix) -> Matrix {
        BLASThreads.singleThreaded { LayerTape.apply(self, p, x) }
    }

    /// `0.5·mean((f − y)²)`.
    public func loss(_ p: NetworkParams, _ x: Matrix, _ y: Matrix) -> Double {
        let f = apply(p, x)
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
        let widths = Double(activationWidths(inputWidth: inputWidth))
        let total = Double(n1) * Double(n2 ?? n1) * 3 + (Double(n1) + Double(n2 ?? 0)) * 3 * widths
        return 8 * total >= Double(Int.max) ? Int.max : Int(8 * total)
    }

    /// The sum of the widths of every layer's outputs (for memory estimates); 0 when the
    /// layers do not fit.
    func activationWidths(inputWidth: Int) -> Int {
        guard let shapes = try? LayerShapes(self, inputWidth: inputWidth) else { return 0 }
        return inputWidth + shapes.dense.reduce(0) { $0 + 3 * $1.layer.outDim }
    }

    /// Θ(X1, X2) = (1/k) Σ_c Σ_p ∂f_c(x)/∂p ∂f_c(x′)/∂p (NT `empirical_ntk_fn`,
    /// `trace_axes=(-1,)`), layer by layer as for `MLP`: every layer acts on each input row
    /// alone, so one backward pass of the whole batch with cotangent e_c gives each row's
    /// signal z̄_i = ∂f_c/∂z_i at every Dense layer i, and
    /// Θ = (1/k) Σ_c Σ_i (s_i² H1_i H2_iᵀ + β_i t_i²) ∘ (Z̄1_i Z̄2_iᵀ).
    /// The tapes run with OpenBLAS's threads; the sum over layers is one pass over tiles of Θ
    /// on all cores (`GramAccumulator.accumulate`; dsyrk and one triangle for K(X, X)).
    public func empiricalNTK(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?) -> Matrix {
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        guard n1 > 0, n2 > 0, let shapes = try? LayerShapes(self, inputWidth: x1.cols) else {
            return Matrix(rows: n1, cols: n2)
        }
        let cancellation = Cancellation.current
        let t1 = LayerTape.forward(self, p, x1)
        let t2 = x2.map { LayerTape.forward(self, p, $0) }
        let k = t1.outputs[0].cols
        guard k > 0 else { return Matrix(rows: n1, cols: n2) }
        let gram = GramAccumulator(rows: n1, cols: n2, symmetric: x2 == nil)
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
            for (i, (fanIn, d)) in shapes.dense.enumerated() {
                guard let h1 = s1.inputs[i], let g1 = s1.signals[i] else { continue }
                let h2 = s2?.inputs[i]
                let g2 = s2?.signals[i]
                if s2 != nil && (h2 == nil || g2 == nil) { continue }
                let coefficients = d.coefficients(fanIn: fanIn)
                terms.append(
                    GramAccumulator.Term(
                        a: h1, b: h2, alpha: coefficients.weight * coefficients.weight,
                        shift: p.biases[i] != nil ? coefficients.bias * coefficients.bias : 0,
                        s1: g1, s2: g2, scale: 1 / Double(k)))
            }
            BLASThreads.singleThreaded { gram.accumulate(terms, initialize: c == 0) }
            if cancellation?.isDue == true { break }
        }
        if cancellation?.stopped == true { return Matrix(rows: n1, cols: n2) }
        return gram.finish()
    }
}
