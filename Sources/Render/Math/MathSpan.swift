/// One TeX formula taken out of a Markdown text, and the placeholder that stands for it.
package struct MathSpan: Equatable, Sendable {
    /// Letters and digits only (`TANGENTMATHx0007x`), so cmark passes it through as plain text.
    package var placeholder: String
    /// The TeX between the delimiters, trimmed; on continuation lines the container markers
    /// (`>` of a block quote) are removed.
    package var tex: String
    /// `$$…$$` (display) rather than `$…$` (inline).
    package var display: Bool
    /// The exact source text the placeholder replaced, delimiters included.
    package var source: String

    package init(placeholder: String, tex: String, display: Bool, source: String? = nil) {
        self.placeholder = placeholder
        self.tex = tex
        self.display = display
        self.source = source ?? (display ? "$$\(tex)$$" : "$\(tex)$")
    }
}
