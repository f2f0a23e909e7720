import Foundation
import NTKCore

/// Statistics of a sample: spread (`std`, `var`), `median` and running sums, with numpy's
/// definitions and shapes (the whole matrix gives a number; `axis: 0` a 1×k row, `axis: 1` an
/// n×1 column, as the reductions do).
extension Builtins {
    static let statistics: [Builtin] = [
        spread("var", "the variance, Σ(x − mean)² / (N − ddof) (numpy.var; ddof: 1 for the sample variance)") { $0 },
        spread("std", "the standard deviation, the square root of var (numpy.std)") { Foundation.sqrt($0) },
        Builtin(
            "median", [.required("A"), .keyword("axis")],
            "the middle entry, the mean of the two middle ones for an even count; nan if any entry is nan "
                + "(numpy.median)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard let axis = try Axis.parse(c) else { return .number(median(a.storage)) }
            return .matrix(axis.reduce(a, median))
        },
        Builtin(
            "cumsum", [.required("A"), .keyword("axis")],
            "running sums: down each column (axis: 0) or along each row (axis: 1), same shape; without "
                + "axis of all entries in row-major order as an n·k×1 column (numpy.cumsum)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard let axis = try Axis.parse(c) else { return .matrix(Matrix(column: runningSums(a.storage))) }
            return .matrix(axis.transform(a, runningSums))
        }
    ]

    /// Σ(x − mean)² / max(N − ddof, 0), computed as numpy does (nan for no entries; inf or nan,
    /// as numpy, when ddof ≥ N). numpy sums entries that lie next to each other pairwise and a
    /// column of a wider matrix one row after another (`pairwise` false; see `EntrySums`).
    static func variance(_ v: [Double], ddof: Int, pairwise: Bool = true) -> Double {
        if v.isEmpty { return .nan }
        let total = { (w: [Double]) in pairwise ? EntrySums.sum(w) : w.reduce(0, +) }
        let mean = total(v) / Double(v.count)
        let squares = total(v.map { ($0 - mean) * ($0 - mean) })
        return squares / Double(Swift.max(v.count - ddof, 0))
    }

    static func median(_ v: [Double]) -> Double {
        if v.isEmpty || v.contains(where: \.isNaN) { return .nan }
        let s = v.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    static func runningSums(_ v: [Double]) -> [Double] {
        var out = v
        for k in out.indices.dropFirst() { out[k] = out[k - 1] + v[k] }
        return out
    }

    private static func spread(_ name: String, _ summary: String, _ finish: @escaping @Sendable (Double) -> Double)
        -> Builtin
    {
        Builtin(name, [.required("A"), .keyword("axis"), .keyword("ddof", .number(0))], summary) {
            c throws(Diagnostic) in
            let a = try c.matrix("A")
            let ddof = try c.integer("ddof")
            guard let axis = try Axis.parse(c) else { return .number(finish(variance(a.storage, ddof: ddof))) }
            let pairwise = axis == .rows || a.cols == 1
            return .matrix(axis.reduce(a) { finish(variance($0, ddof: ddof, pairwise: pairwise)) })
        }
    }
}
