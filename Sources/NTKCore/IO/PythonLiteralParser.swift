/// A recursive-descent parser for the dictionary in a `.npy` header. It reads
/// strings, numbers (also Python 2's `3L`), `True`, `False`, `None`, tuples,
/// lists and dictionaries with string keys, and nothing else, so it is safe
/// on any input.
struct PythonLiteralParser {
    struct Failure: Error { var message: String }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The whole header: one literal, then only whitespace (numpy pads with
    /// spaces and ends with a newline).
    mutating func parseHeader() throws(Failure) -> PythonLiteral {
        let value = try parseValue()
        skipWhitespace()
        guard position == scalars.count else { throw fail("unexpected text after the dictionary") }
        return value
    }

    private mutating func parseValue() throws(Failure) -> PythonLiteral {
        skipWhitespace()
        guard let c = peek() else { throw fail("unexpected end of header") }
        switch c {
        case "{":
            return try nested { (p: inout Self) throws(Failure) in
                try p.parseDict()
            }
        case "(":
            return try nested { (p: inout Self) throws(Failure) in
                let (items, sawComma) = try p.parseSequence(closing: ")")
                // `(3)` is just 3 in Python; `(3,)` is a tuple.
                if items.count == 1 && !sawComma { return items[0] }
                return .tuple(items)
            }
        case "[":
            return try nested { (p: inout Self) throws(Failure) in
                .list(try p.parseSequence(closing: "]").items)
            }
        case "'", "\"":
            return .string(try parseString())
        case "0"..."9", "-", "+", ".":
            return try parseNumber()
        default:
            let word = parseWord()
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "": throw fail("unexpected character '\(c)'")
            default: throw fail("unexpected name '\(word)'")
            }
        }
    }

    /// Guards against absurd nesting such as 100 000 opening brackets.
    private mutating func nested(
        _ body: (inout Self) throws(Failure) -> PythonLiteral
    ) throws(Failure) -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 32 else { throw fail("nested too deeply") }
        return try body(&self)
    }

    private mutating func parseDict() throws(Failure) -> PythonLiteral {
        position += 1  // {
        var entries: [(key: String, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            if peek() == "}" {
                position += 1
                return .dict(entries)
            }
            guard case .string(let key) = try parseValue() else { throw fail("dictionary keys must be strings") }
            skipWhitespace()
            guard peek() == ":" else { throw fail("expected ':' after '\(key)'") }
            position += 1
            entries.append((key, try parseValue()))
            skipWhitespace()
            switch peek() {
            case ",": position += 1
            case "}":
                position += 1
                return .dict(entries)
            default: throw fail("expected ',' or '}' in the dictionary")
            }
        }
    }

    private mutating func parseSequence(
        closing: Unicode.Scalar
    ) throws(Failure) -> (items: [PythonLiteral], sawComma: Bool) {
        position += 1  // ( or [
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if peek() == closing {
                position += 1
                return (items, sawComma)
            }
            items.append(try parseValue())
            skipWhitespace()
            if peek() == "," {
                position += 1
                sawComma = true
            } else if peek() == closing {
                position += 1
                return (items, sawComma)
            } else {
                throw fail("expected ',' or '\(closing)'")
            }
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        guard let quote = peek() else { throw fail("unexpected end of header") }
        position += 1
        var result = String.UnicodeScalarView()
        while let c = peek() {
            position += 1
            if c == quote { return String(result) }
            if c == "\\" {
                guard let escaped = peek() else { break }
                position += 1
                result.append(escaped)
            } else if c == "\n" {
                break
            } else {
                result.append(c)
            }
        }
        throw fail("unterminated string")
    }

    /// An integer, or a float such as `3.0` or `1e5` (which a valid header
    /// never has where a number is expected, but which deserves a clear message).
    private mutating func parseNumber() throws(Failure) -> PythonLiteral {
        let start = position
        if let sign = peek(), sign == "-" || sign == "+" { position += 1 }
        let digitsStart = position
        while let c = peek(), ("0"..."9").contains(c) { position += 1 }
        if let c = peek(), c == "." || c == "e" || c == "E" {
            while let c = peek(), ("0"..."9").contains(c) || "+-.eE".unicodeScalars.contains(c) {
                position += 1
            }
            let text = String(String.UnicodeScalarView(scalars[start..<position]))
            guard let value = Double(text) else { throw fail("malformed number '\(text)'") }
            return .float(value)
        }
        guard position > digitsStart else { throw fail("expected a number") }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Int(text) else { throw fail("number \(text) is too large") }
        if let suffix = peek(), suffix == "L" || suffix == "l" { position += 1 }  // Python 2 long
        return .int(value)
    }

    private mutating func parseWord() -> String {
        var word = String.UnicodeScalarView()
        while let c = peek(), c.properties.isAlphabetic || c == "_" {
            word.append(c)
            position += 1
        }
        return String(word)
    }

    private mutating func skipWhitespace() {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
    }

    private func peek() -> Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    private func fail(_ message: String) -> Failure { Failure(message: message) }
}
