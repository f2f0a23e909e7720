import Foundation

/// Builds SVG (XML) text: elements with attributes in the order given, escaped text and
/// compact fixed-precision numbers, so that the same calls always give the same bytes.
struct SVGWriter {
    /// An element's attributes, written in this order.
    typealias Attributes = [(String, String)]

    private(set) var text = ""

    /// `<name a="v" …>`; close it with `close(name)`.
    mutating func open(_ name: String, _ attributes: Attributes = []) {
        text += "<" + name + Self.attributeText(attributes) + ">\n"
    }

    mutating func close(_ name: String) {
        text += "</" + name + ">\n"
    }

    /// `<name a="v" …/>`, or `<name …>content</name>` when `content` is given (it is escaped).
    mutating func element(_ name: String, _ attributes: Attributes = [], content: String? = nil) {
        if let content {
            text += "<" + name + Self.attributeText(attributes) + ">" + Self.escape(content) + "</" + name + ">\n"
        } else {
            text += "<" + name + Self.attributeText(attributes) + "/>\n"
        }
    }

    /// Markup written as it is (the caller escapes what it puts in).
    mutating func raw(_ markup: String) {
        text += markup
    }

    private static func attributeText(_ attributes: Attributes) -> String {
        var s = ""
        for (key, value) in attributes { s += " " + key + "=\"" + escape(value) + "\"" }
        return s
    }

    // MARK: Escaping

    /// Text safe in XML content and in double- or single-quoted attributes; tabs and
    /// newlines become spaces (SVG text is one line).
    static func escape(_ s: String) -> String { HTMLText.escape(s, lineBreaks: .asSpaces, apostrophe: "&apos;") }

    /// `s` cut to at most `limit` characters, ending in "…" when cut.
    static func truncate(_ s: String, to limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(max(limit - 1, 1))) + "…"
    }

    // MARK: Numbers

    /// A coordinate or length: at most two decimals, no trailing zeros, no "-0"; non-finite
    /// values become 0 and huge ones are clamped to ±10⁹ (coordinates are pixels).
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let hundredths = Int((min(max(v, -1e9), 1e9) * 100).rounded())
        if hundredths == 0 { return "0" }
        let magnitude = abs(hundredths)
        var s = hundredths < 0 ? "-" : ""
        s += String(magnitude / 100)
        let fraction = magnitude % 100
        if fraction != 0 {
            s +=
                fraction % 10 == 0
                ? "." + String(fraction / 10)
                : fraction < 10 ? ".0" + String(fraction) : "." + String(fraction)
        }
        return s
    }

    /// Tick labels for values that are multiples of 10^`exponent` (the tick step's decade),
    /// in one style for the axis: plain decimals for ordinary magnitudes ("0.25", "-3",
    /// "500000"), otherwise a compact scientific form ("1e-8", "2.5e6", "-1.5e-9"); zero is "0".
    static func tickLabels(_ values: [Double], stepExponent exponent: Int) -> [String] {
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        let plain = largest < 1e6 && exponent >= -4
        return values.map { v in
            guard v.isFinite else { return v.isNaN ? "NaN" : (v < 0 ? "-inf" : "inf") }
            if v == 0 { return "0" }
            return plain ? trimmedFixed(v, decimals: max(0, -exponent)) : scientific(v, digitsBelow: exponent)
        }
    }

    /// The shortest label (in the style of `tickLabels`) that reads back as `v`.
    static func shortest(_ v: Double) -> String {
        guard v.isFinite, v != 0 else { return tickLabels([v], stepExponent: 0)[0] }
        let top = Int(floor(log10(abs(v))))
        for exponent in stride(from: top, through: top - 17, by: -1) {
            let s = tickLabels([v], stepExponent: exponent)[0]
            if let back = Double(s), abs(back - v) <= abs(v) * 1e-14 { return s }
        }
        return scientific(v, digitsBelow: top - 17)
    }

    /// `v` in the form "2.5e6": the mantissa has the digits down to 10^`digitsBelow`,
    /// without trailing zeros.
    static func scientific(_ v: Double, digitsBelow: Int) -> String {
        if v == 0 { return "0" }
        var e = Int(floor(log10(abs(v))))
        var decimals = min(max(0, e - digitsBelow), 15)
        var mantissa = trimmedFixed(v / pow(10, Double(e)), decimals: decimals)
        // log10 or the rounding can land on "10": move to the next decade.
        if mantissa.hasPrefix("10") || mantissa.hasPrefix("-10") {
            e += 1
            decimals = min(max(0, e - digitsBelow), 15)
            mantissa = trimmedFixed(v / pow(10, Double(e)), decimals: decimals)
        }
        return mantissa + "e" + String(e)
    }

    /// `v` with `decimals` decimals, trailing zeros (and a trailing point) removed, "-0" as "0".
    static func trimmedFixed(_ v: Double, decimals: Int) -> String {
        var s = String(format: "%.\(min(max(decimals, 0), 17))f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }
}
