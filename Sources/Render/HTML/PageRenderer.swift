import CommonMark
import Foundation
import Language
import Notebook

/// One notebook as an HTML article: the prose as cmark renders it (raw HTML sanitised unless
/// the site is built with `--unsafe-html`; math typeset by KaTeX), each ntk block as highlighted
/// source with its id, line and status, followed by its outputs. Stored output regions are left
/// out: the page shows the outputs of this run.
package struct PageRenderer {
    package struct Page {
        /// The `<article>` contents.
        package var body: String
        /// Plain text for the search index.
        package var searchText: String
        /// The first paragraph, as plain text (for the index page).
        package var summary: String
    }

    /// A page before its math is typeset: the Markdown with placeholders for blocks and math.
    package struct Prepared {
        package var result: NotebookResult
        package var extraction: MathExtraction
        var placeholders: [(String, CodeCell)]
    }

    package static func prepare(_ result: NotebookResult) -> Prepared {
        let (markdown, placeholders) = markdownWithBlockPlaceholders(result.notebook)
        return Prepared(result: result, extraction: MathExtractor.extract(markdown), placeholders: placeholders)
    }

    /// Finishes the page with the typeset math (placeholder → HTML; missing spans stay as TeX).
    /// `unsafeHTML` passes raw HTML in the prose through as written (trusted notebooks only).
    package static func finish(_ p: Prepared, math: [String: String], unsafeHTML: Bool = false) -> Page {
        let notebook = p.result.notebook
        var html = proseHTML(p.extraction.markdown, unsafeHTML: unsafeHTML)
        if !p.extraction.spans.isEmpty {
            var complete = math
            for span in p.extraction.spans where complete[span.placeholder] == nil {
                complete[span.placeholder] = HTMLText.escape(span.source)
            }
            html = KaTeXRenderer.substitute(html, complete)
        }
        var blocks: [String: String] = [:]
        for (token, cell) in p.placeholders {
            let block = p.result.blocks.first { $0.cell.id == cell.id }
            blocks[token] = block.map { self.block($0, notebook: notebook) } ?? ""
        }
        html = FigureNumbering.apply(insertBlocks(FigureNumbering.withoutTokens(html), blocks))
        let prose = plainText(notebook.document.root)
        let code = notebook.cells.map(\.code).joined(separator: "\n")
        return Page(body: html, searchText: prose + "\n" + code, summary: firstParagraph(notebook.document.root))
    }

    /// The prose as HTML: cmark's rendering, sanitised (`HTMLSanitizer`) unless `unsafeHTML`.
    /// Math and blocks are put in afterwards: they are Tangent's own HTML, escaped where it must be.
    static func proseHTML(_ markdown: String, unsafeHTML: Bool) -> String {
        let html = CommonMarkHTML.render(markdown)
        return unsafeHTML ? html : HTMLSanitizer.sanitize(html)
    }

    /// Replaces each block token (a paragraph of its own, or bare inside a list item) with the
    /// block's HTML in one pass over the prose: replacing token by token rescanned the page,
    /// large figures included, once per block. A token inside a tag (`<img alt="TANGENTBLOCKx1x">`,
    /// written by hand or made from `&#120;`) is left alone: a block there would end the attribute.
    static func insertBlocks(_ html: String, _ blocks: [String: String]) -> String {
        let bytes = Array(html.utf8)
        let prefix = Array(blockTokenPrefix.utf8)
        let open = Array("<p>".utf8)
        let close = Array("</p>".utf8)
        func has(_ pattern: [UInt8], at i: Int) -> Bool {
            i >= 0 && i + pattern.count <= bytes.count && bytes[i..<(i + pattern.count)].elementsEqual(pattern)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        var i = 0
        var inTag = false
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") { inTag = true } else if bytes[i] == UInt8(ascii: ">") { inTag = false }
            guard !inTag, bytes[i] == prefix[0], has(prefix, at: i) else {
                i += 1
                continue
            }
            var end = i + prefix.count
            while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
            guard end > i + prefix.count, end < bytes.count, bytes[end] == UInt8(ascii: "x"),
                let replacement = blocks[String(decoding: bytes[i...end], as: UTF8.self)]
            else {
                i += 1
                continue
            }
            var start = i
            var stop = end + 1
            if has(open, at: i - open.count) && has(close, at: stop) {
                start -= open.count
                stop += close.count
            }
            out += bytes[copied..<start]
            out += replacement.utf8
            copied = stop
            i = stop
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    static let blockTokenPrefix = "TANGENTBLOCKx"

    static func block(_ b: BlockResult, notebook: Notebook) -> String {
        let status: String
        switch b.status {
        case .ran: status = b.failedAsExpected ? "failed as expected" : String(format: "ran in %.3f s", b.seconds)
        case .cached: status = "cached"
        case .failed: status = "failed"
        case .skipped: status = "skipped"
        case .mismatch: status = "mismatch"
        }
        let statusClass = b.status == .failed || b.status == .mismatch ? "bad" : b.status == .skipped ? "skip" : "ok"
        return """
            <section class="ntk-block" id="block-\(HTMLText.escape(b.cell.id))">
            <div class="block-head"><a class="block-id" href="#block-\(HTMLText.escape(b.cell.id))">\(HTMLText.escape(b.cell.id))</a><span class="block-line">line \(b.cell.fenceLine)</span><span class="block-status \(statusClass)">\(status)</span></div>
            <pre class="ntk-code"><code>\(CodeHighlighter.html(b.cell.code))</code></pre>
            <div class="outputs">
            \(OutputHTML.block(b, notebook: notebook))</div>
            </section>

            """
    }

    /// The Markdown with each ntk block (and its stored output region) replaced by a paragraph
    /// holding a unique token, inside the same container, so lists and quotes stay intact.
    static func markdownWithBlockPlaceholders(_ notebook: Notebook) -> (String, [(String, CodeCell)]) {
        var lines = TextLines(notebook.text).lines
        let sites = (try? notebook.regionSites()) ?? [:]
        var placeholders: [(String, CodeCell)] = []
        for cell in notebook.cells.reversed() {
            let token = blockTokenPrefix + "\(cell.index)x"
            placeholders.append((token, cell))
            let site = sites[cell.id]
            let last = site?.region?.endLine ?? cell.endLine
            guard cell.fenceLine >= 1, cell.fenceLine <= lines.count else { continue }
            let openLine = lines[cell.fenceLine - 1].content
            let prefix = site?.prefix ?? String(openLine.prefix(max(cell.fenceColumn - 1, 0)))
            let blank = String(prefix.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            let eol = lines[cell.fenceLine - 1].terminator.isEmpty ? "\n" : lines[cell.fenceLine - 1].terminator
            let replacement: [TextLines.Line] = [
                .init(content: blank, terminator: eol),
                .init(content: prefix + token, terminator: eol),
                .init(
                    content: blank,
                    terminator: min(last, lines.count) == lines.count ? lines[lines.count - 1].terminator : eol)
            ]
            lines.replaceSubrange((cell.fenceLine - 1)..<min(last, lines.count), with: replacement)
        }
        // The front matter is metadata, not prose (cmark would read it as a rule and a heading).
        if let range = notebook.frontMatter.lines {
            for i in range where i - 1 < lines.count { lines[i - 1].content = "" }
        }
        return (lines.map { $0.content + $0.terminator }.joined(), placeholders)
    }

    static func plainText(_ node: MarkdownNode) -> String {
        var parts: [String] = []
        node.walk { n in
            switch n.kind {
            case .paragraph, .heading: parts.append(n.plainText)
            default: break
            }
        }
        return parts.joined(separator: "\n")
    }

    static func firstParagraph(_ node: MarkdownNode) -> String {
        var found: String?
        node.walk { n in
            if found == nil, case .paragraph = n.kind {
                let t = n.plainText.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty && !t.hasPrefix("<!--") { found = t }
            }
        }
        return found ?? ""
    }
}
