import Language

/// Compares a block's new outputs with the stored ones, as `tangent check` does.
package enum OutputComparison {
    /// A difference: which output, where, and a message showing the stored and the new value.
    package struct Difference: Equatable, Sendable {
        package var outputIndex: Int
        package var message: String
        /// Offset of the line to point at from the block's first code line.
        package var lineOffset: Int
    }

    /// The first difference between `stored` and `new`, or nil when they agree.
    package static func compare(stored: [StoredOutput], new: [StoredOutput], tolerance: Tolerance) -> Difference? {
        for (i, (s, n)) in zip(stored, new).enumerated() {
            if let message = difference(s, n, tolerance: tolerance) {
                return Difference(outputIndex: i, message: "output \(i + 1): " + message, lineOffset: n.lineOffset)
            }
        }
        if stored.count != new.count {
            let i = min(stored.count, new.count)
            let where_ = new.count > stored.count ? new[i].lineOffset : (new.last?.lineOffset ?? 0)
            return Difference(
                outputIndex: i,
                message:
                    "the block now shows \(new.count) output\(new.count == 1 ? "" : "s") but \(stored.count) \(stored.count == 1 ? "was" : "were") stored",
                lineOffset: where_)
        }
        return nil
    }

    static func difference(_ s: StoredOutput, _ n: StoredOutput, tolerance: Tolerance) -> String? {
        if s.kind != n.kind { return "was \(s.kind.rawValue) output, now \(n.kind.rawValue)" }
        if s.type != n.type { return "was a \(s.type ?? "?"), now a \(n.type ?? "?")" }
        if s.caption != n.caption { return "caption was \(quoted(s.caption)), now \(quoted(n.caption))" }
        if s.shape != n.shape {
            return "shape was \(shape(s.shape)), now \(shape(n.shape))"
        }
        // Figures stored before their data was (only the summary line) compare by that line.
        if s.kind == .figure, s.numbers.isEmpty {
            return textDifference(stored: s.text, new: n.text, tolerance: tolerance)
        }
        if s.numbers.count != n.numbers.count {
            return "stored \(s.numbers.count) numbers, now \(n.numbers.count)"
        }
        for (k, (a, b)) in zip(n.numbers, s.numbers).enumerated() where !tolerance.accepts(a, stored: b) {
            return
                "\(position(k, of: s)) is \(ValueFormatter.number(a)) but \(ValueFormatter.number(b)) was stored (\(tolerance.description))"
        }
        return textDifference(stored: s.text, new: n.text, tolerance: tolerance)
    }

    /// Text is compared exactly, except numbers inside it, which are compared within tolerance.
    static func textDifference(stored: String, new: String, tolerance: Tolerance) -> String? {
        if stored == new { return nil }
        let a = tokens(stored)
        let b = tokens(new)
        if a.count == b.count {
            var ok = true
            for (x, y) in zip(a, b) {
                switch (x, y) {
                case (.number(let u), .number(let v)) where tolerance.accepts(v, stored: u): continue
                case (.word(let u), .word(let v)) where u == v: continue
                default: ok = false
                }
                if !ok { break }
            }
            if ok { return nil }
        }
        return "text was \(excerpt(stored)), now \(excerpt(new))"
    }

    enum TextToken: Equatable {
        case word(String)
        case number(Double)
    }

    /// Splits text into numbers and everything else.
    static func tokens(_ text: String) -> [TextToken] {
        var out: [TextToken] = []
        let chars = Array(text)
        var i = 0
        var word = ""
        func flush() {
            if !word.isEmpty {
                out.append(.word(word))
                word = ""
            }
        }
        while i < chars.count {
            let c = chars[i]
            let startsNumber =
                c.isASCII && c.isNumber
                || ((c == "-" || c == ".") && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber
                    && (i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber)))
            if startsNumber, i == 0 || !(chars[i - 1].isLetter || chars[i - 1] == "_") {
                var j = i + 1
                while j < chars.count, chars[j].isASCII && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
                    if k < chars.count, chars[k].isASCII, chars[k].isNumber {
                        j = k
                        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                    }
                }
                if let v = Double(String(chars[i..<j])) {
                    flush()
                    out.append(.number(v))
                    i = j
                    continue
                }
            }
            word.append(c)
            i += 1
        }
        flush()
        return out
    }

    private static func position(_ k: Int, of s: StoredOutput) -> String {
        if s.kind == .figure { return "the figure's data (number \(k + 1) of \(s.numbers.count))" }
        if s.type == "images", k < 3 { return ["min", "max", "mean"][k] }
        if let shape = s.shape, shape.count == 2 {
            let big = shape[0] > ValueFormatter.maxTableRows || shape[1] > ValueFormatter.maxTableCols
            if big {
                switch k {
                case 0: return "min"
                case 1: return "max"
                case 2: return "mean"
                default:
                    let c = min(shape[1], 4)
                    let idx = k - 3
                    return "entry [\(idx / c), \(idx % c)]"
                }
            }
            return "entry [\(k / max(shape[1], 1)), \(k % max(shape[1], 1))]"
        }
        return "value"
    }

    private static func shape(_ s: [Int]?) -> String { s.map { $0.map(String.init).joined(separator: "×") } ?? "none" }
    private static func quoted(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "none" }
    private static func excerpt(_ s: String) -> String {
        let one = s.replacingOccurrences(of: "\n", with: "⏎")
        return "\"" + (one.count > 80 ? String(one.prefix(77)) + "..." : one) + "\""
    }
}
