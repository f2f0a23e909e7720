/// Ids and permalinks for the headings of a page's prose, so a reader can link to a section
/// and the page can list its sections ("On this page") and the search can point at them.
///
/// Ids follow GitHub's slug rules (lowercase; letters, digits, `-` and `_` kept; spaces become
/// `-`; other punctuation dropped; a repeated slug gets `-1`, `-2`, …), so a link written for
/// GitHub (`notes.md#training-loop`) works on the site. They never take an id the site itself
/// uses (`search`, `content`, …) nor one of its prefixes (`block-`, `fig-`, `figure-`, `fn-`,
/// `fnref-`): such a slug is prefixed with `section-`. Prose cannot set ids of its own (the
/// sanitizer keeps only the footnotes'), so these ids cannot be forged or taken first.
enum HeadingAnchors {
    /// A heading of the page, in document order.
    struct Heading: Equatable {
        var level: Int
        var id: String
        /// The heading's text: plain, math placeholders left in (to be typeset in the outline) …
        var text: String
        /// … and with each formula as its TeX (the slug and the permalink's label are made of it).
        var label: String
        /// Where the heading's start tag is in the returned HTML (UTF-8 offset).
        var offset: Int
    }

    /// Ids the site's layout and script use.
    static let reservedIDs: Set<String> = [
        "search", "search-results", "content", "toc", "toc-title", "theme-toggle", "skip-link", "sidebar", "menu-toggle"
    ]
    /// Prefixes of the ids of blocks, figures and footnotes.
    static let reservedPrefixes = ["block-", "fig-", "figure-", "fn-", "fnref-"]
    /// The class of the permalink (its text is not part of the heading's text for the search).
    static let anchorClass = "heading-anchor"

    /// GitHub's slug of a heading's text (before duplicates are numbered).
    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            let p = scalar.properties
            if scalar == " " {
                out += "-"
            } else if scalar == "-" || scalar == "_" || p.isAlphabetic || p.numericType != nil
                || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark
            {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `html` (sanitised prose, math still as placeholders) with an id and a permalink on each
    /// `<h1>`…`<h6>`, and the headings found.
    static func apply(_ html: String, math: [MathSpan] = []) -> (html: String, headings: [Heading]) {
        var used = reservedIDs
        var headings: [Heading] = []
        var out = ""
        out.reserveCapacity(html.utf8.count + 256)
        var rest = Substring(html)
        let pattern = /<h([1-6])((?: [^>]*)?)>(.*?)<\/h\1>/.dotMatchesNewlines()
        while let match = rest.firstMatch(of: pattern) {
            out += rest[..<match.range.lowerBound]
            let level = Int(match.output.1)!
            let inner = String(match.output.3)
            let text = plainText(inner)
            var label = text
            for span in math where label.contains(span.placeholder) {
                label = label.replacingOccurrences(of: span.placeholder, with: span.tex)
            }
            var base = slug(label)
            if base.isEmpty { base = "section" }
            if reservedPrefixes.contains(where: base.hasPrefix) { base = "section-" + base }
            var id = base
            var n = 0
            while used.contains(id) {
                n += 1
                id = "\(base)-\(n)"
            }
            used.insert(id)
            let attributes = String(match.output.2).replacing(#/ id="[^"]*"/#, with: "")
            let escapedID = HTMLText.escape(id)
            headings.append(Heading(level: level, id: id, text: text, label: label, offset: out.utf8.count))
            out += "<h\(level) id=\"\(escapedID)\"\(attributes)>\(inner)"
            out += "<a class=\"\(anchorClass)\" href=\"#\(escapedID)\" aria-label=\"Permalink: "
            out += HTMLText.escape(label, lineBreaks: .asSpaces) + "\">#</a></h\(level)>"
            rest = rest[match.range.upperBound...]
        }
        out += rest
        return (out, headings)
    }

    /// The text of a fragment of sanitised HTML: tags dropped, entities decoded, whitespace
    /// collapsed.
    static func plainText(_ html: String) -> String {
        var tokenizer = HTMLTokenizer(html)
        var text = ""
        while let token = tokenizer.next() {
            if case .text(let raw) = token { text += HTMLEntities.decode(raw, inAttribute: false) }
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
