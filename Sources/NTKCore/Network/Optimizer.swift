/// How `train` turns a gradient into an update (LANGUAGE.md §11), as the
/// `jax.example_libraries.optimizers` the neural-tangents notebooks use. It exists so one
/// training loop serves both rules, for `mlp` and layer networks alike.
public enum Optimizer: Equatable, Sendable {
    /// `optimizers.sgd(η)`: θ ← θ − η·g.
    case sgd
    /// `optimizers.momentum(η, mass)`, heavy ball: v ← mass·v + g, θ ← θ − η·v, v starting at 0.
    case momentum(mass: Double)

    /// The names `train(optimizer:)` takes.
    public static let names = ["sgd", "momentum"]

    /// Whether `mass` is a momentum `train` accepts: finite, 0 ≤ mass < 1. JAX checks nothing; at
    /// mass ≥ 1 no gradient is ever forgotten (the velocity does not settle), and a negative mass
    /// is not heavy-ball momentum.
    public static func isValidMass(_ mass: Double) -> Bool { mass.isFinite && mass >= 0 && mass < 1 }
}

extension MLP {
    /// One heavy-ball step in place, for the parameters that produced `trace` (kept with
    /// `keep: true`): v_l ← m·v_l + ∇_l (one dgemm with β = m), then θ_l ← θ_l − η·v_l, layer by
    /// layer from the read-out down; `gradient` is ∂L/∂f. The signal below a layer is computed
    /// before the layer's update, so every ∇_l is taken at the same θ (as `descend`).
    func descend(
        _ p: inout NetworkParams, velocity v: inout NetworkParams, trace: ForwardTrace, gradient: Matrix,
        mass m: Double, learningRate eta: Double
    ) {
        var g = gradient
        for l in stride(from: depth + 1, through: 1, by: -1) {
            let below = l > 1 ? Self.signal(self, g, layer: l, &p, slope: trace.slopes[l - 2]) : nil
            let c = coefficients(layer: l, fanIn: p.weights[l - 1].rows)
            NetworkKernels.gemm(trace.inputs[l - 1], transA: true, g, alpha: c.weight, beta: m, into: &v.weights[l - 1])
            Optimizer.subtract(eta, v.weights[l - 1], from: &p.weights[l - 1])
            if v.biases[l - 1] != nil && p.biases[l - 1] != nil {
                let sums = Self.columnSums(g)
                v.biases[l - 1]!.storage.withUnsafeMutableBufferPointer { vb in
                    for j in 0..<vb.count { vb[j] = m * vb[j] + c.bias * sums[j] }
                }
                Optimizer.subtract(eta, v.biases[l - 1]!, from: &p.biases[l - 1]!)
            }
            if let below { g = below }
        }
    }

    /// `propagate` for one input row per signal row, reading the parameters through their
    /// address and out of line, so no copy of them outlives the call (see `descend`).
    @inline(never)
    private static func signal(_ net: MLP, _ g: Matrix, layer l: Int, _ p: inout NetworkParams, slope: Matrix)
        -> Matrix
    {
        net.propagate(g, rowsPerInput: 1, throughLayer: l, p, slope: slope)
    }
}

extension Optimizer {
    /// θ ← θ − η·d, in place.
    @inline(never)
    static func subtract(_ eta: Double, _ d: Matrix, from theta: inout Matrix) {
        precondition(d.count == theta.count, "Optimizer: a step of \(d.count) entries for \(theta.count)")
        theta.storage.withUnsafeMutableBufferPointer { t in
            d.storage.withUnsafeBufferPointer { s in
                for i in 0..<t.count { t[i] -= eta * s[i] }
            }
        }
    }
}
