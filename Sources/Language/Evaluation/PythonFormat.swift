import Foundation

/// f-string fields (docs/language.md#comprehensions-lists-and-strings): Python's format
/// mini-language for numbers and strings,
/// `[[fill]align][sign][z][#][0][width][,|_][.precision][type]` with the types `d e E f F g G %`
/// (and `s` for strings), giving exactly what Python gives. Numbers are float64; a whole number
/// without a type formats as Python formats an int (`{n:6}` is `     3`), anything else as a
/// float. A field without a spec shows what `str(x)` shows.
enum PythonFormat {
    struct Spec: Equatable {
        var fill: Character = " "
        var align: Character?
        var sign: Character = "-"
        var noNegativeZero = false
        var alternate = false
        var zeroPad = false
        var width = 0
        var grouping: Character?
        var precision: Int?
        var type: Character?
    }

    /// Why a spec is not valid.
    struct SpecError: Error { var reason: String }

    /// Parses a spec, or says why it is not valid.
    static func parse(_ text: String) -> Result<Spec, SpecError> {
        let c = Array(text)
        var i = 0
        var spec = Spec()
        let aligns: Set<Character> = ["<", ">", "=", "^"]
        if c.count >= 2, aligns.contains(c[1]) {
            spec.fill = c[0]
            spec.align = c[1]
            i = 2
        } else if let first = c.first, aligns.contains(first) {
            spec.align = first
            i = 1
        }
        if i < c.count, "+- ".contains(c[i]) {
            spec.sign = c[i]
            i += 1
        }
        if i < c.count, c[i] == "z" {
            spec.noNegativeZero = true
            i += 1
        }
        if i < c.count, c[i] == "#" {
            spec.alternate = true
            i += 1
        }
        if i < c.count, c[i] == "0" {
            spec.zeroPad = true
            i += 1
        }
        var digits = ""
        while i < c.count, c[i].isASCII, c[i].isNumber {
            digits.append(c[i])
            i += 1
        }
        if !digits.isEmpty {
            guard let w = Int(digits), w <= 10_000 else {
                return .failure(SpecError(reason: "the width \(digits) is too large"))
            }
            spec.width = w
        }
        if i < c.count, c[i] == "," || c[i] == "_" {
            spec.grouping = c[i]
            i += 1
        }
        if i < c.count, c[i] == "." {
            i += 1
            var p = ""
            while i < c.count, c[i].isASCII, c[i].isNumber {
                p.append(c[i])
                i += 1
            }
            guard let precision = Int(p) else {
                return .failure(SpecError(reason: "'.' must be followed by a precision (e.g. .3f)"))
            }
            guard precision <= 1000 else { return .failure(SpecError(reason: "the precision \(p) is too large")) }
            spec.precision = precision
        }
        if i < c.count {
            guard "deEfFgG%s".contains(c[i]) else {
                return .failure(SpecError(reason: "unknown format type '\(c[i])' (use d, e, f, g, % or s)"))
            }
            spec.type = c[i]
            i += 1
        }
        guard i == c.count else {
            return .failure(SpecError(reason: "unexpected '\(String(c[i...]))' at the end of the format spec"))
        }
        return .success(spec)
    }

    static func format(_ value: Value, spec text: String?, at range: SourceRange) throws(Diagnostic) -> String {
        guard let text, !text.isEmpty else { return ValueFormatter.text(value) }
        let spec: Spec
        switch parse(text) {
        case .success(let s): spec = s
        case .failure(let e): throw .error("invalid format spec '\(text)': \(e.reason)", at: range)
        }
        switch value {
        case .number(let x):
            return try number(x, spec, text: text, at: range)
        case .string(let s):
            return try string(s, spec, text: text, at: range)
        case .bool, .none:
            return try string(ValueFormatter.text(value), spec, text: text, at: range)
        case .matrix(let m) where m.count == 1:
            return try number(m.storage[0], spec, text: text, at: range)
        default:
            throw .error(
                "a format spec applies to numbers and strings, not \(value.typeDescription) "
                    + "(format its entries, or drop ':\(text)')", at: range)
        }
    }

    private static func string(_ s: String, _ spec: Spec, text: String, at range: SourceRange) throws(Diagnostic)
        -> String
    {
        if let t = spec.type, t != "s" {
            throw .error("format type '\(t)' needs a number, got a string", at: range)
        }
        if spec.sign != "-" || spec.grouping != nil || spec.alternate || spec.noNegativeZero {
            throw .error(
                "format spec '\(text)' has a sign, '#', 'z' or grouping, which do not apply to a string", at: range)
        }
        if spec.align == "=" { throw .error("'=' alignment applies to numbers, not strings", at: range) }
        var body = s
        if let p = spec.precision { body = String(body.prefix(p)) }
        var aligned = spec
        if spec.zeroPad && spec.align == nil {
            aligned.fill = "0"
            aligned.align = "<"
        }
        return pad("", body, aligned, defaultAlign: "<")
    }

