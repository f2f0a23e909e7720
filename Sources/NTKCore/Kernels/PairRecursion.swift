/// The per-pair recursion of docs/numerics.md#layer-recursion, for a vector of pairs at once:
/// for each Dense layer q = σ_w²·Σ + σ_b², the NTK update, and (except after the
/// read-out) the activation map. Returns (NNGP, NTK) = (q^{L+1}, Θ^{L+1}).
///
/// Everything is inlined into the tile loops: one specialised copy per activation and
/// lane layout. (`@_transparent` because `@inline(__always)` was not honoured for the
/// larger maps, and the call, with its register spills, cost ~3% of the whole kernel.)
@_transparent
func pairRecursion<A: ActivationMap, R: LaneSource, C: LaneSource>(
    _ map: A, steps: UnsafePointer<DenseStep>, depth: Int, standard: Bool, wantsNTK: Bool,
    sigma0: Vec, row: R, col: C
) -> (nngp: Vec, ntk: Vec) {
    var sigma = sigma0
    var theta = Vec()
    var l = 0
    while true {
        let q = denseLayer(steps[l], sigma: sigma, theta: &theta, standard: standard, wantsNTK: wantsNTK)
        if l == depth { return (q, theta) }
        let result = map.map(q, row: row.layer(l), col: col.layer(l), derivative: wantsNTK)
        sigma = result.value
        if wantsNTK { theta = theta * result.derivative }
        l += 1
    }
}

/// One Dense layer of the recursion: returns the pre-activation covariance
/// q = σ_w²·Σ + σ_b² (neural-tangents' `_affine`) and updates the NTK Θ in place
/// ('ntk': Θ = q + σ_w²·Θ̂; 'standard': Θ = n_{l−1}·Σ + σ_w²·Θ̂ + β). Shared by the
/// pair recursion and the diagonal of K(X, X).
@_transparent
func denseLayer(_ step: DenseStep, sigma: Vec, theta: inout Vec, standard: Bool, wantsNTK: Bool) -> Vec {
    // Fused multiply-adds: one rounding where neural-tangents rounds twice, so the two agree
    // to an ulp of the larger term.
    let weightVariance = Vec(repeating: step.weightVariance)
    let q = Vec(repeating: step.biasVariance).addingProduct(sigma, weightVariance)
    if wantsNTK {
        theta =
            standard
            ? (step.fanIn * sigma + step.weightVariance * theta) + step.biasCount
            : q.addingProduct(weightVariance, theta)
    }
    return q
}
