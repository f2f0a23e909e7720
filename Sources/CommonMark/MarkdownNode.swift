/// A position in a Markdown file: 1-based line and column, as cmark reports them.
package struct SourcePoint: Equatable, Hashable, Sendable, Comparable {
    package var line: Int
    package var column: Int
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    package static func < (a: SourcePoint, b: SourcePoint) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// The span of a node in the file, start and end inclusive (cmark's `sourcepos`).
package struct SourceSpan: Equatable, Hashable, Sendable {
    package var start: SourcePoint
    package var end: SourcePoint
    package init(start: SourcePoint, end: SourcePoint) {
        self.start = start
        self.end = end
    }
}

/// How a fenced code block was opened: the fence character, its length and indentation.
package struct CodeFence: Equatable, Sendable {
    package var character: Character
    package var length: Int
    package var indent: Int
}

/// One node of a parsed GFM document: an immutable Swift value with its source span.
///
/// This is the whole interface to cmark-gfm: no C pointer lives beyond `MarkdownDocument.parse`.
package struct MarkdownNode: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case document, blockQuote
        case list(ordered: Bool, start: Int, tight: Bool)
        case item
        /// `fence` is nil for an indented code block; `info` is the full info string.
        case codeBlock(info: String, fence: CodeFence?)
        case htmlBlock, paragraph
        case heading(level: Int)
        case thematicBreak
        case text, softBreak, lineBreak, code, htmlInline, emphasis, strong
        case link(destination: String, title: String)
        case image(source: String, title: String)
        /// GFM: a table, its rows (the first one, `header`, above the delimiter row) and cells.
        case table
        case tableRow(header: Bool)
        case tableCell
        /// GFM: `~~struck~~`.
        case strikethrough
        /// GFM: a list item that starts with `[ ]` or `[x]`.
        case taskItem(checked: Bool)
        /// GFM: `[^label]: …` (its blocks are its children) and `[^label]` (the label is its
        /// `literal`). Only definitions that are referenced are in the tree, as on GitHub.
        case footnoteDefinition, footnoteReference
        case custom
    }

    package var kind: Kind
    package var span: SourceSpan
    /// The literal text of text, code, code blocks and HTML; empty otherwise.
    package var literal: String
    package var children: [MarkdownNode]

    package init(kind: Kind, span: SourceSpan, literal: String = "", children: [MarkdownNode] = []) {
        self.kind = kind
        self.span = span
        self.literal = literal
        self.children = children
    }

    /// This node and all its descendants in document order.
    package func walk(_ visit: (MarkdownNode) -> Void) {
        visit(self)
        for child in children { child.walk(visit) }
    }

    /// The text content of inline descendants (for headings and paragraphs); a table's cells
    /// are separated by spaces.
    package var plainText: String {
        switch kind {
        case .text, .code: return literal
        case .softBreak, .lineBreak: return " "
        case .table, .tableRow: return children.map(\.plainText).joined(separator: " ")
        case .footnoteReference: return ""
        default: return children.map(\.plainText).joined()
        }
    }
}
