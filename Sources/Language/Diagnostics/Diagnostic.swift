/// A located problem in a notebook: the value every failure becomes (never a crash).
///
/// Printed as `FILE:LINE:COL: error: message`, then the source line and a caret.
public struct Diagnostic: Error, Equatable, Sendable {
    public enum Severity: String, Sendable {
        case error, warning, note, mismatch
    }

    public var severity: Severity
    public var message: String
    public var range: SourceRange

    public init(_ severity: Severity = .error, _ message: String, at range: SourceRange) {
        self.severity = severity
        self.message = message
        self.range = range
    }

    public static func error(_ message: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(.error, message, at: range)
    }
}

extension Diagnostic {
    /// Renders the diagnostic like a compiler: header line, the source line, a `^~~~` underline.
    /// `lineText(n)` returns line n of the file (1-based) or nil.
    public func formatted(file: String, lineText: (Int) -> String?) -> String {
        var out = "\(file):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)"
        guard let text = lineText(range.start.line) else { return out }
        let line = text.hasSuffix("\r") ? String(text.dropLast()) : text
        out += "\n" + line + "\n"
        let chars = Array(line)
        var pad = ""
        for i in 0..<max(range.start.column - 1, 0) {
            pad.append(i < chars.count && chars[i] == "\t" ? "\t" : " ")
        }
        var width = 1
        if range.end.line == range.start.line, range.end.column > range.start.column {
            width = range.end.column - range.start.column
        } else if range.end.line > range.start.line {
            width = max(chars.count - range.start.column + 1, 1)
        }
        out += pad + "^" + String(repeating: "~", count: max(width - 1, 0))
        return out
    }
}

/// "Did you mean …?" by edit distance, as compilers and argument parsers suggest.
public enum Suggestions {
    /// The candidate nearest to `name`, if it is near enough to be a plausible typo.
    public static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        let limit = max(1, name.count / 3 + 1)
        for c in candidates {
            let d = editDistance(name.lowercased(), c.lowercased())
            // One- and two-letter names are too short for a typo guess, unless only case differs.
            if d > 0 && (name.count < 3 || c.count < 3) { continue }
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && c < best!.0) {
                best = (c, d)
            }
        }
        return best?.0
    }

    /// " (did you mean 'x'?)" or "".
    public static func hint(for name: String, in candidates: some Sequence<String>) -> String {
        nearest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance with adjacent transpositions (Damerau, optimal string alignment).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
