/// Turns a block's source into tokens. A newline ends a statement unless a `(` or `[` is open;
/// `#` starts a comment that runs to the end of the line.
public struct Lexer {
    private let source: SourceText

    public init(_ source: SourceText) { self.source = source }

    public func tokenize() throws(Diagnostic) -> [Token] {
        var tokens: [Token] = []
        var open: [Token] = []  // unclosed ( and [
        for line in source.lines {
            let chars = Array(line.text)
            var i = 0
            func loc(_ k: Int) -> SourceLocation {
                SourceLocation(line: line.number, column: line.columnOffset + k + 1)
            }
            while i < chars.count {
                let c = chars[i]
                if c == "#" { break }
                if c == " " || c == "\t" || c == "\r" { i += 1; continue }
                let start = i
                if c.isNumber && c.isASCII || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                    i = scanNumber(chars, from: i)
                    let text = String(chars[start..<i])
                    guard let value = Double(text) else {
                        throw .error("malformed number '\(text)'", at: SourceRange(loc(start), loc(i)))
                    }
                    tokens.append(Token(.number(value), SourceRange(loc(start), loc(i)), text: text))
                    continue
                }
                if c.isLetter || c == "_" {
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                    let text = String(chars[start..<i])
                    let range = SourceRange(loc(start), loc(i))
                    if text == "inf" { tokens.append(Token(.number(.infinity), range, text: text)) }
                    else if text == "nan" { tokens.append(Token(.number(.nan), range, text: text)) }
                    else if let k = Keyword(rawValue: text) { tokens.append(Token(.keyword(k), range, text: text)) }
                    else { tokens.append(Token(.identifier(text), range, text: text)) }
                    continue
                }
                if c == "\"" || c == "'" {
                    let (value, next) = try scanString(chars, from: i, quote: c, loc: loc)
                    i = next
                    tokens.append(Token(.string(value), SourceRange(loc(start), loc(i)), text: String(chars[start..<i])))
                    continue
                }
                if i + 1 < chars.count, let s = Symbol(rawValue: String(chars[i...i + 1])) {
                    i += 2
                    tokens.append(Token(.symbol(s), SourceRange(loc(start), loc(i)), text: s.rawValue))
                    continue
                }
                guard let s = Symbol(rawValue: String(c)) else {
                    let what = c == "!" ? "'!' is not an operator (use 'not', or '!=')" : "unexpected character '\(c)'"
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
                        throw .error("'\(s.rawValue)' does not match '\(top.text)' opened at \(top.range.start) (expected '\(close)')",
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
        let endLocation = source.lines.last.map {
            SourceLocation(line: $0.number, column: $0.columnOffset + $0.text.count + 1)
        } ?? SourceLocation(line: 1, column: 1)
        tokens.append(Token(.end, SourceRange(at: endLocation), text: ""))
        return tokens
    }

    private func scanNumber(_ chars: [Character], from start: Int) -> Int {
        var i = start
        func digits() { while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 } }
        digits()
        if i < chars.count, chars[i] == ".",
           !(i + 1 < chars.count && (chars[i + 1].isLetter || chars[i + 1] == "_")) {
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

    private func scanString(_ chars: [Character], from start: Int, quote: Character,
                            loc: (Int) -> SourceLocation) throws(Diagnostic) -> (String, Int) {
        var i = start + 1
        var value = ""
        while i < chars.count {
            let c = chars[i]
            if c == quote { return (value, i + 1) }
            if c == "\\", i + 1 < chars.count {
                switch chars[i + 1] {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "'": value.append("'")
                default:
                    throw .error("unknown escape '\\\(chars[i + 1])' in string", at: SourceRange(loc(i), loc(i + 2)))
                }
                i += 2
                continue
            }
            value.append(c)
            i += 1
        }
        throw .error("unterminated string", at: SourceRange(loc(start), loc(chars.count)))
    }
}