    private static func number(_ x: Double, _ spec: Spec, text: String, at range: SourceRange) throws(Diagnostic)
        -> String
    {
        let whole = x.isFinite && x == x.rounded() && abs(x) < 9.2e18
        var type = spec.type
        if type == "s" { throw .error("format type 's' needs a string, got a number", at: range) }
        if type == "d" && !(x.isFinite && x == x.rounded()) {
            throw .error(
                "format 'd' needs a whole number, got \(ValueFormatter.number(x)) (use .Nf for decimals)", at: range)
        }
        // A whole number with no type and no precision is formatted as Python formats an int.
        if type == nil && whole && spec.precision == nil { type = "d" }
        if type == "d" && spec.precision != nil {
            throw .error("a precision is not allowed with format 'd'", at: range)
        }
        // A whole number formatted as an int has no negative zero (Python's int(-0.0) is 0).
        let negative =
            x.sign == .minus && !x.isNaN && !(type == "d" && x == 0)
            && !(spec.noNegativeZero && (x == 0 || rounds(toZero: x, spec, type)))
        let a = abs(x)
        var body: String
        let upper = type == "E" || type == "F" || type == "G"
        if !a.isFinite {
            body = a.isNaN ? "nan" : "inf"
            if upper { body = body.uppercased() }
            if type == "%" { body += "%" }
        } else {
            switch type {
            // Beyond Int64, the exact decimal value of the double (glibc prints every digit).
            case "d": body = a < 9.2e18 ? String(Int64(a)) : String(format: "%.0f", a)
            case "f", "F": body = String(format: "%.*f", spec.precision ?? 6, a)
            case "e", "E": body = String(format: type == "e" ? "%.*e" : "%.*E", spec.precision ?? 6, a)
            case "g", "G":
                let p = max(spec.precision ?? 6, 1)
                let f = (spec.alternate ? "%#." : "%.") + "*" + (type == "g" ? "g" : "G")
                body = String(format: f, p, a)
            case "%": body = String(format: "%.*f", spec.precision ?? 6, a * 100) + "%"
            default:
                // No type: like 'g' with at least one digit after the point; without a
                // precision, the shortest text that reads back the same (Python's repr).
                // With a precision p, scientific notation starts at exponent p - 1 already (not
                // p as for 'g'): format(1.5, '.1') is '2e+00' and format(100.0, '.3') is '1e+02'.
                if let precision = spec.precision {
                    let p = max(precision, 1)
                    let scientific = String(format: spec.alternate ? "%#.*e" : "%.*e", p - 1, a)
                    let exponent =
                        a == 0 ? 0 : Int(scientific[scientific.index(after: scientific.firstIndex(of: "e")!)...]) ?? 0
                    if exponent < -4 || exponent >= p - 1 {
                        body = spec.alternate ? scientific : withoutTrailingZeros(scientific)
                    } else {
                        body = String(format: spec.alternate ? "%#.*g" : "%.*g", p, a)
                        if !body.contains(".") { body += ".0" }
                    }
                } else {
                    body = repr(a)
                    // `#` keeps a point in the exponent form too: 1.e-07
                    if spec.alternate, !body.contains("."), let e = body.firstIndex(of: "e") { body.insert(".", at: e) }
                }
            }
            // (Not for a percentage that overflowed to inf: 'inf%'.)
            if spec.alternate && (type == "f" || type == "F" || type == "%" || type == "e" || type == "E"),
                spec.precision == 0, body.first?.isNumber == true
            {
                // `#` keeps the point: 3. and 3.e+00
                if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                    body.insert(".", at: e)
                } else if body.hasSuffix("%") {
                    body.insert(".", at: body.index(before: body.endIndex))
                } else {
                    body += "."
                }
            }
            if let g = spec.grouping { body = group(body, with: g) }
        }
        let signText = negative ? "-" : (spec.sign == "+" ? "+" : spec.sign == " " ? " " : "")
        var aligned = spec
        if spec.zeroPad && spec.align == nil {
            aligned.fill = "0"
            aligned.align = "="
        }
        // (As CPython does for any fill of 0 with = alignment, written as a 0 flag or as "0=".)
        if spec.grouping != nil && aligned.align == "=" && aligned.fill == "0", body.first?.isNumber == true {
            // Python groups the zero padding too: 0,001,234
            let target = spec.width - signText.count
            if body.count < target {
                body = zeroPadGrouped(body, width: target, separator: spec.grouping!)
            }
        }
        return pad(signText, body, aligned, defaultAlign: ">")
    }

    /// `1.500e+02` → `1.5e+02`, `2.000e+00` → `2e+00` (as 'g' drops trailing zeros).
    private static func withoutTrailingZeros(_ scientific: String) -> String {
        guard let e = scientific.firstIndex(of: "e") else { return scientific }
        var mantissa = scientific[..<e]
        guard mantissa.contains(".") else { return scientific }
        while mantissa.last == "0" { mantissa.removeLast() }
        if mantissa.last == "." { mantissa.removeLast() }
        return String(mantissa + scientific[e...])
    }

    /// Whether a negative number prints as zero (for `z`): -0.0001 with .2f is -0.00.
    private static func rounds(toZero x: Double, _ spec: Spec, _ type: Character?) -> Bool {
        guard x.isFinite else { return false }
        let probe = String(format: "%.*f", spec.precision ?? 6, abs(x))
        switch type {
        case "f", "F": return probe.allSatisfy { $0 == "0" || $0 == "." }
        case "%": return String(format: "%.*f", spec.precision ?? 6, abs(x) * 100).allSatisfy { $0 == "0" || $0 == "." }
        default: return false
        }
    }

    /// Python's `repr` of a non-negative finite float: the shortest digits that read back the
    /// same, in fixed notation when the decimal exponent is in [-4, 16), else `d.ddde±XX`.
    static func repr(_ a: Double) -> String {
        if a == 0 { return "0.0" }
        // Swift's description has the shortest round-trip digits; lay them out as Python does.
        let (digits, exponent) = shortestDigits(a)
        if exponent >= -4 && exponent < 16 {
            if exponent >= digits.count - 1 {
                return digits + String(repeating: "0", count: exponent - digits.count + 1) + ".0"
            }
            if exponent >= 0 {
                let i = digits.index(digits.startIndex, offsetBy: exponent + 1)
                return String(digits[..<i]) + "." + String(digits[i...])
            }
            return "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        let mantissa = digits.count == 1 ? digits : String(digits.first!) + "." + String(digits.dropFirst())
        let e = abs(exponent)
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
    }

    /// The shortest round-trip decimal digits of a positive finite double and the decimal
    /// exponent of its first digit (1234.5 → ("12345", 3)).
    static func shortestDigits(_ a: Double) -> (String, Int) {
        let text = "\(a)"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = String(mantissa[..<dot])
            fracPart = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var pointAfter = intPart.count  // the point sits after this many digits
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        pointAfter -= leadingZeros
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { digits = "0" }
        return (digits, exponent + pointAfter - 1)
    }

    /// Thousands separators in the integer part of `body` (digits before a point or exponent).
    private static func group(_ body: String, with separator: Character) -> String {
        let end = body.firstIndex { !$0.isNumber } ?? body.endIndex
        let intPart = Array(body[..<end])
        var out = ""
        for (k, ch) in intPart.enumerated() {
            if k > 0 && (intPart.count - k) % 3 == 0 { out.append(separator) }
            out.append(ch)
        }
        return out + body[end...]
    }

    /// Zero padding that keeps the grouping (Python: format(1234, '010,') is '00,001,234').
    private static func zeroPadGrouped(_ body: String, width: Int, separator: Character) -> String {
        let end = body.firstIndex { !$0.isNumber && $0 != separator } ?? body.endIndex
        let digits = body[..<end].filter { $0 != separator }
        let tail = String(body[end...])
        // The fewest digits whose grouped text fills the width (n digits group to n + (n-1)/3
        // characters); counted, not built one zero at a time (a width of 10000 took seconds).
        var count = digits.count
        while count + (count - 1) / 3 + tail.count < width { count += 1 }
        let padded = String(repeating: "0", count: count - digits.count) + String(digits)
        var grouped = group(padded, with: separator)
        // Python never starts with a separator: it widens to one more zero instead.
        if grouped.first == separator { grouped = "0" + grouped }
        return grouped + tail
    }

    private static func pad(_ sign: String, _ body: String, _ spec: Spec, defaultAlign: Character) -> String {
        let length = sign.count + body.count
        guard spec.width > length else { return sign + body }
        let n = spec.width - length
        let fill = String(spec.fill)
        switch spec.align ?? defaultAlign {
        case "<": return sign + body + String(repeating: fill, count: n)
        case "^": return String(repeating: fill, count: n / 2) + sign + body + String(repeating: fill, count: n - n / 2)
        case "=": return sign + String(repeating: fill, count: n) + body
        default: return String(repeating: fill, count: n) + sign + body
        }
    }
}
