import Testing

@testable import CommonMark

@Suite struct MarkdownDocumentTests {
    /// A golden dump of the block structure with `@line:col` spans.
    func dump(_ node: MarkdownNode, depth: Int = 0) -> String {
        let name: String
        switch node.kind {
        case .document: name = "document"
        case .heading(let l): name = "heading(\(l))"
        case .paragraph: name = "paragraph"
        case .codeBlock(let info, let fence):
            name = "code(\(info))" + (fence.map { "[\($0.character)x\($0.length)+\($0.indent)]" } ?? "[indented]")
        case .blockQuote: name = "quote"
        case .list(let ordered, _, _): name = ordered ? "ol" : "ul"
        case .item: name = "item"
        case .htmlBlock: name = "html"
        case .thematicBreak: name = "hr"
        default: return ""
        }
        let line =
            String(repeating: "  ", count: depth) + name
            + "@\(node.span.start.line):\(node.span.start.column)-\(node.span.end.line):\(node.span.end.column)"
        return ([line] + node.children.map { dump($0, depth: depth + 1) }.filter { !$0.isEmpty }).joined(
            separator: "\n")
    }

    @Test func blockTreeWithSpans() {
        let doc = MarkdownDocument.parse(
            """
            # Title

            Text *here*.

            ```ntk {#a}
            x = 1
            ```

            > ~~~~ python
            > y
            > ~~~~

            - item

                  indented
            """)
        #expect(
            dump(doc.root) == """
                document@1:1-15:14
                  heading(1)@1:1-1:7
                  paragraph@3:1-3:12
                  code(ntk {#a})[`x3+0]@5:1-7:3
                  quote@9:1-11:6
                    code(python)[~x4+0]@9:3-11:6
                  ul@13:1-15:14
                    item@13:1-15:14
                      paragraph@13:3-13:6
                      code()[indented]@15:7-15:14
                """)
    }

    @Test func literalsAndInlineText() {
        let doc = MarkdownDocument.parse("## A `b` c\n\n```\ncode\n```\n")
        #expect(doc.root.children[0].plainText == "A b c")
        #expect(doc.root.children[1].literal == "code\n")
    }

    @Test func emptyAndCRLFDocuments() {
        #expect(MarkdownDocument.parse("").root.children.isEmpty)
        let doc = MarkdownDocument.parse("```ntk\r\nx = 1\r\n```\r\n")
        guard case .codeBlock(let info, let fence?) = doc.root.children[0].kind else {
            Issue.record("expected a fenced block")
            return
        }
        #expect(info == "ntk")
        #expect(fence.length == 3)
    }
}
