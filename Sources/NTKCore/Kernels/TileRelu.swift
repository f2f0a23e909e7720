/// `Relu()` on one block of a layer network's kernel state, `Vec.lanes` pairs at a time with
/// the `mlp` recursion's vectorised map (`ReluMap`). The scalar
/// rule (`RectifiedRule`) computes θ with libm's atan2; the two differ by ~1e-16 absolute.
enum TileRelu {
    /// Maps `q` (rows × cols, row-major) in place and multiplies `nt` by Ṫ when `wantNTK`; `q1`
    /// and `q2` are the row and column variances. `triangle`: K(X, X) on the diagonal, where
    /// only the upper triangle is computed and q12 is the variance itself on the diagonal (as
    /// the scalar rule does).
    static func apply(
        _ q: UnsafeMutablePointer<Double>, _ nt: UnsafeMutablePointer<Double>?,
        q1: UnsafePointer<Double>, q2: UnsafePointer<Double>, rows: Int, cols: Int,
        triangle: Bool, wantNTK: Bool
    ) {
        let map = ReluMap()
        for i in 0..<rows {
            let a = q1[i]
            let row = Lanes(value: Vec(repeating: a))
            let rowStart = q + i &* cols
            let ntStart = nt.map { $0 + i &* cols }
            var j = triangle ? i : 0
            while j < cols {
                let lanes = min(Vec.lanes, cols &- j)
                var q12 = Vec()
                var c = Vec()
                var t = Vec()
                if lanes == Vec.lanes {
                    q12 = Vec(loading: rowStart + j)
                    c = Vec(loading: q2 + j)
                    if wantNTK { t = Vec(loading: ntStart! + j) }
                } else {
                    for k in 0..<lanes {
                        q12[k] = rowStart[j &+ k]
                        c[k] = q2[j &+ k]
                        if wantNTK { t[k] = ntStart![j &+ k] }
                    }
                }
                if triangle && j == i { q12[0] = a }
                let r = map.map(q12, row: row, col: Lanes(value: c), derivative: wantNTK)
                if wantNTK { t = t * r.derivative }
                if lanes == Vec.lanes {
                    r.value.store(to: rowStart + j)
                    if wantNTK { t.store(to: ntStart! + j) }
                } else {
                    for k in 0..<lanes {
                        rowStart[j &+ k] = r.value[k]
                        if wantNTK { ntStart![j &+ k] = t[k] }
                    }
                }
                j &+= lanes
            }
        }
    }

    /// One vector of values that is every feature of every layer (ReLU reads only feature 0
    /// of layer 0: the variance).
    private struct Lanes: LaneSource {
        let value: Vec
        @inline(__always) func callAsFunction(_ f: Int) -> Vec { value }
        @inline(__always) func layer(_ l: Int) -> Self { self }
    }
}
