import NTKCore

/// The `axis:` argument shared by the array tools: `none` (the whole matrix), 0 (down each
/// column) or 1 (along each row), and the per-column / per-row slices (lanes) it names.
enum Axis: Equatable {
    case columns, rows

    /// The axis an argument names; nil for `none`. `allowLast` also accepts numpy's -1 (rows).
    static func parse(_ c: BuiltinCall, _ p: String = "axis", allowLast: Bool = false) throws(Diagnostic) -> Axis? {
        if c.isNone(p) { return nil }
        let x = try c.number(p)
        switch x {
        case 0: return .columns
        case 1: return .rows
        case -1 where allowLast: return .rows
        default:
            throw c.fail(
                p,
                "axis must be 0 (down the columns), 1 (along the rows) or none (the whole matrix), "
                    + "got \(ValueFormatter.number(x))")
        }
    }

    /// How many lanes `a` has along this axis, and how long each is.
    func lanes(of a: Matrix) -> (count: Int, length: Int) {
        self == .columns ? (a.cols, a.rows) : (a.rows, a.cols)
    }

    /// The entries of lane `l` of `a`, in order.
    func lane(_ l: Int, of a: Matrix) -> [Double] {
        switch self {
        case .columns: return (0..<a.rows).map { a[$0, l] }
        case .rows: return Array(a.storage[(l * a.cols)..<((l + 1) * a.cols)])
        }
    }

    /// One number per lane: 1×k for columns, n×1 for rows.
    func reduce(_ a: Matrix, _ f: ([Double]) -> Double) -> Matrix {
        let values = (0..<lanes(of: a).count).map { f(lane($0, of: a)) }
        return self == .columns ? Matrix(rows: 1, cols: a.cols, storage: values) : Matrix(column: values)
    }

    /// Each lane replaced by `f` of it (same length); the result has `a`'s shape.
    func transform(_ a: Matrix, _ f: ([Double]) -> [Double]) -> Matrix {
        var out = a
        for l in 0..<lanes(of: a).count {
            let values = f(lane(l, of: a))
            for (k, v) in values.enumerated() {
                if self == .columns { out[k, l] = v } else { out[l, k] = v }
            }
        }
        return out
    }
}
