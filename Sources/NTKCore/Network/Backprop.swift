/// Hand-written reverse mode for `MLP`: signals δ = ∂(·)/∂z travel down one Dense layer as
/// `δ_{l−1} = s_l·(δ_l W_lᵀ) ∘ φ'(z_{l−1})` (one dgemm), and a layer's weight gradient is
/// `s_l·h_{l−1}ᵀ δ_l`, its bias gradient `t_l·Σ_rows δ_l`.
extension MLP {
    /// Moves `signal` down through Dense layer `l` (2 … depth + 1) into hidden layer l − 1.
    /// The signal has `rowsPerInput` consecutive rows per input (one per output c in the
    /// empirical NTK); all of them are multiplied by that input's row of `slope` = φ'(z_{l−1}).
    func propagate(
        _ signal: Matrix, rowsPerInput: Int, throughLayer l: Int, _ p: NetworkParams,
        slope: Matrix
    ) -> Matrix {
        let w = p.weights[l - 1]
        let c = coefficients(layer: l, fanIn: w.rows)
        var out = NetworkKernels.product(signal, w, transB: true, alpha: c.weight)
        precondition(
            slope.cols == w.rows && slope.rows * rowsPerInput == signal.rows,
            "propagate: slope \(slope.shapeDescription) for signal \(signal.shapeDescription)")
        let width = w.rows
        let inputs = slope.rows
        guard width > 0 else { return out }
        out.storage.withUnsafeMutableBufferPointer { o in
            slope.storage.withUnsafeBufferPointer { s in
                guard let o = o.baseAddress, let s = s.baseAddress else { return }
                NetworkKernels.parallelFor(inputs, grain: max(1, 16_384 / (width * rowsPerInput))) { range in
                    for a in range {
                        let sa = s + a * width
                        for r in (a * rowsPerInput)..<((a + 1) * rowsPerInput) {
                            let row = o + r * width
                            for u in 0..<width { row[u] *= sa[u] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// One gradient-descent step `θ ← θ − η·∇θ` in place, for the parameters that produced
    /// `trace` (kept with `keep: true`); `gradient` is ∂L/∂f (n × outDim).
    ///
    /// Each W_l is updated where it lies (copy-on-write copies it only when the caller shares
    /// it); the signal below and the update are out-of-line calls, so that nothing here holds a
    /// second reference to W_l while it is updated.
    func descend(_ p: inout NetworkParams, trace: ForwardTrace, gradient: Matrix, learningRate eta: Double) {
        var g = gradient
        for l in stride(from: depth + 1, through: 1, by: -1) {
            // The signal for layer l − 1 uses W_l before its update, as in ∇θ at θ.
            let below = l > 1 ? signalBelow(g, layer: l, p, slope: trace.slopes[l - 2]) : nil
            let c = coefficients(layer: l, fanIn: p.weights[l - 1].rows)
            Self.update(
                &p.weights[l - 1], &p.biases[l - 1], input: trace.inputs[l - 1], signal: g, coefficients: c, eta)
            if let below { g = below }
        }
    }

    /// `propagate` for one input row per signal row, kept out of line (see `descend`).
    @inline(never)
    private func signalBelow(_ g: Matrix, layer l: Int, _ p: NetworkParams, slope: Matrix) -> Matrix {
        propagate(g, rowsPerInput: 1, throughLayer: l, p, slope: slope)
    }

    /// W ← W − η·s·hᵀg and b ← b − η·t·Σ_rows g, in place.
    @inline(never)
    private static func update(
        _ w: inout Matrix, _ b: inout Matrix?, input h: Matrix, signal g: Matrix,
        coefficients c: LayerCoefficients, _ eta: Double
    ) {
        NetworkKernels.gemm(h, transA: true, g, alpha: -eta * c.weight, beta: 1, into: &w)
        guard b != nil else { return }
        let sums = columnSums(g)
        b!.storage.withUnsafeMutableBufferPointer { pb in
            for j in 0..<pb.count { pb[j] -= eta * (c.bias * sums[j]) }
        }
    }

    /// Σ over rows of g, per column.
    static func columnSums(_ g: Matrix) -> [Double] {
        var sums = [Double](repeating: 0, count: g.cols)
        g.storage.withUnsafeBufferPointer { s in
            for i in 0..<g.rows {
                for j in 0..<g.cols { sums[j] += s[i * g.cols + j] }
            }
        }
        return sums
    }
}
