/// The text a reader sees in a page's rendered prose, read from the HTML cmark-gfm wrote (after
/// sanitising, before the math is typeset): the search index and the index page's summary are
/// made from it, not from the Markdown source, so they show what the page shows: no table
/// pipes, no Markdown punctuation, no escapes taken for text (`\,` in a formula).
///
/// Formulas stay whole: each is one piece that is never cut. In plain text (the search index)
/// a formula is its TeX source as written (`$\tau = \eta\,t$`): that is what a reader types
/// to find it, and flattening KaTeX's glyphs would lose its structure (`x^2` and `x_2` would
/// both read `x2`). In the index page's summary it is the typeset formula.
struct RenderedText {
    /// A run of text, or a formula.
    enum Piece: Equatable {
        case text(String)
        case math(MathSpan)
    }

    /// One block of text (a paragraph, heading, list item, table cell, …) in page order.
    struct Block: Equatable {
        var pieces: [Piece]
        /// A `<p>`: the summary is the first one with text.
        var isParagraph: Bool
        /// A heading's id (`HeadingAnchors`): where the search's sections start.
        var headingID: String? = nil
    }

    private(set) var blocks: [Block] = []

    /// Elements that start and end a block of text.
    static let blockElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "table", "thead", "tbody", "blockquote",
        "pre", "div", "section", "ul", "ol", "dl", "dt", "dd", "details", "summary", "figure", "figcaption", "hr",
        "caption"
    ]

    static let headingElements: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// Footnote markers (`¹`, `↩`): not part of the sentence they sit in.
    /// A heading's permalink (`#`) is no text either.
    static let skippedClasses: Set<String> = ["footnote-ref", "footnote-backref", HeadingAnchors.anchorClass]

    /// Reads `html` (prose with math placeholders and block tokens, as `PageRenderer` has it).
    init(html: String, math: [MathSpan]) {
        let byPlaceholder = Dictionary(math.map { ($0.placeholder, $0) }, uniquingKeysWith: { a, _ in a })
        let stem = math.first.map { String($0.placeholder.prefix { $0 != "x" }) + "x" }
        var tokenizer = HTMLTokenizer(html)
        var current: [Piece] = []
        var inParagraph = false
        var headingID: String?
        var skipping: (name: String, depth: Int)?
        func flush() {
            let pieces = Self.tidy(current)
            if !pieces.isEmpty || headingID != nil {
                blocks.append(Block(pieces: pieces, isParagraph: inParagraph, headingID: headingID))
            }
            current = []
            headingID = nil
        }
        while let token = tokenizer.next() {
            switch token {
            case .text(let raw):
                guard skipping == nil else { continue }
                let text = HTMLEntities.decode(raw, inAttribute: false)
                current += Self.pieces(text, stem: stem, math: byPlaceholder)
            case .startTag(let name, let attributes, let selfClosing):
                if var s = skipping {
                    if s.name == name, !selfClosing { s.depth += 1 }
                    skipping = s
                    continue
                }
                let classes = attributes.first { $0.name == "class" }?.value?.split(separator: " ") ?? []
                if HTMLTokenizer.rawTextElements.contains(name) {
                    // A script or style (raw HTML of an `--unsafe-html` page) is not text to read.
                    _ = tokenizer.rawText(until: name)
                } else if !selfClosing, classes.contains(where: { Self.skippedClasses.contains(String($0)) }) {
                    skipping = (name, 1)
                } else if Self.blockElements.contains(name) {
                    flush()
                    inParagraph = name == "p"
                    if Self.headingElements.contains(name) {
                        headingID = attributes.first { $0.name == "id" }?.value
                    }
                } else if name == "br" {
                    current.append(.text(" "))
                }
            case .endTag(let name):
                if var s = skipping {
                    if s.name == name { s.depth -= 1 }
                    skipping = s.depth == 0 ? nil : s
                    continue
                }
                if Self.blockElements.contains(name) {
                    flush()
                    inParagraph = false
                }
            case .comment:
                break
            }
        }
        flush()
    }

    /// The whole text, one block a line, formulas as their TeX source.
    var plain: String {
        blocks.map { Self.plain($0.pieces) }.joined(separator: "\n")
    }

    /// The first paragraph with text, cut to about `limit` characters (a formula counts its TeX).
    func summary(limit: Int = 220) -> [Piece] {
        guard let first = blocks.first(where: \.isParagraph) else { return [] }
        return Self.cut(first.pieces, limit: limit)
    }

    static func plain(_ pieces: [Piece]) -> String {
        pieces.map { piece -> String in
            switch piece {
            case .text(let t): return t
            case .math(let m): return m.source
            }
        }.joined()
    }

    /// `pieces` when they fit in `limit`; else cut at the last sentence end in the second half
    /// of the limit, or else at the last space with an ellipsis. A formula is never cut.
    static func cut(_ pieces: [Piece], limit: Int) -> [Piece] {
        // One unit per character, one per formula, with their weights.
        var units: [(Character?, MathSpan?, Int)] = []
        for piece in pieces {
            switch piece {
            case .text(let t): units += t.map { ($0, nil, 1) }
            case .math(let m): units.append((nil, m, max(m.tex.count, 1)))
            }
        }
        var prefix = [0]
        for unit in units { prefix.append(prefix[prefix.count - 1] + unit.2) }
        let fit = prefix.lastIndex { $0 <= limit } ?? 0
        guard fit < units.count else { return pieces }
        func isSpace(_ k: Int) -> Bool { units[k].0 == " " }
        func endsSentence(_ e: Int) -> Bool {
            guard let c = units[e - 1].0 else { return false }
            return ".!?".contains(c) && isSpace(e) && prefix[e] >= limit / 2
        }
        var end = fit
        var ellipsis = true
        if fit >= 1, let e = (1...fit).last(where: endsSentence) {
            end = e
            ellipsis = false
        } else if fit >= 1, let e = (1...fit).last(where: isSpace) {
            end = e
        }
        var out: [Piece] = []
        var text = ""
        for unit in units[..<end] {
            if let c = unit.0 {
                text.append(c)
            } else if let m = unit.1 {
                if !text.isEmpty { out.append(.text(text)) }
                text = ""
                out.append(.math(m))
            }
        }
        if ellipsis {
            while let last = text.last, last == " " || ",;:–—(".contains(last) { text.removeLast() }
            text += "…"
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }

    /// `text` split at the math placeholders it holds (block tokens dropped).
    static func pieces(_ text: String, stem: String?, math: [String: MathSpan]) -> [Piece] {
        var rest = Substring(text)
        var out: [Piece] = []
        let tokens = [stem, PageRenderer.blockTokenPrefix].compactMap { $0 }
        while let (range, stemLength) = firstToken(in: rest, tokens) {
            let digits = rest[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            let after = rest.index(range.upperBound, offsetBy: digits.count)
            guard !digits.isEmpty, after < rest.endIndex, rest[after] == "x" else {
                out.append(.text(String(rest[..<range.upperBound])))
                rest = rest[range.upperBound...]
                continue
            }
            let token = String(rest[range.lowerBound...after])
            out.append(.text(String(rest[..<range.lowerBound])))
            if stemLength > 0, let span = math[token] {
                out.append(.math(span))
            } else if stemLength > 0 {
                out.append(.text(token))
            }
            rest = rest[rest.index(after: after)...]
        }
        out.append(.text(String(rest)))
        return out
    }

    /// The first occurrence of any of `tokens` (stems); the length is 0 for a block token.
    private static func firstToken(in s: Substring, _ tokens: [String]) -> (Range<Substring.Index>, Int)? {
        var best: (Range<Substring.Index>, Int)?
        for t in tokens {
            guard let r = s.range(of: t) else { continue }
            if best == nil || r.lowerBound < best!.0.lowerBound {
                best = (r, t == PageRenderer.blockTokenPrefix ? 0 : t.count)
            }
        }
        return best
    }

    /// Whitespace collapsed to single spaces, the ends trimmed, neighbouring texts merged.
    static func tidy(_ pieces: [Piece]) -> [Piece] {
        var out: [Piece] = []
        for piece in pieces {
            guard case .text(let t) = piece else {
                out.append(piece)
                continue
            }
            var collapsed = ""
            var space = false
            for c in t {
                if c.isWhitespace {
                    space = true
                } else {
                    if space { collapsed.append(" ") }
                    space = false
                    collapsed.append(c)
                }
            }
            if space { collapsed.append(" ") }
            if case .text(let previous)? = out.last {
                out[out.count - 1] = .text(
                    previous.hasSuffix(" ") && collapsed.hasPrefix(" ")
                        ? previous + collapsed.dropFirst() : previous + collapsed)
            } else if !collapsed.isEmpty {
                out.append(.text(collapsed))
            }
        }
        if case .text(let t)? = out.first {
            let trimmed = String(t.drop { $0 == " " })
            if trimmed.isEmpty { out.removeFirst() } else { out[0] = .text(trimmed) }
        }
        if case .text(let t)? = out.last {
            let trimmed = String(t.reversed().drop { $0 == " " }.reversed())
            if trimmed.isEmpty { out.removeLast() } else { out[out.count - 1] = .text(trimmed) }
        }
        return out
    }
}
