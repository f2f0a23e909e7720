/// Splits an HTML fragment into text, tags and comments the way a browser's tokenizer does
/// (WHATWG "data" state: tag names end at whitespace, `/` or `>`; attribute values are quoted
/// or end at whitespace or `>`; a tag cut off by the end of the input is discarded; raw-text
/// elements such as `<script>` and `<textarea>` hold text up to their end tag).
///
/// It exists for `HTMLSanitizer`, which never copies markup through: it rebuilds every tag it
/// keeps from the parsed name and attributes, so a tag this tokenizer misreads can only be
/// dropped or shown as text, never smuggled into the page.
struct HTMLTokenizer {
    struct Attribute: Equatable {
        /// Lower-cased, as the browser stores it.
        var name: String
        /// Character references decoded (`HTMLEntities.decode`); nil for a bare `open`.
        var value: String?
    }

    enum Token: Equatable {
        /// Source text between tags, character references still encoded.
        case text(String)
        case startTag(name: String, attributes: [Attribute], selfClosing: Bool)
        case endTag(name: String)
        /// Comments, doctypes, `<?…>`, `<![CDATA[…]]>` and other bogus comments.
        case comment
    }

    /// Elements whose contents the tokenizer reads as text up to `</name` (scripting on, so
    /// `noscript` is one of them).
    static let rawTextElements: Set<String> = [
        "script", "style", "xmp", "iframe", "noembed", "noframes",
        "noscript", "textarea", "title", "plaintext"
    ]

    private let b: [UInt8]
    private var i = 0

    init(_ html: String) { b = Array(html.utf8) }

    /// The next token; nil at the end of the input.
    mutating func next() -> Token? {
        guard i < b.count else { return nil }
        if b[i] != Self.lt { return .text(readText()) }
        let start = i
        if let token = markup() { return token }
        // `<` that opens nothing (`a < b`, `<3`) is text.
        i = start + 1
        return .text("<" + readText())
    }

