import Foundation
import NTKCore

/// Reductions: the whole matrix to a number, or with `axis: 0` / `axis: 1` columns to 1×k and
/// rows to n×1, like numpy.
extension Builtins {
    static let reductions: [Builtin] = [
        // Sums add up as numpy does (pairwise within blocks; down the columns row by row), so
        // `sum` and `mean` give numpy's bits (EntrySums).
        reduction(
            "sum", "the sum of the entries", whole: { $0.entrySum }, rows: { $0.rowSums },
            columns: { $0.columnSums }),
        reduction(
            "mean", "the mean of the entries",
            whole: { $0.isEmpty ? .nan : $0.entrySum / Double($0.count) },
            rows: { a in a.rowSums.map { $0 / Double(a.cols) } },
            columns: { a in a.columnSums.map { $0 / Double(a.rows) } }),
        reduction(
            "max", "the largest entry (nan if any is nan)", needsEntries: true,
            whole: { $0.extremeEntry(largest: true) }, line: { v in v.contains { $0.isNaN } ? .nan : v.max()! }),
        reduction(
            "min", "the smallest entry (nan if any is nan)", needsEntries: true,
            whole: { $0.extremeEntry(largest: false) }, line: { v in v.contains { $0.isNaN } ? .nan : v.min()! }),
        reduction(
            "norm", "the Frobenius norm (with axis: the 2-norm of each column or row)",
            line: { v in
                // Scaled to avoid overflow and underflow, like LAPACK's dnrm2.
                let scale = v.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
                if scale == 0 || !scale.isFinite {
                    return scale == 0 ? 0 : (v.contains { $0.isNaN } ? .nan : .infinity)
                }
                return scale * Foundation.sqrt(v.reduce(0.0) { $0 + ($1 / scale) * ($1 / scale) })
            }),
        Builtin("trace", [.required("A")], "the sum of the diagonal") { c throws(Diagnostic) in
            let a = try c.matrix("A")
            return .number(a.diagonal.entrySum)
        }
    ]

    /// A reduction over the whole matrix (`whole`), its columns (`axis: 0`, `columns`) or its
    /// rows (`axis: 1`, `rows`); `line` reduces one column or row where those are not given.
    private static func reduction(
        _ name: String, _ summary: String, needsEntries: Bool = false,
        whole: (@Sendable (Matrix) -> Double)? = nil, rows: (@Sendable (Matrix) -> [Double])? = nil,
        columns: (@Sendable (Matrix) -> [Double])? = nil,
        line: (@Sendable ([Double]) -> Double)? = nil
    ) -> Builtin {
        Builtin(name, [.required("A"), .keyword("axis")], summary) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            if c.isNone("axis") {
                if needsEntries && a.isEmpty { throw c.fail("A", "\(name)() of an empty \(a.shapeDescription) matrix") }
                return .number(whole?(a) ?? line!(a.storage))
            }
            let axis = try c.integer("axis")
            switch axis {
            case 0:
                if needsEntries && a.rows == 0 { throw c.fail("A", "\(name)() over axis 0 of a matrix with no rows") }
                let values = columns?(a) ?? (0..<a.cols).map { j in line!((0..<a.rows).map { a[$0, j] }) }
                return .matrix(Matrix(rows: 1, cols: a.cols, storage: values))
            case 1:
                if needsEntries && a.cols == 0 {
                    throw c.fail("A", "\(name)() over axis 1 of a matrix with no columns")
                }
                let values =
                    rows?(a) ?? (0..<a.rows).map { i in line!(Array(a.storage[(i * a.cols)..<((i + 1) * a.cols)])) }
                return .matrix(Matrix(column: values))
            default:
                throw c.fail("axis", "axis must be 0 (down the columns) or 1 (along the rows), got \(axis)")
            }
        }
    }
}
