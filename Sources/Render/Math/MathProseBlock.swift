/// A paragraph or heading: whole source lines (container markers included), as byte offsets.
struct MathProseBlock {
    var firstLine: Int
    var lastLine: Int
    /// How many block quotes contain it (their `>` markers are removed from multi-line TeX).
    var quoteDepth: Int
    var start: Int
    /// The end of the last line's content (before its line ending).
    var end: Int
    /// For a paragraph, where its text begins (cmark's span includes link reference
    /// definitions at its start); nil for a heading.
    var paragraphStart: Int?
}
