/// One pass over an HTML document that puts rendered math in place of the placeholders,
/// aware of where markup is allowed (see `KaTeXRenderer.substitute`).
struct PlaceholderSubstitution {
    let h: [UInt8]
    let rendered: [String: String]
    var out: [UInt8] = []
    /// Lower-case name of the raw-text or escapable element we are in (`title`, `script`…).
    var rawTextElement: [UInt8]?

    static let stem = Array(MathExtractor.placeholderStem.utf8)
    static let rawTextElements: [[UInt8]] = ["title", "textarea", "script", "style"].map { Array($0.utf8) }
    static let displayPrefix = Array(#"<span class="katex-display""#.utf8)
    static let paragraphOpen = Array("<p>".utf8)
    static let paragraphClose = Array("</p>".utf8)

    init(html: String, rendered: [String: String]) {
        h = Array(html.utf8)
        self.rendered = rendered
        out.reserveCapacity(h.count * 2)
    }

    /// Whether `key` has the shape MathExtractor gives placeholders: stem, `[A-Z]*x[0-9]+x`.
    static func isPlaceholder(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let end = placeholderEnd(bytes, at: 0) else { return false }
        return end == bytes.count
    }

    /// The end of a placeholder starting at `i`, if one does.
    static func placeholderEnd(_ b: [UInt8], at i: Int) -> Int? {
        guard i + stem.count + 3 <= b.count else { return nil }
        for k in 0..<stem.count where b[i + k] != stem[k] { return nil }
        var j = i + stem.count
        while j < b.count, b[j] >= UInt8(ascii: "A"), b[j] <= UInt8(ascii: "Z") { j += 1 }
        guard j < b.count, b[j] == UInt8(ascii: "x") else { return nil }
        j += 1
        let digits = j
        while j < b.count, MathASCII.isDigit(b[j]) { j += 1 }
        guard j > digits, j < b.count, b[j] == UInt8(ascii: "x") else { return nil }
        return j + 1
    }

    mutating func run() -> String {
        var i = 0
        while i < h.count {
            let c = h[i]
            if c == MathASCII.less {
                if let raw = rawTextElement {
                    guard closesElement(raw, at: i) else {
                        out.append(c)
                        i += 1
                        continue
                    }
                    rawTextElement = nil
                }
                if let end = markupEnd(at: i) {
                    appendWithSourceText(i..<end)
                    if let name = rawTextElementOpened(at: i, end: end) { rawTextElement = name }
                    i = end
                } else {
                    out.append(c)
                    i += 1
                }
                continue
            }
            if c == Self.stem[0], let end = Self.placeholderEnd(h, at: i),
                let value = rendered[String(decoding: h[i..<end], as: UTF8.self)]
            {
                if rawTextElement != nil {
                    out.append(contentsOf: Self.sourceText(value).utf8)
                } else if value.utf8.starts(with: Self.displayPrefix), out.ends(with: Self.paragraphOpen),
                    h[end...].starts(with: Self.paragraphClose)
                {
                    out.removeLast(Self.paragraphOpen.count)
                    out.append(contentsOf: value.utf8)
                    i = end + Self.paragraphClose.count
                    continue
                } else {
                    out.append(contentsOf: value.utf8)
                }
                i = end
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Copies a tag or comment, with its placeholders as TeX source text.
    private mutating func appendWithSourceText(_ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            if h[i] == Self.stem[0], let end = Self.placeholderEnd(h, at: i), end <= range.upperBound,
                let value = rendered[String(decoding: h[i..<end], as: UTF8.self)]
            {
                out.append(contentsOf: Self.sourceText(value).utf8)
                i = end
            } else {
                out.append(h[i])
                i += 1
            }
        }
    }

    /// The end of the comment, tag, declaration or processing instruction at `i`; nil when
    /// the `<` is text.
    private func markupEnd(at i: Int) -> Int? {
        guard i + 1 < h.count else { return nil }
        if h[i...].starts(with: "<!--".utf8) {
            var j = i + 4
            while j + 3 <= h.count {
                if h[j] == MathASCII.minus, h[j + 1] == MathASCII.minus, h[j + 2] == MathASCII.greater { return j + 3 }
                j += 1
            }
            return h.count
        }
        let next = h[i + 1]
        guard
            MathASCII.isLetter(next) || next == MathASCII.slash || next == MathASCII.bang || next == MathASCII.question
        else { return nil }
        var quote: UInt8?
        var j = i + 1
        while j < h.count {
            let c = h[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == MathASCII.doubleQuote || c == MathASCII.singleQuote {
                quote = c
            } else if c == MathASCII.greater {
                return j + 1
            }
            j += 1
        }
        return h.count
    }

    /// The lower-case name when the tag at `i..<end` opens a raw-text or escapable element.
    private func rawTextElementOpened(at i: Int, end: Int) -> [UInt8]? {
        guard MathASCII.isLetter(h[i + 1]), end >= 2, h[end - 2] != MathASCII.slash else { return nil }
        var j = i + 1
        var name: [UInt8] = []
        while j < end, MathASCII.isLetter(h[j]) || MathASCII.isDigit(h[j]) {
            name.append(h[j] | 0x20)
            j += 1
        }
        return Self.rawTextElements.contains(name) ? name : nil
    }

    /// Whether `</name` (any case), followed by a space, `/` or `>`, starts at `i`.
    private func closesElement(_ name: [UInt8], at i: Int) -> Bool {
        let end = i + 2 + name.count
        guard end < h.count, h[i + 1] == MathASCII.slash else { return false }
        for k in 0..<name.count where h[i + 2 + k] | 0x20 != name[k] { return false }
        return MathASCII.isSpace(h[end]) || h[end] == MathASCII.greater || h[end] == MathASCII.slash
    }

    /// Escaped TeX source in its delimiters, recovered from rendered HTML: KaTeX's TeX
    /// annotation, the text of its error span, or else the text content of `html`.
    static func sourceText(_ html: String) -> String {
        let display = html.hasPrefix(#"<span class="katex-display""#)
        let open = #"<annotation encoding="application/x-tex">"#
        if let start = html.range(of: open),
            let end = html.range(of: "</annotation>", range: start.upperBound..<html.endIndex)
        {
            let tex = String(html[start.upperBound..<end.lowerBound])
            return display ? "$$\(tex)$$" : "$\(tex)$"
        }
        if html.hasPrefix(#"<span class="katex-error""#), let start = html.firstIndex(of: ">"),
            let end = html.range(of: "</span>", options: .backwards), start < end.lowerBound
        {
            return "$" + html[html.index(after: start)..<end.lowerBound] + "$"
        }
        var text = ""
        var inTag = false
        for ch in html.unicodeScalars {
            switch ch {
            case "<": inTag = true
            case ">" where inTag: inTag = false
            case _ where inTag: break
            case "\"": text += "&quot;"
            case "'": text += "&#39;"
            case ">": text += "&gt;"
            default: text.unicodeScalars.append(ch)
            }
        }
        return text
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
