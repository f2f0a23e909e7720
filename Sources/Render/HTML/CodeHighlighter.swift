import Language

/// Syntax highlighting of `ntk` code as HTML spans (keywords, builtins, numbers, strings,
/// comments), using the language's own lexer so the colours match what the parser sees.
enum CodeHighlighter {
    static func html(_ code: String) -> String {
        code.physicalLines.map { line(String($0.withoutCarriageReturn)) }.joined(separator: "\n")
    }

    static func line(_ text: String) -> String {
        let chars = Array(text)
        // Split off a comment (a '#' outside a string).
        var commentStart: Int?
        var quote: Character?
        for (i, c) in chars.enumerated() {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                commentStart = i
                break
            }
        }
        let codePart = String(chars[..<(commentStart ?? chars.count)])
        var out = ""
        // Tokenize the code part alone; on a lexer error fall back to plain text.
        let tokens = (try? Lexer(SourceText(codePart)).tokenize()) ?? []
        var cursor = 0
        let codeChars = Array(codePart)
        for t in tokens where t.kind != .newline && t.kind != .end {
            let a = t.range.start.column - 1
            let b = t.range.end.column - 1
            guard a >= cursor, b <= codeChars.count, a <= b else { continue }
            out += HTMLText.escape(String(codeChars[cursor..<a]))
            let text = HTMLText.escape(String(codeChars[a..<b]))
            if let cls = cssClass(t) { out += "<span class=\"\(cls)\">\(text)</span>" } else { out += text }
            cursor = b
        }
        out += HTMLText.escape(String(codeChars[cursor...]))
        if let c = commentStart {
            out += "<span class=\"tok-comment\">" + HTMLText.escape(String(chars[c...])) + "</span>"
        }
        return out
    }

    private static func cssClass(_ t: Token) -> String? {
        switch t.kind {
        case .number: return "tok-number"
        case .string: return "tok-string"
        case .keyword: return "tok-keyword"
        case .identifier(let name):
            return BuiltinCatalog.names.contains(name) ? "tok-builtin" : nil
        case .symbol(let s): return s == .at || s == .caret ? "tok-op" : nil
        default: return nil
        }
    }
}
