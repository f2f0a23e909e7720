internal import CCMark

#if canImport(Glibc)
import Glibc
#endif

/// A GitHub Flavored Markdown document parsed by cmark-gfm into an immutable tree with source
/// spans.
package struct MarkdownDocument: Sendable {
    package let root: MarkdownNode
    /// Where nesting (block quotes, lists, emphasis) first went deeper than `maxDepth`: the
    /// tree stops there (deeper nodes are left out), and a notebook refuses the file.
    package let tooDeepAt: SourcePoint?

    /// How deep the tree may nest. Deeper Markdown (`>>>>…` 100 000 times) would overflow the
    /// stack of every recursive walk over it.
    package static let maxDepth = 1000

    /// Parses `source` (GFM, with source positions). Never fails: every input is a document.
    ///
    /// The document's children are in source order: cmark-gfm moves the footnote definitions
    /// that are referenced to the end (and drops the others, as GitHub does); they are put back
    /// where they are written, so a walk meets every block in the order of the file.
    package static func parse(_ source: String) -> MarkdownDocument {
        let lines = source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Substring(String(String.UnicodeScalarView($0))) }
        let parsed: MarkdownDocument? = GFMParser.withDocument(source, options: CMARK_OPT_SOURCEPOS) { doc, _ in
            var converter = Converter(lines: lines)
            var root = converter.convert(doc, depth: 0)
            root.children = root.children.enumerated().sorted {
                ($0.element.span.start, $0.offset) < ($1.element.span.start, $1.offset)
            }.map(\.element)
            return MarkdownDocument(root: root, tooDeepAt: converter.tooDeepAt)
        }
        guard let parsed else {
            let empty = SourceSpan(start: .init(line: 1, column: 1), end: .init(line: 1, column: 1))
            return MarkdownDocument(root: MarkdownNode(kind: .document, span: empty), tooDeepAt: nil)
        }
        return parsed
    }
}

/// Walks cmark-gfm's tree once and builds Swift values; the only code that reads cmark nodes.
private struct Converter {
    let lines: [Substring]
    var tooDeepAt: SourcePoint?

    mutating func convert(_ node: OpaquePointer, depth: Int) -> MarkdownNode {
        var children: [MarkdownNode] = []
        var child = cmark_node_first_child(node)
        if child != nil && depth >= MarkdownDocument.maxDepth {
            if tooDeepAt == nil {
                tooDeepAt = SourcePoint(
                    line: Int(cmark_node_get_start_line(child)), column: Int(cmark_node_get_start_column(child)))
            }
            child = nil
        }
        while let c = child {
            children.append(convert(c, depth: depth + 1))
            child = cmark_node_next(c)
        }
        let span = SourceSpan(
            start: SourcePoint(
                line: Int(cmark_node_get_start_line(node)),
                column: Int(cmark_node_get_start_column(node))),
            end: SourcePoint(
                line: Int(cmark_node_get_end_line(node)),
                column: Int(cmark_node_get_end_column(node))))
        let literal = string(cmark_node_get_literal(node))
        return MarkdownNode(kind: kind(of: node, span: span), span: span, literal: literal, children: children)
    }

    private func string(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    private func kind(of node: OpaquePointer, span: SourceSpan) -> MarkdownNode.Kind {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_DOCUMENT: return .document
        case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
        case CMARK_NODE_LIST:
            return .list(
                ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                start: Int(cmark_node_get_list_start(node)),
                tight: cmark_node_get_list_tight(node) != 0)
        case CMARK_NODE_ITEM:
            // A task item is an item the tasklist extension claimed.
            guard string(cmark_node_get_type_string(node)) == "tasklist" else { return .item }
            return .taskItem(checked: cmark_gfm_extensions_get_tasklist_item_checked(node))
        case CMARK_NODE_CODE_BLOCK:
            return .codeBlock(info: string(cmark_node_get_fence_info(node)), fence: fence(at: span.start))
        case CMARK_NODE_HTML_BLOCK: return .htmlBlock
        case CMARK_NODE_PARAGRAPH: return .paragraph
        case CMARK_NODE_HEADING: return .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
        case CMARK_NODE_TEXT: return .text
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE: return .code
        case CMARK_NODE_HTML_INLINE: return .htmlInline
        case CMARK_NODE_EMPH: return .emphasis
        case CMARK_NODE_STRONG: return .strong
        case CMARK_NODE_LINK:
            return .link(destination: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_IMAGE:
            return .image(source: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_FOOTNOTE_DEFINITION: return .footnoteDefinition
        case CMARK_NODE_FOOTNOTE_REFERENCE: return .footnoteReference
        default: return extensionKind(of: node)
        }
    }

    /// The nodes GFM's extensions add have types assigned at run time: they are told apart by
    /// the name each extension gives them.
    private func extensionKind(of node: OpaquePointer) -> MarkdownNode.Kind {
        switch string(cmark_node_get_type_string(node)) {
        case "table": return .table
        case "table_header": return .tableRow(header: true)
        case "table_row": return .tableRow(header: false)
        case "table_cell": return .tableCell
        case "strikethrough": return .strikethrough
        default: return .custom
        }
    }

    /// Reads the opening fence from the source line (cmark-gfm has no accessor for it).
    /// Returns nil for an indented code block.
    private func fence(at start: SourcePoint) -> CodeFence? {
        guard start.line >= 1, start.line <= lines.count else { return nil }
        let line = Array(lines[start.line - 1].utf8)
        var i = max(start.column - 1, 0)
        var indent = 0
        while i < line.count, line[i] == UInt8(ascii: " ") {
            i += 1
            indent += 1
        }
        guard i < line.count, line[i] == UInt8(ascii: "`") || line[i] == UInt8(ascii: "~") else { return nil }
        let c = line[i]
        var length = 0
        while i < line.count, line[i] == c {
            i += 1
            length += 1
        }
        guard length >= 3 else { return nil }
        return CodeFence(character: Character(Unicode.Scalar(c)), length: length, indent: indent)
    }
}
