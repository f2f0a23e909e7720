import Foundation

/// How one column of a `table(...)` prints its numbers: one style for the whole column, so its
/// digits line up and it never mixes `0` with `1.0000e-06`. Whole numbers print as integers;
/// otherwise fixed decimals, six significant digits for the largest magnitude (trailing zeros
/// every entry shares dropped); scientific notation, with one mantissa precision, when the
/// magnitudes are too large, too small or too far apart for the smallest to keep three
/// significant digits. NaN and infinities print as `nan`, `inf`, `-inf` in any column.
package enum ColumnFormat: Equatable, Sendable {
    case integer
    case fixed(decimals: Int)
    case scientific(decimals: Int)

    /// The style for a column holding `values`.
    package static func choose(_ values: [Double]) -> ColumnFormat {
        let finite = values.filter(\.isFinite)
        if finite.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e15 }) { return .integer }
        let magnitudes = finite.filter { $0 != 0 }.map(abs)
        guard let hi = magnitudes.max(), let lo = magnitudes.min() else { return .integer }
        let top = Int(floor(log10(hi)))
        let decimals = max(0, 5 - top)
        // Significant digits the smallest magnitude keeps with these decimals.
        let kept = decimals + Int(floor(log10(lo))) + 1
        if hi >= 1e6 || lo < 1e-4 || kept < 3 || decimals > 10 {
            var d = 4
            while d > 1 && finite.allSatisfy({ String(format: "%.\(d)e", $0).hasSuffix("0e" + exponent($0, d)) }) {
                d -= 1
            }
            return .scientific(decimals: d)
        }
        var d = decimals
        while d > 0 && finite.allSatisfy({ String(format: "%.\(d)f", $0).hasSuffix("0") }) { d -= 1 }
        return .fixed(decimals: d)
    }

    /// The exponent part ("-06") of `v` printed with `%.{d}e`.
    private static func exponent(_ v: Double, _ d: Int) -> String {
        let s = String(format: "%.\(d)e", v)
        return s.split(separator: "e").last.map(String.init) ?? ""
    }

    /// `v` in this style.
    package func text(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        let s: String
        switch self {
        case .integer: s = String(format: "%.0f", v)
        case .fixed(let d): s = String(format: "%.\(d)f", v)
        case .scientific(let d): return String(format: "%.\(d)e", v)
        }
        // A value that rounds to zero prints without a sign ("-0.000" is "0.000").
        return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
    }

    /// The entries of `m` as text, column by column in each column's own style (rows of cells).
    package static func cells(_ columns: Int, rows: Int, _ entry: (Int, Int) -> Double) -> [[String]] {
        let formats = (0..<columns).map { j in choose((0..<rows).map { entry($0, j) }) }
        return (0..<rows).map { i in (0..<columns).map { formats[$0].text(entry(i, $0)) } }
    }
}
