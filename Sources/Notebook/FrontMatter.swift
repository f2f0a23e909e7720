import Language

/// The YAML-style header between `---` lines at the very top of a notebook
/// (`title`, `seed`, `rtol`, `atol`, `timeout`; other keys are kept but not interpreted).
package struct FrontMatter: Equatable, Sendable {
    package var title: String?
    package var seed: UInt64 = 0
    package var rtol: Double?
    package var atol: Double?
    package var timeout: Double?
    /// Every `key: value` pair as written.
    package var fields: [String: String] = [:]
    /// File lines (1-based, inclusive) the header occupies, both `---` lines included.
    package var lines: ClosedRange<Int>?

    package init() {}

    /// Parses the header if the file starts with `---`. Returns nil when there is none.
    static func parse(lines: [String]) throws(Diagnostic) -> FrontMatter? {
        guard let first = lines.first, trimmed(first) == "---" else { return nil }
        guard
            let close = lines.indices.dropFirst().first(where: {
                trimmed(lines[$0]) == "---" || trimmed(lines[$0]) == "..."
            })
        else {
            throw .error(
                "front matter opened with '---' is never closed (add a '---' line after it)",
                at: SourceRange(at: SourceLocation(line: 1, column: 1)))
        }
        var fm = FrontMatter()
        fm.lines = 1...(close + 1)
        var keyLines: [String: Int] = [:]
        for i in 1..<close {
            let raw = lines[i].withoutCarriageReturn
            let stripped = raw.trimmingSpaces
            if stripped.isEmpty || stripped.hasPrefix("#") { continue }
            // Indented lines continue a YAML value (lists, nested maps): kept, not interpreted.
            if raw.first == " " || raw.first == "\t" || raw.hasPrefix("- ") { continue }
            guard let colon = raw.firstIndex(of: ":") else {
                throw .error("front matter line is not 'key: value'", at: at(i, 1))
            }
            let key = String(raw[..<colon]).trimmingSpaces
            var value = String(raw[raw.index(after: colon)...]).trimmingSpaces
            let valueColumn =
                raw.distance(from: raw.startIndex, to: colon) + 2 + leadingSpaces(raw[raw.index(after: colon)...])
            if let quoted = quotedScalar(value) {
                value = quoted
            } else if let hash = value.range(of: " #") {
                value = String(value[..<hash.lowerBound]).trimmingSpaces
            }
            if let first = keyLines[key] {
                throw .error("front matter key '\(key)' is given twice (first on line \(first))", at: at(i, 1))
            }
            keyLines[key] = i + 1
            if let known = misspelling(of: key) {
                throw .error(
                    "unknown front matter key '\(key)' (did you mean '\(known)'?); "
                        + "other keys are allowed but this one is one letter away from a key Tangent reads",
                    at: at(i, 1))
            }
            fm.fields[key] = value
            let loc = at(i, valueColumn)
            switch key {
            case "title": fm.title = value
            case "seed":
                guard let s = UInt64(value) else {
                    throw .error("front matter 'seed' must be a whole number from 0 to 2^64-1, got '\(value)'", at: loc)
                }
                fm.seed = s
            case "rtol", "atol":
                guard let x = Double(value), x >= 0, x.isFinite else {
                    throw .error("front matter '\(key)' must be a non-negative number, got '\(value)'", at: loc)
                }
                if key == "rtol" { fm.rtol = x } else { fm.atol = x }
            case "timeout":
                guard let x = Double(value), x > 0 else {
                    throw .error("front matter 'timeout' must be a positive number of seconds, got '\(value)'", at: loc)
                }
                fm.timeout = x
            default: break
            }
        }
        return fm
    }

    /// The keys Tangent interprets.
    package static let knownKeys = ["title", "seed", "rtol", "atol", "timeout", "unsafe_html"]

    /// The known key `key` is a slip of (one letter added, dropped or changed, or two
    /// neighbours swapped: `sede`, `seeds`, `rtl`), or nil.
    static func misspelling(of key: String) -> String? {
        guard !knownKeys.contains(key) else { return nil }
        let k = Array(key.lowercased())
        for known in knownKeys {
            let c = Array(known)
            if k == c { return known }  // a capitalised key: `Seed`
            if Suggestions.editDistance(key.lowercased(), known) == 1 { return known }
            if k.count == c.count, let i = (0..<k.count).first(where: { k[$0] != c[$0] }), i + 1 < k.count,
                k[i] == c[i + 1], k[i + 1] == c[i], k[(i + 2)...] == c[(i + 2)...]
            {
                return known
            }
        }
        return nil
    }

    /// The text inside a value that is one quoted string, as YAML reads it: `"a: b"`, `'it''s'`,
    /// `"say \"hi\""`, and either followed by a comment (`"a: b"  # note`); nil when `value` is
    /// not one quoted string.
    static func quotedScalar(_ value: String) -> String? {
        guard let q = value.first, q == "\"" || q == "'" else { return nil }
        var inside = ""
        var rest = value.dropFirst()
        while let c = rest.first {
            rest = rest.dropFirst()
            if q == "\"", c == "\\", let next = rest.first, next == "\"" || next == "\\" {
                inside.append(next)  // \" and \\ inside double quotes; other escapes are kept as written
                rest = rest.dropFirst()
            } else if c != q {
                inside.append(c)
            } else if q == "'", rest.first == "'" {
                inside.append("'")  // '' is a quote inside single quotes
                rest = rest.dropFirst()
            } else {
                let after = String(rest).trimmingSpaces
                return after.isEmpty || after.hasPrefix("#") && rest.first != "#" ? inside : nil
            }
        }
        return nil
    }

    private static func at(_ index: Int, _ column: Int) -> SourceRange {
        SourceRange(at: SourceLocation(line: index + 1, column: column))
    }

    private static func trimmed(_ s: String) -> String { s.trimmingSpaces }

    private static func leadingSpaces(_ s: Substring) -> Int { s.prefix { $0 == " " || $0 == "\t" }.count }
}

extension String {
    /// The string without leading and trailing spaces, tabs and carriage returns.
    var trimmingSpaces: String {
        let chars = Array(self)
        var a = 0
        var b = chars.count
        while a < b, chars[a] == " " || chars[a] == "\t" || chars[a] == "\r" { a += 1 }
        while b > a, chars[b - 1] == " " || chars[b - 1] == "\t" || chars[b - 1] == "\r" { b -= 1 }
        return String(chars[a..<b])
    }
}
