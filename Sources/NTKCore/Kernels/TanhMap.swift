import Foundation

/// `stax.ElementwiseNumerical(tanh, deg, df = 1 − tanh²)`: neural-tangents has no closed
/// form for tanh and integrates with a deg×deg Gauss–Hermite product rule.
///
/// With (x_a, w_a) = roots_hermite(deg), u_a = √⁺(2q1)·x_a and
/// v_ab = q12/√max(q1/2, 1e-30)·x_a + √⁺(2(q2 − q12²/q1))·x_b:
/// T = (1/π) Σ_ab w_a w_b tanh(u_a) tanh(v_ab), Ṫ the same with sech², and
/// T_diag(q) = (1/√π) Σ_a w_a tanh(√⁺(2q)·x_a)². Only the v_ab depend on the pair;
/// the u_a terms are per-input features. (Where q1 = 0 neural-tangents divides 0 by 0
/// and returns NaN; here q12²/q1 is taken as 0 there.)
///
/// The rule is not symmetric in (x, x′), so neither is neural-tangents' K(X, X) for tanh:
/// it is computed here in full, entry by entry as neural-tangents does.
struct TanhMap: ActivationMap {
    let degree: Int
    let nodes: [Double]
    let weights: [Double]
    /// w_a·w_b, row-major (neural-tangents' `grid`).
    let grid: [Double]

    init?(degree: Int) {
        guard let rule = GaussHermite(degree: degree) else { return nil }
        self.degree = degree
        self.nodes = rule.nodes
        self.weights = rule.weights
        var grid = [Double](repeating: 0, count: degree * degree)
        for a in 0..<degree { for b in 0..<degree { grid[a * degree + b] = rule.weights[a] * rule.weights[b] } }
        self.grid = grid
    }

    var isSymmetric: Bool { false }

    /// Features: q, then tanh(u_a) for each node, then sech²(u_a) = 1 − tanh²(u_a).
    var featureCount: Int { 1 + 2 * degree }

    func writeFeatures(variance q: Double, to out: UnsafeMutablePointer<Double>, stride: Int) {
        out[0] = q
        let scale = Swift.max(2 * q, 0).squareRoot()
        for a in 0..<degree {
            let t = tanh(scale * nodes[a])
            out[(1 + a) * stride] = t
            out[(1 + degree + a) * stride] = 1 - t * t
        }
    }

    func variance(_ q: Double) -> Double {
        let scale = Swift.max(2 * q, 0).squareRoot()
        var sum = 0.0
        for a in 0..<degree {
            let t = tanh(scale * nodes[a])
            sum += weights[a] * (t * t)
        }
        return sum / Double.pi.squareRoot()
    }

    @inline(__always)
    func map<R: LaneSource, C: LaneSource>(_ q12: Vec, row: R, col: C, derivative: Bool)
        -> (value: Vec, derivative: Vec)
    {
        let q1 = row(0)
        let q2 = col(0)
        let halfQ1 = Vec.lanesMax(q1 / 2, Vec(repeating: 1e-30))
        var rootHalfQ1 = Vec()
        for k in 0..<Vec.lanes { rootHalfQ1[k] = halfQ1[k].squareRoot() }
        let along = q12 / rootHalfQ1
        let explained = ((q12 * q12) / q1).replacing(with: 0, where: q1 .== 0)
        let across = (2 * (q2 - explained)).clampedSquareRoot
        var sumValue = Vec()
        var sumDerivative = Vec()
        nodes.withUnsafeBufferPointer { x in
            grid.withUnsafeBufferPointer { g in
                for a in 0..<degree {
                    let alongA = along * x[a]
                    let tanhU = row(1 + a)
                    let sech2U = row(1 + degree + a)
                    for b in 0..<degree {
                        let v = alongA + across * x[b]
                        var t = Vec()
                        for k in 0..<Vec.lanes { t[k] = tanh(v[k]) }
                        let w = g[a * degree + b]
                        sumValue += w * (tanhU * t)
                        if derivative { sumDerivative += w * (sech2U * (1 - t * t)) }
                    }
                }
            }
        }
        return (sumValue / Double.pi, sumDerivative / Double.pi)
    }
}
