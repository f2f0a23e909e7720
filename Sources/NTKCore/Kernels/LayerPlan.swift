/// The constants of one Dense layer in the kernel recursion (docs/numerics.md#layer-recursion).
struct DenseStep {
    /// σ_w².
    var weightVariance: Double
    /// σ_b², 0 when the layer has no bias.
    var biasVariance: Double
    /// β: 1 when the layer has a bias parameter (even with σ_b = 0), else 0.
    var biasCount: Double
    /// n_{l−1}: the finite width feeding this layer ('standard' NTK only).
    var fanIn: Double
}

/// An `MLP` checked and reduced to what the kernel recursion needs: one `DenseStep`
/// per Dense layer (the last is the read-out) and the parameterization.
struct LayerPlan {
    let steps: [DenseStep]
    let standard: Bool
    /// Number of hidden layers L (activation layers).
    var depth: Int { steps.count - 1 }

    init(_ net: MLP, inputWidth d: Int) throws(KernelError) {
        guard net.widths.allSatisfy({ $0 >= 1 }) else {
            throw .invalidNetwork("hidden widths must be at least 1, got \(net.widths)")
        }
        for (name, value) in [
            ("W_std", net.wStd), ("W_std_out", net.wStdOut),
            ("b_std", net.bStd ?? 0), ("b_std_out", net.bStdOut ?? 0)
        ] {
            guard value.isFinite else { throw .invalidNetwork("\(name) must be finite, got \(value)") }
        }
        if net.activation == .tanh, net.depth > 0, !(1...GaussHermite.maximumDegree).contains(net.tanhDegree) {
            throw .invalidNetwork(
                "tanh quadrature degree must be between 1 and \(GaussHermite.maximumDegree)"
                    + " (neural-tangents uses a different rule above 150), got \(net.tanhDegree)")
        }
        var steps = [DenseStep]()
        for l in 1...(net.depth + 1) {
            let w = net.weightStd(layer: l)
            let b = net.biasStd(layer: l)
            steps.append(
                DenseStep(
                    weightVariance: w * w, biasVariance: b.map { $0 * $0 } ?? 0,
                    biasCount: b == nil ? 0 : 1,
                    fanIn: Double(l == 1 ? d : net.widths[l - 2])))
        }
        self.steps = steps
        self.standard = net.parameterization == .standard
    }
}