    // MARK: Text and markup

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/")
    private static let bang = UInt8(ascii: "!"), question = UInt8(ascii: "?")
    private static let equals = UInt8(ascii: "="), dquote = UInt8(ascii: "\""), squote = UInt8(ascii: "'")

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D }
    private static func isLetter(_ c: UInt8) -> Bool {
        (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
    }

    private mutating func readText() -> String {
        let start = i
        while i < b.count, b[i] != Self.lt { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    /// The markup at `<`, or nil when the `<` is text.
    private mutating func markup() -> Token? {
        guard i + 1 < b.count else { return nil }
        let c = b[i + 1]
        if c == Self.bang {
            i += 2
            if has("--") {
                i += 2
                skipComment()
            } else {
                skipPast(Self.gt)
            }
            return .comment
        }
        if c == Self.question {
            i += 1
            skipPast(Self.gt)
            return .comment
        }
        if c == Self.slash {
            guard i + 2 < b.count else { return nil }
            if b[i + 2] == Self.gt {
                i += 3
                return .comment
            }  // `</>` is ignored
            guard Self.isLetter(b[i + 2]) else {
                i += 2
                skipPast(Self.gt)
                return .comment
            }
            i += 2
            let name = readTagName()
            // An end tag's attributes are read and thrown away; one cut off by the end is dropped.
            guard readAttributes() != nil else { return .comment }
            return .endTag(name: name)
        }
        guard Self.isLetter(c) else { return nil }
        i += 1
        let name = readTagName()
        guard let (attributes, selfClosing) = readAttributes() else { return .comment }
        return .startTag(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    private func has(_ s: String) -> Bool {
        let p = Array(s.utf8)
        return i + p.count <= b.count && b[i..<(i + p.count)].elementsEqual(p)
    }

    private mutating func skipPast(_ c: UInt8) {
        while i < b.count, b[i] != c { i += 1 }
        if i < b.count { i += 1 }
    }

    /// After `<!--`: up to `-->` or `--!>`; `<!-->` and `<!--->` are whole comments; an
    /// unclosed comment runs to the end.
    private mutating func skipComment() {
        if has(">") {
            i += 1
            return
        }
        if has("->") {
            i += 2
            return
        }
        while i < b.count {
            if has("-->") {
                i += 3
                return
            }
            if has("--!>") {
                i += 4
                return
            }
            i += 1
        }
    }

    private mutating func readTagName() -> String {
        let start = i
        while i < b.count, !Self.isSpace(b[i]), b[i] != Self.slash, b[i] != Self.gt { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self).asciiLowercased
    }

    /// The attributes up to and including `>`; nil when the input ends first (the browser
    /// discards such a tag).
    private mutating func readAttributes() -> ([Attribute], Bool)? {
        var attributes: [Attribute] = []
        var selfClosing = false
        while i < b.count {
            let c = b[i]
            if Self.isSpace(c) {
                i += 1
                continue
            }
            if c == Self.gt {
                i += 1
                return (attributes, selfClosing)
            }
            if c == Self.slash {
                i += 1
                selfClosing = i < b.count && b[i] == Self.gt
                continue
            }
            selfClosing = false
            // The name: a leading `=` belongs to it; it ends at whitespace, `/`, `>` or `=`.
            let start = i
            i += 1
            while i < b.count, !Self.isSpace(b[i]), b[i] != Self.slash, b[i] != Self.gt, b[i] != Self.equals { i += 1 }
            let name = String(decoding: b[start..<i], as: UTF8.self).asciiLowercased
            var j = i
            while j < b.count, Self.isSpace(b[j]) { j += 1 }
            guard j < b.count, b[j] == Self.equals else {
                attributes.append(Attribute(name: name, value: nil))
                continue
            }
            i = j + 1
            while i < b.count, Self.isSpace(b[i]) { i += 1 }
            guard i < b.count else { return nil }
            let raw: String
            if b[i] == Self.dquote || b[i] == Self.squote {
                let q = b[i]
                i += 1
                let vStart = i
                while i < b.count, b[i] != q { i += 1 }
                guard i < b.count else { return nil }
                raw = String(decoding: b[vStart..<i], as: UTF8.self)
                i += 1
            } else {
                let vStart = i
                while i < b.count, !Self.isSpace(b[i]), b[i] != Self.gt { i += 1 }
                raw = String(decoding: b[vStart..<i], as: UTF8.self)
            }
            attributes.append(Attribute(name: name, value: HTMLEntities.decode(raw, inAttribute: true)))
        }
        return nil
    }

    /// After a raw-text element's start tag: its text up to `</name` followed by whitespace, `/`
    /// or `>` (the end tag itself is consumed). Nil, consuming nothing, when there is no such end
    /// tag (the caller decides what to do with the rest).
    mutating func rawText(until name: String) -> String? {
        let closing = Array(("</" + name).utf8)
        var j = i
        while j + closing.count <= b.count {
            if b[j] == Self.lt, zip(b[j..<(j + closing.count)], closing).allSatisfy({ $0 | 0x20 == $1 | 0x20 }),
                j + closing.count == b.count || Self.isSpace(b[j + closing.count])
                    || b[j + closing.count] == Self.slash || b[j + closing.count] == Self.gt
            {
                let text = String(decoding: b[i..<j], as: UTF8.self)
                i = j + closing.count
                skipPast(Self.gt)
                return text
            }
            j += 1
        }
        return nil
    }

    /// After the start tag of `name`: skips to the end tag that closes it (counting nested ones).
    /// False, consuming nothing, when the input ends first.
    mutating func skipElement(_ name: String) -> Bool {
        let saved = i
        var depth = 1
        while let token = next() {
            switch token {
            case .startTag(name, _, false): depth += 1
            case .endTag(name):
                depth -= 1
                if depth == 0 { return true }
            default: break
            }
        }
        i = saved
        return false
    }
}

extension String {
    /// A-Z lowered, nothing else touched (HTML names are ASCII-case-insensitive only).
    var asciiLowercased: String {
        String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
