import Foundation

/// Typesets TeX with KaTeX (run by Node.js at build time) and puts the HTML in place of the
/// placeholders `MathExtractor` left in the Markdown.
///
/// All formulas of a page, or of a whole site, are rendered by one `node` process, so the
/// cost of starting Node and loading KaTeX is paid once; identical formulas are rendered once.
package enum KaTeXRenderer {
    /// Whether `node` and KaTeX's `katex.min.js` can be found (nothing is run).
    package static var isAvailable: Bool {
        (try? KaTeXInstallation.node()) != nil && (try? KaTeXInstallation.script()) != nil
    }

    /// Renders every span in one `node` run. Returns placeholder → HTML (KaTeX's `htmlAndMathml`
    /// output; a formula KaTeX cannot parse becomes a red `katex-error` span showing its source).
    /// Placeholders are opaque keys here, so callers may make them unique across pages.
    /// Throws `KaTeXError` when Node.js or KaTeX is missing or the run fails.
    package static func render(_ spans: [MathSpan]) throws -> [String: String] {
        guard !spans.isEmpty else { return [:] }
        var slots: [Formula: Int] = [:]
        var formulas: [Formula] = []
        var slotOfSpan: [Int] = []
        slotOfSpan.reserveCapacity(spans.count)
        for span in spans {
            let formula = Formula(tex: span.tex, display: span.display)
            if let slot = slots[formula] {
                slotOfSpan.append(slot)
            } else {
                slots[formula] = formulas.count
                slotOfSpan.append(formulas.count)
                formulas.append(formula)
            }
        }
        let html = try render(formulas)
        var result: [String: String] = [:]
        for (k, span) in spans.enumerated() { result[span.placeholder] = html[slotOfSpan[k]] }
        return result
    }

    /// Replaces the placeholders in cmark's HTML with the rendered math.
    ///
    /// - A paragraph that holds nothing but one display formula loses its `<p>`, so the
    ///   formula's block (`katex-display`) is not nested in a paragraph's margins.
    /// - Where markup cannot hold markup (attribute values such as an image's `alt`, `<title>`,
    ///   `<textarea>`, `<script>`, `<style>`, comments), the placeholder becomes the escaped
    ///   TeX source in its delimiters instead.
    /// - Text that merely looks like a placeholder but is not a key is left alone.
    package static func substitute(_ html: String, _ rendered: [String: String]) -> String {
        guard !rendered.isEmpty else { return html }
        var shaped: [String: String] = [:]
        var others: [(String, String)] = []
        for (key, value) in rendered {
            if PlaceholderSubstitution.isPlaceholder(key) { shaped[key] = value } else { others.append((key, value)) }
        }
        var result = html
        if !shaped.isEmpty {
            var pass = PlaceholderSubstitution(html: html, rendered: shaped)
            result = pass.run()
        }
        // Keys not made by MathExtractor: plain replacement, longest first.
        for (key, value) in others.sorted(by: { $0.0.count > $1.0.count }) where !key.isEmpty {
            result = result.replacingOccurrences(of: key, with: value)
        }
        return result
    }
}
