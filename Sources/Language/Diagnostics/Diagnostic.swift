/// A located problem in a notebook: the value every failure becomes (never a crash).
///
/// Printed as `FILE:LINE:COL: error: message`, then the source line and a caret.
package struct Diagnostic: Error, Equatable, Sendable {
    package enum Severity: String, Sendable {
        case error, warning, note
    }

    package var severity: Severity
    package var message: String
    package var range: SourceRange
    /// Second locations, printed after the diagnostic (innermost first): for an error inside a
    /// function, one `called from` note per call on the way (docs/language.md#functions-and-scope).
    package var notes: [Diagnostic] = []

    package init(_ severity: Severity = .error, _ message: String, at range: SourceRange) {
        self.severity = severity
        self.message = message
        self.range = range
    }

    /// The most notes printed; the rest are summed up in one last note.
    package static let maxNotes = 10

    /// Adds a `called from` note for a call at `range` (the error happened inside it).
    package mutating func addCall(at range: SourceRange) {
        notes.append(Diagnostic(.note, Diagnostic.calledFrom, at: range))
    }

    /// The same diagnostic, and its notes, moved by `lines` (outputs cached relative to their
    /// block are placed where the block is now).
    package func shifted(by lines: Int) -> Diagnostic {
        var d = self
        d.range = range.shifted(by: lines)
        d.notes = notes.map { $0.shifted(by: lines) }
        return d
    }

    /// The message of a call note; the location is added when printed.
    static let calledFrom = "called from"

    package static func error(_ message: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(.error, message, at: range)
    }
}

extension Diagnostic {
    /// Renders the diagnostic like a compiler: header line, the source line, a `^~~~` underline.
    /// `lineText(n)` returns line n of the file (1-based) or nil.
    /// `label` stands where the severity stands (`tangent check` prints its findings with
    /// `mismatch`).
    package func formatted(file: String, lineText: (Int) -> String?, label: String? = nil) -> String {
        var out = formattedAlone(file: file, lineText: lineText, label: label)
        let shown = notes.prefix(Diagnostic.maxNotes)
        for note in shown { out += "\n" + note.formattedAlone(file: file, lineText: lineText) }
        if notes.count > shown.count {
            let last = notes[notes.count - 1]
            out +=
                "\n\(file):\(last.range.start.line):\(last.range.start.column): note: … \(notes.count - shown.count) more calls"
        }
        return out
    }

    /// The message as printed, a call note naming where the call is (`called from nb.md:12:5`).
    package func text(file: String) -> String {
        message == Diagnostic.calledFrom && severity == .note ? "\(message) \(file):\(range.start)" : message
    }

    private func formattedAlone(file: String, lineText: (Int) -> String?, label: String? = nil) -> String {
        let severityText = label ?? severity.rawValue
        var out = "\(file):\(range.start.line):\(range.start.column): \(severityText): \(text(file: file))"
        guard let text = lineText(range.start.line) else { return out }
        let line = text.hasSuffix("\r") ? String(text.dropLast()) : text
        var width = 1
        if range.end.line == range.start.line, range.end.column > range.start.column {
            width = range.end.column - range.start.column
        } else if range.end.line > range.start.line {
            width = max(line.count - range.start.column + 1, 1)
        }
        let (shown, caret) = Diagnostic.excerpt(of: line, column: range.start.column)
        width = min(width, max(shown.count - caret, 1))
        out += "\n" + shown + "\n"
        var pad = ""
        for ch in shown.prefix(caret) { pad.append(ch == "\t" ? "\t" : " ") }
        out += pad + "^" + String(repeating: "~", count: max(width - 1, 0))
        return out
    }

    /// The source line as echoed under a diagnostic, and the caret's offset in it (0-based,
    /// in characters) for a 1-based `column`. A very long line (a 100 MB one-liner) is cut to
    /// a window around the column, marked with `…`; control characters (a NUL byte) show as
    /// `?`, so the terminal and the caret agree.
    package static func excerpt(of line: String, column: Int) -> (text: String, caret: Int) {
        let caret = max(column - 1, 0)
        let first = caret > context ? caret - context : 0
        var shown = Array(line.dropFirst(first).prefix(2 * context))
        for k in shown.indices
        where shown[k] != "\t"
            && shown[k].unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        {
            shown[k] = "?"
        }
        let lead = first > 0 ? "…" : ""
        let tail = line.count > first + shown.count ? "…" : ""
        return (lead + String(shown) + tail, caret - first + lead.count)
    }

    /// Characters of source shown on each side of the caret.
    static let context = 120
}

/// "Did you mean …?" by edit distance, as compilers and argument parsers suggest.
package enum Suggestions {
    /// The candidate nearest to `name`, if it is near enough to be a plausible typo.
    package static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        var best: (String, Int, Int)?
        let limit = max(1, name.count / 3 + 1)
        for c in candidates {
            let d = editDistance(name.lowercased(), c.lowercased())
            // One- and two-letter names are too short for a typo guess, unless only case differs.
            if d > 0 && (name.count < 3 || c.count < 3) { continue }
            guard d <= limit else { continue }
            // Ties go to the name whose case matches better (`tanhh` → `tanh`, not the layer `Tanh`).
            let exact = editDistance(name, c)
            if best == nil || (d, exact) < (best!.1, best!.2) || ((d, exact) == (best!.1, best!.2) && c < best!.0) {
                best = (c, d, exact)
            }
        }
        return best?.0
    }

    /// " (did you mean 'x'?)" or "".
    package static func hint(for name: String, in candidates: some Sequence<String>) -> String {
        nearest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance with adjacent transpositions (Damerau, optimal string alignment).
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
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
