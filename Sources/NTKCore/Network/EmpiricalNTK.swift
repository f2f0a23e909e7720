/// The empirical (finite-width) NTK, traced over outputs as a MEAN, as neural-tangents'
/// `empirical_ntk_fn(..., trace_axes=(-1,))` returns it (docs/numerics.md#empirical-ntk):
///
///     Θ(x, x') = (1/k) Σ_c Σ_p ∂f_c(x)/∂p · ∂f_c(x')/∂p
///              = Σ_l (s_l² H1_{l−1} H2_{l−1}ᵀ + β_l t_l²) ∘ (1/k) Σ_c Δ1_{l,c} Δ2_{l,c}ᵀ
///
/// with H_{l−1} the input of Dense layer l and Δ_{l,c} = ∂f_c/∂z_l. For the read-out,
/// Δ_{L+1,c} = e_c, so its term is s²H_L H_Lᵀ + β t² for every c. Storing the k signals of an
/// input as consecutive rows makes `Σ_c Δ1_{l,c} Δ2_{l,c}ᵀ` one product of n×(k·n_l) views.
///
/// Each layer's term is one parallel pass over tiles of Θ (see `GramAccumulator`): per tile,
/// two single-threaded BLAS products (dsyrk on diagonal tiles when X2 is nil, dgemm otherwise)
/// and the Hadamard product while they are in cache. The forward and backward dgemms are split
/// over the cores by rows.
extension MLP {
    /// Θ(X1, X2): n1 × n2 (n1 × n1 and symmetric when `x2` is nil).
    public func empiricalNTK(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?) -> Matrix {
        precondition(
            x2 == nil || x2!.cols == x1.cols,
            "empiricalNTK: X1 \(x1.shapeDescription) and X2 \(x2!.shapeDescription)")
        return BLASThreads.singleThreaded { kernel(p, x1, x2) }
    }

    /// About the most bytes `empiricalNTK` allocates for n1 (and n2, nil for K(X, X)) inputs:
    /// Θ, the forward traces (each layer's output and activation derivative), two layers of
    /// backward signals and the per-core tile scratch. Saturates at `Int.max`; compare it with
    /// the memory available before calling with user-sized inputs.
    public func empiricalNTKEstimatedBytes(n1: Int, n2: Int?, inputWidth: Int) -> Int {
        let sides = [n1] + (n2.map { [$0] } ?? [])
        let hidden = widths.reduce(0) { $0 + max($1, 0) }
        let widest = max(widths.max() ?? 0, inputWidth, 0)
        var total = Double(n1) * Double(n2 ?? n1)
        for n in sides {
            total += Double(n) * (2 * Double(hidden) + Double(max(outDim, 0)))
            total += Double(n) * Double(max(outDim, 1)) * 2 * Double(widest)
        }
        total += Double(NetworkKernels.cores) * 2 * 256 * 256
        let bytes = 8 * total
        return bytes >= Double(Int.max) ? Int.max : Int(bytes)
    }

    private func kernel(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?) -> Matrix {
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        // A due `Cancellation` stops the tile passes; the rest is skipped and the partial Θ
        // (which the caller, told by `stopped`, throws away) returned as it is.
        let cancellation = Cancellation.current
        let t1 = forward(p, x1, keep: true)
        let t2 = x2.map { forward(p, $0, keep: true) }
        guard n1 > 0, n2 > 0 else { return Matrix(rows: n1, cols: n2) }
        let k = p.weights[depth].cols
        let gram = GramAccumulator(rows: n1, cols: n2, symmetric: t2 == nil)

        // Read-out: Θ = s²·H_L H_Lᵀ + β t².
        let c = coefficients(layer: depth + 1, fanIn: p.weights[depth].rows)
        gram.start(
            t1.inputs[depth], t2?.inputs[depth], alpha: c.weight * c.weight,
            constant: p.biases[depth] != nil ? c.bias * c.bias : 0)

        // Hidden layers, top down, each signal made from the one above and then dropped.
        var signal1 = depth > 0 ? topSignal(p, t1) : nil
        var signal2 = depth > 0 ? t2.map { topSignal(p, $0) } : nil
        for l in stride(from: depth, through: 1, by: -1) {
            guard let s1 = signal1, cancellation?.isDue != true else { break }
            let cl = coefficients(layer: l, fanIn: p.weights[l - 1].rows)
            // The signals are (n·k) × n_l; read them as n × (k·n_l).
            let view1 = Matrix(rows: n1, cols: s1.count / n1, storage: s1.storage)
            let view2 = signal2.map { Matrix(rows: n2, cols: $0.count / n2, storage: $0.storage) }
            gram.add(
                t1.inputs[l - 1], t2?.inputs[l - 1], alpha: cl.weight * cl.weight,
                shift: p.biases[l - 1] != nil ? cl.bias * cl.bias : 0,
                view1, view2, scale: 1 / Double(k))
            if l > 1 {
                signal1 = propagate(s1, rowsPerInput: k, throughLayer: l, p, slope: t1.slopes[l - 2])
                signal2 = signal2.map { s2 in
                    propagate(s2, rowsPerInput: k, throughLayer: l, p, slope: t2!.slopes[l - 2])
                }
            }
        }
        if cancellation?.stopped == true { return Matrix(rows: n1, cols: n2) }
        return gram.finish()
    }

    /// Δ_{L,c} = s_{L+1}·W_{L+1}[:, c] ∘ φ'(z_L), as (n·k) × n_L with row a·k + c.
    private func topSignal(_ p: NetworkParams, _ trace: ForwardTrace) -> Matrix {
        let w = p.weights[depth]
        let s = coefficients(layer: depth + 1, fanIn: w.rows).weight
        let slope = trace.slopes[depth - 1]
        let n = slope.rows
        let width = w.rows
        let k = w.cols
        let scaled = w.transposed.map { s * $0 }  // k × n_L
        return Matrix.blasOutput(rows: n * k, cols: width) { out in
            slope.storage.withUnsafeBufferPointer { sp in
                scaled.storage.withUnsafeBufferPointer { wp in
                    guard let sBase = sp.baseAddress, let wBase = wp.baseAddress else { return }
                    NetworkKernels.parallelFor(n, grain: max(1, 16_384 / max(1, width * k))) { range in
                        for a in range {
                            for c in 0..<k {
                                let row = out + (a * k + c) * width
                                let wr = wBase + c * width
                                let sr = sBase + a * width
                                for u in 0..<width { row[u] = wr[u] * sr[u] }
                            }
                        }
                    }
                }
            }
        }
    }
}
