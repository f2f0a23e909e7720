/// A Markdown text with its math replaced by placeholders, and the spans that were taken out.
public struct MathExtraction: Equatable, Sendable {
    /// The text cmark should parse: the input with each math span replaced by its placeholder.
    public var markdown: String
    /// In the order they appear in the text.
    public var spans: [MathSpan]

    public init(markdown: String, spans: [MathSpan]) {
        self.markdown = markdown
        self.spans = spans
    }

    /// The original text: every placeholder replaced by the source it stands for.
    public var restored: String {
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
