/// One TeX formula taken out of a Markdown text, and the placeholder that stands for it.
public struct MathSpan: Equatable, Sendable {
    /// Letters and digits only (`TANGENTMATHx0007x`), so cmark passes it through as plain text.
    public var placeholder: String
    /// The TeX between the delimiters, trimmed; on continuation lines the container markers
    /// (`>` of a block quote) are removed.
    public var tex: String
    /// `$$…$$` (display) rather than `$…$` (inline).
    public var display: Bool
    /// The exact source text the placeholder replaced, delimiters included.
    public var source: String

    public init(placeholder: String, tex: String, display: Bool, source: String? = nil) {
        self.placeholder = placeholder
        self.tex = tex
        self.display = display
        self.source = source ?? (display ? "$$\(tex)$$" : "$\(tex)$")
    }
}
