import Testing

@testable import CommonMark

/// GitHub Flavored Markdown in the tree: tables, strikethrough, task items and footnotes are
/// nodes of their own (not paragraphs of pipes and brackets), and footnote definitions stay
/// where they are written, so a walk meets every block in file order.
@Suite struct GFMDocumentTests {
    func kinds(_ node: MarkdownNode) -> [MarkdownNode.Kind] {
        var out: [MarkdownNode.Kind] = []
        node.walk { out.append($0.kind) }
        return out
    }

    @Test func tablesAreRowsOfCells() {
        let doc = MarkdownDocument.parse("| a | b |\n|:-:|---|\n| 1 | *2* |\n\nafter\n")
        let table = doc.root.children[0]
        #expect(table.kind == .table)
        #expect(table.span.start == SourcePoint(line: 1, column: 1))
        #expect(table.span.end.line == 3)
        #expect(table.children.map(\.kind) == [.tableRow(header: true), .tableRow(header: false)])
        #expect(table.children[1].children.map(\.kind) == [.tableCell, .tableCell])
        #expect(table.plainText == "a b 1 2")
        #expect(doc.root.children[1].kind == .paragraph)
    }

    @Test func strikethroughAndTaskItems() {
        let doc = MarkdownDocument.parse("~~old~~ new\n\n- [ ] todo\n- [x] done\n- plain\n")
        #expect(kinds(doc.root).contains(.strikethrough))
        let items = doc.root.children[1].children.map(\.kind)
        #expect(items == [.taskItem(checked: false), .taskItem(checked: true), .item])
    }

    @Test func footnotesStayWhereTheyAreWritten() {
        // cmark-gfm moves a referenced definition to the end of the document and drops an
        // unreferenced one (as GitHub shows them); the tree keeps file order.
        let text = "Text[^n].\n\n[^n]: A note.\n\n[^unused]: Never shown.\n\n```ntk\nx = 1\n```\n"
        let doc = MarkdownDocument.parse(text)
        let top = doc.root.children
        #expect(top.map(\.kind).count == 3)
        #expect(top[0].kind == .paragraph)
        #expect(top[1].kind == .footnoteDefinition)
        #expect(top[1].span.start.line == 3)
        #expect(top[2].kind == .codeBlock(info: "ntk", fence: CodeFence(character: "`", length: 3, indent: 0)))
        #expect(kinds(top[0]).contains(.footnoteReference))
        #expect(top[0].plainText == "Text.")
    }

    @Test func bareURLsAreLinks() {
        let doc = MarkdownDocument.parse("See www.example.com and https://example.org/a.\n")
        var links: [String] = []
        doc.root.walk { if case .link(let d, _) = $0.kind { links.append(d) } }
        #expect(links == ["http://www.example.com", "https://example.org/a"])
    }
}
