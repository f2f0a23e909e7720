/// Makes the HTML cmark-gfm renders from untrusted prose safe to publish, the way GitHub does: an
/// allow-list of tags and attributes (after GitHub's html-pipeline SanitizationFilter), URLs
/// limited to `URLPolicy`'s schemes, everything else removed.
///
/// Nothing is copied through. The input is read with `HTMLTokenizer` and the output is rebuilt
/// from what was parsed: allowed tags with their allowed attributes, each value decoded, checked
/// and written back double-quoted and escaped; text with every `<` escaped; no comments. So the
/// browser reads the output exactly as the sanitizer did, whatever tricks the input played on
/// the tokenizer (`<scr<script>ipt>`, `jav&#x09;ascript:`, unclosed quotes, `<svg><script>`).
///
/// Disallowed tags are removed, not shown as text (GitHub does the same); `<script>`, `<style>`,
/// `<iframe>`, `<svg>`, `<math>` and the like go with their content.
package enum HTMLSanitizer {
    /// Tags that are kept (with only their allowed attributes).
    static let elements: Set<String> = [
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "wbr", "div", "span", "a", "img",
        "b", "i", "u", "s", "strike", "strong", "em", "tt", "code", "pre", "kbd", "samp", "var", "mark",
        "small", "sub", "sup", "ins", "del", "q", "cite", "dfn", "abbr", "bdo", "time", "ruby", "rt", "rp",
        "blockquote", "ol", "ul", "li", "dl", "dt", "dd", "details", "summary", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "section", "input"
    ]

    /// Elements without an end tag (`<br />` keeps its slash, as cmark writes it).
    static let voidElements: Set<String> = ["br", "hr", "wbr", "img", "input"]

    /// Dropped with everything inside them (raw-text elements are dropped with their text by
    /// the tokenizer's rules).
    static let droppedWithContent: Set<String> = ["svg", "math", "template", "object", "applet", "frameset", "select"]

    /// Attributes kept on any allowed element; none of them can hold a URL or a script.
    static let plainAttributes: Set<String> = [
        "alt", "title", "lang", "dir", "width", "height", "align", "valign", "colspan", "rowspan", "scope",
        "headers", "abbr", "start", "reversed", "type", "value", "open", "datetime", "border", "cellpadding",
        "cellspacing", "nowrap", "hspace", "vspace", "aria-label", "aria-hidden",
        // GFM footnotes mark their parts with these (no value that means anything to a browser).
        "data-footnotes", "data-footnote-ref", "data-footnote-backref"
    ]

    /// The classes GFM's footnotes carry, the only ones prose may set (but `language-…` on code).
    static let footnoteClasses: Set<String> = ["footnote-ref", "footnotes", "footnote-backref"]

    /// The ids GFM gives footnotes and their references (`fn-1`, `fnref-1`): prose may set no
    /// other, so it cannot take an id the site uses (`search`, `block-…`).
    static let idPrefixes = ["fn-", "fnref-"]

    /// The attributes that hold a URL, by element, and what the URL is for.
    static let urlAttributes: [String: [String: URLPolicy.Use]] = [
        "a": ["href": .link], "img": ["src": .image],
        "blockquote": ["cite": .citation], "q": ["cite": .citation], "del": ["cite": .citation],
        "ins": ["cite": .citation]
    ]

    package static func sanitize(_ html: String) -> String {
        var tokenizer = HTMLTokenizer(html)
        var out = ""
        out.reserveCapacity(html.utf8.count)
        // Elements with no end tag after some point: they cannot have one further on either, so
        // the input is scanned for each at most once (no quadratic blow-up on `<svg>` × 100 000).
        var unclosed: Set<String> = []
        while let token = tokenizer.next() {
            switch token {
            case .text(let text):
                out += text.replacingOccurrences(of: "<", with: "&lt;")
            case .comment:
                break
            case .endTag(let name):
                if elements.contains(name) && !voidElements.contains(name) { out += "</" + name + ">" }
            case .startTag(let name, let attributes, let selfClosing):
                if HTMLTokenizer.rawTextElements.contains(name) {
                    // Without an end tag only the tag goes; what follows is sanitised as usual.
                    if !unclosed.contains(name), tokenizer.rawText(until: name) == nil { unclosed.insert(name) }
                } else if droppedWithContent.contains(name) {
                    if !selfClosing, !unclosed.contains(name), !tokenizer.skipElement(name) { unclosed.insert(name) }
                } else if name == "input" {
                    out += checkbox(attributes)
                } else if elements.contains(name) {
                    out += startTag(name, attributes, selfClosing: selfClosing)
                }
            }
        }
        return out
    }

    /// The tag rebuilt with its allowed attributes, the first of each name (as browsers read it).
    static func startTag(_ name: String, _ attributes: [HTMLTokenizer.Attribute], selfClosing: Bool) -> String {
        var out = "<" + name
        var seen: Set<String> = []
        for attribute in attributes where seen.insert(attribute.name).inserted {
            guard let kept = allowed(attribute, on: name) else { continue }
            out += " " + kept.name
            if let value = kept.value { out += "=\"" + escapeAttribute(value) + "\"" }
        }
        return out + (selfClosing && voidElements.contains(name) ? " />" : ">")
    }

    /// A task list's box, as cmark-gfm writes it (`<input type="checkbox" disabled="" />`): an
    /// `input` is kept only as a disabled checkbox, with no attribute but `type`, `checked` and
    /// `disabled`, named "task" for a screen reader; any other input is removed.
    static func checkbox(_ attributes: [HTMLTokenizer.Attribute]) -> String {
        var firsts: [HTMLTokenizer.Attribute] = []
        var seen: Set<String> = []
        for a in attributes where seen.insert(a.name).inserted { firsts.append(a) }
        guard firsts.contains(where: { $0.name == "type" && $0.value?.asciiLowercased == "checkbox" }) else {
            return ""
        }
        var out = "<input type=\"checkbox\""
        for a in firsts where a.name == "checked" || a.name == "disabled" { out += " " + a.name + "=\"\"" }
        if !seen.contains("disabled") { out += " disabled=\"\"" }
        // A box needs a name (axe: `label`); the item's text follows it, its state is `checked`.
        return out + " aria-label=\"task\" />"
    }

    /// The attribute as it may appear on `element` (a URL cleaned), or nil when it may not.
    static func allowed(_ a: HTMLTokenizer.Attribute, on element: String) -> HTMLTokenizer.Attribute? {
        if let use = urlAttributes[element]?[a.name] {
            guard let value = a.value, let url = URLPolicy.clean(value, for: use) else { return nil }
            return HTMLTokenizer.Attribute(name: a.name, value: url)
        }
        // cmark marks fenced code with its info string: `<code class="language-python">`.
        if element == "code", a.name == "class" {
            guard let value = a.value, value.hasPrefix("language-"),
                !value.unicodeScalars.contains(where: { $0.value <= 0x20 })
            else { return nil }
            return a
        }
        if a.name == "class" {
            let classes = (a.value ?? "").split(separator: " ")
            return !classes.isEmpty && classes.allSatisfy({ footnoteClasses.contains(String($0)) }) ? a : nil
        }
        if a.name == "id" {
            guard let value = a.value, idPrefixes.contains(where: { value.hasPrefix($0) }) else { return nil }
            return a
        }
        return plainAttributes.contains(a.name) ? a : nil
    }

    /// A decoded value ready to go between double quotes.
    static func escapeAttribute(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
