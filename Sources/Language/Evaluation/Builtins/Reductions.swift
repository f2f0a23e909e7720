import Foundation
import NTKCore

/// Reductions: the whole matrix to a number, or with `axis: 0` / `axis: 1` columns to 1×k and
/// rows to n×1, like numpy.
extension Builtins {
    static let reductions: [Builtin] = [
        reduction("sum", "the sum of the entries") { $0.reduce(0, +) },
        reduction("mean", "the mean of the entries") { $0.isEmpty ? .nan : $0.reduce(0, +) / Double($0.count) },
        reduction("max", "the largest entry (nan if any is nan)", needsEntries: true) { v in
            v.contains { $0.isNaN } ? .nan : v.max()!
        },
        reduction("min", "the smallest entry (nan if any is nan)", needsEntries: true) { v in
            v.contains { $0.isNaN } ? .nan : v.min()!
        },
        reduction("norm", "the Frobenius norm (with axis: the 2-norm of each column or row)") { v in
            // Scaled to avoid overflow and underflow, like LAPACK's dnrm2.
            let scale = v.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
            if scale == 0 || !scale.isFinite { return scale == 0 ? 0 : (v.contains { $0.isNaN } ? .nan : .infinity) }
            return scale * Foundation.sqrt(v.reduce(0.0) { $0 + ($1 / scale) * ($1 / scale) })
        },
        Builtin("trace", [.required("A")], "the sum of the diagonal") { c throws(Diagnostic) in
            let a = try c.matrix("A")
            return .number(a.diagonal.storage.reduce(0, +))
        }
    ]

    private static func reduction(
        _ name: String, _ summary: String, needsEntries: Bool = false,
        _ f: @escaping @Sendable ([Double]) -> Double
    ) -> Builtin {
        Builtin(name, [.required("A"), .keyword("axis")], summary) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            if c.isNone("axis") {
                if needsEntries && a.isEmpty { throw c.fail("A", "\(name)() of an empty \(a.shapeDescription) matrix") }
                return .number(f(a.storage))
            }
            let axis = try c.integer("axis")
            switch axis {
            case 0:
                if needsEntries && a.rows == 0 { throw c.fail("A", "\(name)() over axis 0 of a matrix with no rows") }
                return .matrix(
                    Matrix(rows: 1, cols: a.cols, storage: (0..<a.cols).map { j in f((0..<a.rows).map { a[$0, j] }) }))
            case 1:
                if needsEntries && a.cols == 0 {
                    throw c.fail("A", "\(name)() over axis 1 of a matrix with no columns")
                }
                return .matrix(
                    Matrix(column: (0..<a.rows).map { i in f(Array(a.storage[(i * a.cols)..<((i + 1) * a.cols)])) }))
            default:
                throw c.fail("axis", "axis must be 0 (down the columns) or 1 (along the rows), got \(axis)")
            }
        }
    }
}
