/// A Markdown text with its math replaced by placeholders, and the spans that were taken out.
package struct MathExtraction: Equatable, Sendable {
    /// The text cmark should parse: the input with each math span replaced by its placeholder.
    package var markdown: String
    /// In the order they appear in the text.
    package var spans: [MathSpan]

    package init(markdown: String, spans: [MathSpan]) {
        self.markdown = markdown
        self.spans = spans
    }

    /// The original text: every placeholder replaced by the source it stands for.
    package var restored: String {
        var text = ""
        var rest = Substring(markdown)
        for span in spans {
            guard let found = rest.range(of: span.placeholder) else { continue }
            text += rest[..<found.lowerBound]
            text += span.source
            rest = rest[found.upperBound...]
        }
        return text + rest
    }
}
