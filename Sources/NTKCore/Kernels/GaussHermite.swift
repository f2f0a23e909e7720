internal import CLinearAlgebra

/// Gauss–Hermite quadrature nodes and weights for ∫ f(x)·e^{−x²} dx, equal to
/// `scipy.special.roots_hermite(degree)` to about 1e-15.
///
/// neural-tangents integrates `tanh` numerically with scipy's rule, so matching its
/// kernel means matching scipy's nodes, not just any accurate rule. This follows
/// scipy 1.12's `_gen_roots_and_weights` step for step: the eigenvalues of the Jacobi
/// matrix (Golub–Welsch, LAPACK `dstev`), one Newton step on H_n, weights
/// 1/(H_{n−1}(x)·H'_n(x₀)), symmetrisation, and normalisation to Σw = √π. The Hermite
/// polynomials are evaluated orthonormalised (only ratios and a final normalisation
/// matter), which keeps them in range.
struct GaussHermite: Sendable {
    /// scipy switches to a different (asymptotic) algorithm above this degree.
    static let maximumDegree = 150

    let nodes: [Double]
    let weights: [Double]

    /// nil when `degree` is outside 1...150 or LAPACK fails.
    init?(degree n: Int) {
        guard n >= 1, n <= Self.maximumDegree else { return nil }
        // Jacobi matrix of the physicists' Hermite polynomials: zero diagonal, √(k/2) beside it.
        var diagonal = [Double](repeating: 0, count: n)
        var offDiagonal = (1..<max(n, 2)).map { (Double($0) / 2).squareRoot() }
        let info = diagonal.withUnsafeMutableBufferPointer { d in
            offDiagonal.withUnsafeMutableBufferPointer { e in
                LAPACKE_dstev(
                    LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(n),
                    d.baseAddress, e.baseAddress, nil, 1)
            }
        }
        guard info == 0 else { return nil }
        let x0 = diagonal  // ascending

        // One Newton step: x = x0 − H_n(x0)/H'_n(x0), H'_n = 2n·H_{n−1}.
        var x = x0
        var derivativeAtX0 = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let (pn, pn1) = Self.orthonormalHermite(n, at: x0[i])
            // H_n/(2n·H_{n−1}) = ψ_n/(√(2n)·ψ_{n−1}) for the orthonormal ψ.
            x[i] -= pn / ((2 * Double(n)).squareRoot() * pn1)
            derivativeAtX0[i] = pn1
        }
        // w ∝ 1/(H_{n−1}(x)·H'_n(x0)), then symmetrised and scaled to Σw = √π.
        var w = (0..<n).map { 1 / (Self.orthonormalHermite(n, at: x[$0]).previous * derivativeAtX0[$0]) }
        let wSym = (0..<n).map { (w[$0] + w[n - 1 - $0]) / 2 }
        let xSym = (0..<n).map { (x[$0] - x[n - 1 - $0]) / 2 }
        w = wSym
        let total = w.reduce(0, +)
        let scale = Double.pi.squareRoot() / total
        self.nodes = xSym
        self.weights = w.map { $0 * scale }
    }

    /// (ψ_n(x), ψ_{n−1}(x)) for the Hermite polynomials orthonormal under e^{−x²},
    /// up to a common constant factor.
    private static func orthonormalHermite(_ n: Int, at x: Double) -> (value: Double, previous: Double) {
        var previous = 0.0
        var current = 1.0  // ψ_{−1}, ψ_0 (unnormalised)
        for k in 0..<n {
            // ψ_{k+1} = √(2/(k+1))·x·ψ_k − √(k/(k+1))·ψ_{k−1}
            let next =
                (2 / Double(k + 1)).squareRoot() * x * current
                - (Double(k) / Double(k + 1)).squareRoot() * previous
            previous = current
            current = next
        }
        return (current, previous)
    }
}
