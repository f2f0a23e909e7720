import Language

/// The `{#id rtol=… atol=… timeout=… expect=error skip=true seed=…}` of an `ntk` block.
package struct BlockAttributes: Equatable, Sendable {
    package var id: String?
    package var rtol: Double?
    package var atol: Double?
    package var timeout: Double?
    /// `expect=error`: the block must fail.
    package var expectError = false
    package var skip = false
    package var seed: UInt64?

    package init() {}

    static let keys = ["rtol", "atol", "timeout", "expect", "skip", "seed"]

    /// Parses the info string after `ntk`. `column` is the file column of `info`'s first
    /// character, so errors point at the attribute itself.
    static func parse(_ info: String, line: Int, column: Int) throws(Diagnostic) -> BlockAttributes {
        var attrs = BlockAttributes()
        let chars = Array(info)
        func loc(_ i: Int, _ j: Int) -> SourceRange {
            SourceRange(SourceLocation(line: line, column: column + i), SourceLocation(line: line, column: column + j))
        }
        var i = 0
        while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
        if i == chars.count { return attrs }
        guard chars[i] == "{" else {
            throw .error(
                "unexpected text after 'ntk'; block attributes go in braces, like ntk {#id seed=1}",
                at: loc(i, chars.count))
        }
        guard let closeIndex = chars.lastIndex(of: "}"), closeIndex > i else {
            throw .error("block attributes opened with '{' are never closed", at: loc(i, i + 1))
        }
        if let extra = chars[(closeIndex + 1)...].firstIndex(where: { $0 != " " && $0 != "\t" }) {
            throw .error("unexpected text after the block attributes", at: loc(extra, chars.count))
        }
        var seen: [String: String] = [:]
        var j = i + 1
        while j < closeIndex {
            while j < closeIndex, chars[j] == " " || chars[j] == "\t" || chars[j] == "," { j += 1 }
            if j >= closeIndex { break }
            let start = j
            var inQuote: Character?
            while j < closeIndex {
                let c = chars[j]
                if let q = inQuote {
                    if c == q { inQuote = nil }
                } else if c == "\"" || c == "'" {
                    inQuote = c
                } else if c == " " || c == "\t" || c == "," {
                    break
                }
                j += 1
            }
            let item = String(chars[start..<j])
            if !item.contains("="), !item.hasPrefix("#"), !item.hasPrefix(".") {
                var k = j
                while k < closeIndex, chars[k] == " " || chars[k] == "\t" { k += 1 }
                if k < closeIndex, chars[k] == "=" {
                    throw .error("no spaces around '=' in block attributes: write \(item)=…", at: loc(start, k + 1))
                }
            }
            let key = item.hasPrefix("#") ? "#" : String(item.prefix { $0 != "=" })
            if let first = seen[key], !item.hasPrefix(".") {
                throw .error(
                    key == "#"
                        ? "block has two ids ('\(first)' and '\(item)')"
                        : "block attribute '\(key)' is given twice", at: loc(start, j))
            }
            seen[key] = item
            try attrs.apply(item, range: loc(start, j))
        }
        return attrs
    }

    private mutating func apply(_ item: String, range: SourceRange) throws(Diagnostic) {
        if item.hasPrefix("#") {
            let name = String(item.dropFirst())
            guard BlockAttributes.isValidID(name) else {
                throw .error(
                    "block id '\(name)' must be letters, digits, '_' or '-', starting with a letter or '_'", at: range)
            }
            id = name
            return
        }
        if item.hasPrefix(".") { return }  // a class, as in Pandoc attributes: allowed, unused
        guard let eq = item.firstIndex(of: "=") else {
            throw .error(
                "block attribute '\(item)' must be '#id' or key=value\(Suggestions.hint(for: item, in: BlockAttributes.keys))",
                at: range)
        }
        let key = String(item[..<eq])
        var value = String(item[item.index(after: eq)...])
        if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
            value = String(value.dropFirst().dropLast())
        }
        func number(min: Double, strict: Bool) throws(Diagnostic) -> Double {
            guard let x = Double(value), x.isFinite, strict ? x > min : x >= min else {
                throw .error(
                    "block attribute '\(key)' must be a \(strict ? "positive" : "non-negative") number, got '\(value)'",
                    at: range)
            }
            return x
        }
        switch key {
        case "rtol": rtol = try number(min: 0, strict: false)
        case "atol": atol = try number(min: 0, strict: false)
        case "timeout": timeout = try number(min: 0, strict: true)
        case "expect":
            guard value == "error" else {
                throw .error("block attribute 'expect' only takes the value 'error', got '\(value)'", at: range)
            }
            expectError = true
        case "skip":
            switch value {
            case "true": skip = true
            case "false": skip = false
            default: throw .error("block attribute 'skip' must be true or false, got '\(value)'", at: range)
            }
        case "seed":
            guard let s = UInt64(value) else {
                throw .error(
                    "block attribute 'seed' must be a whole number from 0 to 2^64-1, got '\(value)'", at: range)
            }
            seed = s
        case "id":
            guard BlockAttributes.isValidID(value) else { throw .error("invalid block id '\(value)'", at: range) }
            id = value
        default:
            throw .error(
                "unknown block attribute '\(key)'\(Suggestions.hint(for: key, in: BlockAttributes.keys))", at: range)
        }
    }

    static func isValidID(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
