/// Figures numbered in page order, and the prose's references to them. A block's figure is
/// written with tokens where its number and id go (a block does not know how many figures
/// came before it); once the page is whole, `apply` numbers them 1, 2, … in document order, so
/// the same sources always give the same numbers. A figure made after `figure(id: "prior")`
/// gets the anchor `fig-prior` (the first one with that id: ids are unique in a page); others
/// get `figure-N`. A link `[](#fig-prior)` or `[Figure](#fig-prior)` in the prose reads
/// "Figure N".
///
/// The tokens hold U+0001, which the escaping of block outputs replaces and `withoutTokens`
/// removes from the prose, so the notebook's own text cannot forge or shift them.
enum FigureNumbering {
    private static let mark: Character = "\u{1}"

    /// The prose with U+0001 (not allowed in HTML anyway) replaced by U+FFFD, as escaping does.
    static func withoutTokens(_ html: String) -> String {
        html.contains(mark) ? html.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}") : html
    }

    /// The token standing for the `id` attribute of the figure whose notebook id is `id`.
    static func idToken(_ id: String?) -> String { "\u{1}figure-id:\(id ?? "")\u{1}" }

    /// The token standing for the figure's number (after "Figure").
    static let numberToken = "\u{1}figure-number\u{1}"

    /// The page with every token replaced and every reference to a numbered figure filled in.
    static func apply(_ html: String) -> String {
        guard html.contains(mark) else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var numbers: [String: Int] = [:]
        var count = 0
        var rest = Substring(html)
        while let start = rest.firstIndex(of: mark) {
            out += rest[..<start]
            let afterStart = rest.index(after: start)
            guard let end = rest[afterStart...].firstIndex(of: mark) else {
                rest = rest[afterStart...]
                continue
            }
            let token = rest[afterStart..<end]
            rest = rest[rest.index(after: end)...]
            if token == "figure-number" {
                out += " \(count)"
            } else if token.hasPrefix("figure-id:") {
                // The id comes first in a figure's markup: this is figure count + 1.
                count += 1
                let id = String(token.dropFirst("figure-id:".count))
                if !id.isEmpty && numbers[id] == nil {
                    numbers[id] = count
                    out += "fig-" + HTMLText.escape(id)
                } else {
                    out += "figure-\(count)"
                }
            }
        }
        out += rest
        return numbers.isEmpty ? out : fillReferences(out, numbers)
    }

    /// `<a href="#fig-ID">` with no text, or with the text "Figure", reads "Figure N".
    static func fillReferences(_ html: String, _ numbers: [String: Int]) -> String {
        let pattern = /<a href="#fig-([A-Za-z0-9_\-]+)"([^>]*)>(Figure)?<\/a>/
        return html.replacing(pattern) { match in
            guard let n = numbers[String(match.output.1)] else { return String(match.output.0) }
            return "<a href=\"#fig-\(match.output.1)\"\(match.output.2)>Figure \(n)</a>"
        }
    }
}
