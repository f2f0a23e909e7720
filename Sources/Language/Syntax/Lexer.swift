/// Turns a block's source into tokens. A newline ends a statement unless a `(` or `[` is open;
/// `#` starts a comment that runs to the end of the line. Indentation is tokenised as CPython
/// does: a logical line indented deeper than the one before emits `indent`, one indented less
/// emits a `dedent` per body it closes; blank and comment-only lines do not count.
package struct Lexer {
    private let source: SourceText

    package init(_ source: SourceText) { self.source = source }

    /// The longest line of code, in bytes.
    package static let maxLineBytes = 1 << 20

    package func tokenize() throws(Diagnostic) -> [Token] {
        var tokens: [Token] = []
        var open: [Token] = []  // unclosed ( and [
        var indents: [Int] = [0]
        // The leading whitespace of the block's first line of code is its baseline (a block
        // may be indented as a whole, and a tab after a quote marker leaves some behind).
        let baseline: [Character] =
            source.lines.lazy.map { Array($0.text) }.first { chars in
                let lead = chars.prefix { $0 == " " || $0 == "\t" }.count
                return lead < chars.count && chars[lead] != "#" && chars[lead] != "\r"
            }.map { Array($0.prefix { $0 == " " || $0 == "\t" }) } ?? []
        for line in source.lines {
            // A code line longer than this is data pasted into the notebook; refusing it keeps a
            // 100 MB one-liner from costing gigabytes (each Character below takes 16 bytes).
            if line.text.utf8.count > Lexer.maxLineBytes {
                throw .error(
                    "this line of code is \(line.text.utf8.count / (1 << 20)) MiB long; lines of ntk code are limited "
                        + "to 1 MiB (put data in a .npy or .csv file and load() it)",
                    at: SourceRange(at: SourceLocation(line: line.number, column: line.columnOffset + 1)))
            }
            let chars = Array(line.text)
            var i = 0
            func loc(_ k: Int) -> SourceLocation {
                SourceLocation(line: line.number, column: line.columnOffset + k + 1)
            }
            if open.isEmpty {
                // The start of a logical line: measure its indentation (spaces only).
                var lead = 0
                while lead < chars.count, chars[lead] == " " || chars[lead] == "\t" { lead += 1 }
                let blank =
                    lead == chars.count || chars[lead] == "#" || (chars[lead] == "\r" && lead + 1 == chars.count)
                let base = baseline.count
                // A tab past the part of the indentation the baseline accounts for is a tab in
                // indentation, whether or not the line also starts differently from the baseline.
                let common = zip(chars[..<lead], baseline).prefix { $0 == $1 }.count
                if !blank, let tab = chars[common..<lead].firstIndex(of: "\t") {
                    throw .error("a tab in indentation; indent with spaces", at: SourceRange(loc(tab), loc(tab + 1)))
                }
                if !blank, !chars.starts(with: baseline) {
                    throw .error(
                        "this line is indented less than the first line of the block",
                        at: SourceRange(loc(0), loc(lead)))
                }
                let width = lead - base
                if !blank {
                    if width > indents.last! {
                        indents.append(width)
                        tokens.append(Token(.indent, SourceRange(loc(0), loc(lead)), text: ""))
                    } else if width < indents.last! {
                        while width < indents.last! {
                            indents.removeLast()
                            tokens.append(Token(.dedent, SourceRange(at: loc(lead)), text: ""))
                        }
                        if width != indents.last! {
                            throw .error(
                                "this line's indentation (\(width) spaces) matches no enclosing body "
                                    + "(the bodies around it are indented \(indents.map(String.init).joined(separator: ", ")) spaces)",
                                at: SourceRange(loc(0), loc(lead)))
                        }
                    }
                }
                i = lead
            }
            while i < chars.count {
                let c = chars[i]
                if c == "#" { break }
                if c == " " || c == "\t" || c == "\r" {
                    i += 1
                    continue
                }
                let start = i
                if c.isNumber && c.isASCII
                    || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber)
                {
                    i = scanNumber(chars, from: i)
                    // `1e`, `0x1F`, `1_000`, `2x`: letters glued to a number are part of a bad number.
                    var end = i
                    while end < chars.count, chars[end].isLetter || chars[end].isNumber || chars[end] == "_" {
                        end += 1
                    }
                    if end > i {
                        let text = String(chars[start..<end])
                        throw .error(
                            "malformed number '\(text)'\(Lexer.numberHint(text))", at: SourceRange(loc(start), loc(end))
                        )
                    }
                    let text = String(chars[start..<i])
                    guard let value = Double(text) else {
                        throw .error("malformed number '\(text)'", at: SourceRange(loc(start), loc(i)))
                    }
                    tokens.append(Token(.number(value), SourceRange(loc(start), loc(i)), text: text))
                    continue
                }
                if c == "f" || c == "F", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "'",
                    i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_")
                {
                    let (pieces, next) = try scanFString(chars, from: i + 1, quote: chars[i + 1], loc: loc)
                    i = next
                    tokens.append(
                        Token(.fstring(pieces), SourceRange(loc(start), loc(i)), text: String(chars[start..<i])))
                    continue
                }
                if c.isLetter || c == "_" {
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                    let text = String(chars[start..<i])
                    let range = SourceRange(loc(start), loc(i))
                    if text == "inf" {
                        tokens.append(Token(.number(.infinity), range, text: text))
                    } else if text == "nan" {
                        tokens.append(Token(.number(.nan), range, text: text))
                    } else if let k = Keyword(rawValue: text) {
                        tokens.append(Token(.keyword(k), range, text: text))
                    } else {
                        tokens.append(Token(.identifier(text), range, text: text))
                    }
                    continue
                }
                if c == "\"" || c == "'" {
                    let (value, next) = try scanString(chars, from: i, quote: c, loc: loc)
                    i = next
                    tokens.append(
                        Token(.string(value), SourceRange(loc(start), loc(i)), text: String(chars[start..<i])))
                    continue
                }
                if i + 1 < chars.count, let s = Symbol(rawValue: String(chars[i...i + 1])) {
                    i += 2
                    tokens.append(Token(.symbol(s), SourceRange(loc(start), loc(i)), text: s.rawValue))
                    continue
                }
                guard let s = Symbol(rawValue: String(c)) else {
                    let what = c == "!" ? "'!' is not an operator (use 'not', or '!=')" : Lexer.unexpected(c)
                    throw .error(what, at: SourceRange(loc(i), loc(i + 1)))
                }
                i += 1
                let token = Token(.symbol(s), SourceRange(loc(start), loc(i)), text: s.rawValue)
                switch s {
                case .leftParen, .leftBracket: open.append(token)
                case .rightParen, .rightBracket:
                    let want: Symbol = s == .rightParen ? .leftParen : .leftBracket
                    guard let top = open.last else {
                        throw .error("unmatched '\(s.rawValue)'", at: token.range)
                    }
                    guard top.kind == .symbol(want) else {
                        let close = top.kind == .symbol(.leftParen) ? ")" : "]"
                        throw .error(
                            "'\(s.rawValue)' does not match '\(top.text)' opened at \(top.range.start) (expected '\(close)')",
                            at: token.range)
                    }
                    open.removeLast()
                default: break
                }
                tokens.append(token)
            }
            if open.isEmpty, let last = tokens.last, last.kind != .newline {
                // The end of the statement is right after its last token (not after a comment).
                let at = last.range.end.line == line.number ? last.range.end : loc(chars.count)
                tokens.append(Token(.newline, SourceRange(at: at), text: ""))
            }
        }
        if let unclosed = open.last {
            throw .error("'\(unclosed.text)' was never closed", at: unclosed.range)
        }
        let endLocation =
            source.lines.last.map {
                SourceLocation(line: $0.number, column: $0.columnOffset + $0.text.count + 1)
            } ?? SourceLocation(line: 1, column: 1)
        for _ in indents.dropFirst() { tokens.append(Token(.dedent, SourceRange(at: endLocation), text: "")) }
        tokens.append(Token(.end, SourceRange(at: endLocation), text: ""))
        return tokens
    }

    /// What to write instead of a malformed number.
    static func numberHint(_ text: String) -> String {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") || lower.hasPrefix("0b") || lower.hasPrefix("0o") {
            return " (only decimal numbers are supported)"
        }
        if text.contains("_") { return " (write numbers without '_')" }
        if lower.last == "e" || lower.hasSuffix("e+") || lower.hasSuffix("e-") {
            return " (an exponent needs digits: 1e3)"
        }
        return " (put an operator between a number and a name: 2 * x)"
    }

    /// "unexpected character" naming invisible and look-alike characters by code point.
    static func unexpected(_ c: Character) -> String {
        let scalars = c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
        let lookalikes: [UInt32: (String, String)] = [
            0x2212: ("MINUS SIGN", "use '-'"), 0x2013: ("EN DASH", "use '-'"), 0x2014: ("EM DASH", "use '-'"),
            0x00A0: ("NO-BREAK SPACE", "use a plain space"), 0x200B: ("ZERO WIDTH SPACE", "delete it"),
            0xFEFF: ("ZERO WIDTH NO-BREAK SPACE", "delete it"), 0x2009: ("THIN SPACE", "use a plain space"),
            0x2018: ("LEFT SINGLE QUOTATION MARK", "use '\\''"), 0x2019: ("RIGHT SINGLE QUOTATION MARK", "use '\\''"),
            0x201C: ("LEFT DOUBLE QUOTATION MARK", "use '\"'"), 0x201D: ("RIGHT DOUBLE QUOTATION MARK", "use '\"'"),
            0x00D7: ("MULTIPLICATION SIGN", "use '*'"), 0x22C5: ("DOT OPERATOR", "use '*' or '@'"),
            0xFFFD: ("REPLACEMENT CHARACTER", "the text was damaged here")
        ]
        let visible = c.unicodeScalars.allSatisfy {
            !$0.properties.isWhitespace && $0.value >= 0x20 && !(0x7f...0x9f).contains($0.value)
                && !(0x200B...0x200F).contains($0.value) && $0.value != 0xFEFF
        }
        var detail = scalars
        if let first = c.unicodeScalars.first, let (name, fix) = lookalikes[first.value] {
            detail += " \(name); \(fix)"
        }
        return visible ? "unexpected character '\(c)' (\(detail))" : "unexpected invisible character \(detail)"
    }

    private func scanNumber(_ chars: [Character], from start: Int) -> Int {
        var i = start
        func digits() { while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 } }
        digits()
        if i < chars.count, chars[i] == ".",
            !(i + 1 < chars.count && (chars[i + 1].isLetter || chars[i + 1] == "_"))
        {
            i += 1
            digits()
        }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, chars[j].isASCII, chars[j].isNumber {
                i = j
                digits()
            }
        }
        return i
    }

    /// The character a backslash escape in a string stands for (`\n \t \\ \" \'`).
    static func escaped(_ c: Character, at range: SourceRange) throws(Diagnostic) -> Character {
        switch c {
        case "n": return "\n"
        case "t": return "\t"
        case "\\", "\"", "'": return c
        default: throw .error("unknown escape '\\\(c)' in string", at: range)
        }
    }

    /// The rest of an f-string after its `f` and opening quote: literal text (with the same
    /// escapes as strings, `{{` and `}}` for braces) and `{code}` / `{code:spec}` fields. A
    /// field's spec starts at the first `:` outside brackets, parentheses and strings.
    private func scanFString(
        _ chars: [Character], from quoteIndex: Int, quote: Character,
        loc: (Int) -> SourceLocation
    ) throws(Diagnostic) -> ([FStringPiece], Int) {
        var pieces: [FStringPiece] = []
        var literal = ""
        var i = quoteIndex + 1
        func flush() {
            if !literal.isEmpty {
                pieces.append(.literal(literal))
                literal = ""
            }
        }
        while i < chars.count {
            let c = chars[i]
            if c == quote {
                flush()
                return (pieces, i + 1)
            }
            if c == "\\", i + 1 < chars.count {
                literal.append(try Lexer.escaped(chars[i + 1], at: SourceRange(loc(i), loc(i + 2))))
                i += 2
                continue
            }
            if c == "{" || c == "}" {
                if i + 1 < chars.count, chars[i + 1] == c {
                    literal.append(c)
                    i += 2
                    continue
                }
                if c == "}" {
                    throw .error(
                        "a single '}' in an f-string (write '}}' for a brace)", at: SourceRange(loc(i), loc(i + 1)))
                }
                // A field: find its end, and where its spec starts.
                let open = i
                var j = i + 1
                var depth = 0
                var specStart: Int?
                var inString: Character?
                while j < chars.count {
                    let d = chars[j]
                    if let q = inString {
                        if d == "\\" {
                            j += 2
                            continue
                        }
                        if d == q { inString = nil }
                    } else if d == quote {
                        break
                    } else if d == "\"" || d == "'" {
                        inString = d
                    } else if d == "(" || d == "[" || d == "{" {
                        if specStart == nil { depth += 1 }
                    } else if d == ")" || d == "]" {
                        if specStart == nil { depth -= 1 }
                    } else if d == "}" {
                        if depth == 0 { break }
                        if specStart == nil { depth -= 1 }
                    } else if d == ":", depth == 0, specStart == nil {
                        specStart = j
                    }
                    j += 1
                }
                guard j < chars.count, chars[j] == "}" else {
                    throw .error(
                        "'{' in an f-string is never closed with '}' (write '{{' for a brace)",
                        at: SourceRange(loc(open), loc(open + 1)))
                }
                let codeEnd = specStart ?? j
                let code = String(chars[(open + 1)..<codeEnd])
                if code.allSatisfy({ $0 == " " }) {
                    throw .error("an empty field '{}' in an f-string", at: SourceRange(loc(open), loc(j + 1)))
                }
                let spec = specStart.map { String(chars[($0 + 1)..<j]) }
                if let spec, spec.contains("{") || spec.contains("}") {
                    throw .error(
                        "nested fields in a format spec are not supported", at: SourceRange(loc(specStart!), loc(j)))
                }
                flush()
                pieces.append(
                    .field(code: code, codeStart: loc(open + 1), spec: spec, range: SourceRange(loc(open), loc(j + 1))))
                i = j + 1
                continue
            }
            literal.append(c)
            i += 1
        }
        throw .error("unterminated string", at: SourceRange(loc(quoteIndex - 1), loc(chars.count)))
    }

    private func scanString(
        _ chars: [Character], from start: Int, quote: Character,
        loc: (Int) -> SourceLocation
    ) throws(Diagnostic) -> (String, Int) {
        var i = start + 1
        var value = ""
        while i < chars.count {
            let c = chars[i]
            if c == quote { return (value, i + 1) }
            if c == "\\", i + 1 < chars.count {
                value.append(try Lexer.escaped(chars[i + 1], at: SourceRange(loc(i), loc(i + 2))))
                i += 2
                continue
            }
            value.append(c)
            i += 1
        }
        throw .error("unterminated string", at: SourceRange(loc(start), loc(chars.count)))
    }
}
