import CommonMark
import Foundation
import Language
import Notebook

/// One notebook as an HTML article: the prose as cmark-gfm renders it (raw HTML sanitised unless
/// the site is built with `--unsafe-html`; math typeset by KaTeX; links to other notebooks of
/// the site pointed at their pages), each ntk block as highlighted source with its id and
/// status, followed by its outputs. Stored output regions are left out: the page shows the
/// outputs of this run. The page holds nothing that changes from one render of the same
/// sources to the next (no timings, no cache state); a `debug` page adds each block's line
/// and time.
package struct PageRenderer {
    package struct Page {
        /// The `<article>` contents.
        package var body: String
        /// Plain text for the search index: the rendered prose (formulas as their TeX source),
        /// then the blocks' code.
        package var searchText: String
        /// The first paragraph of the rendered prose, cut at a sentence or word boundary, as
        /// plain text (formulas as their TeX source) …
        package var summary: String
        /// … and as HTML for the index page (escaped text, typeset formulas).
        package var summaryHTML: String
        /// The page's parts for the search: the text before the first heading, then one per
        /// `<h1>`–`<h3>` (deeper headings stay in their parent's section).
        package var sections: [Section] = []
        /// "On this page": a `<nav>` listing the `<h2>` and `<h3>` headings; empty with none.
        package var outlineHTML: String = ""
    }

    /// A part of a page as the search shows it: found by its text, opened at its heading.
    package struct Section: Equatable {
        /// The heading's id; nil for the text before the first heading.
        package var id: String?
        /// The heading's text (formulas as their TeX); empty for the text before the first heading.
        package var heading: String
        /// The section's text (without its heading, which the search reads as well), then the
        /// code of its blocks.
        package var text: String
    }

    /// How a page is finished beyond its math.
    package struct Options {
        /// `--unsafe-html`: raw HTML in the prose is passed through as written (trusted notebooks).
        package var unsafeHTML = false
        /// `--debug`: block headers show the block's line and how long it ran (or that it came
        /// from the cache); published pages leave them out, so a re-render gives the same bytes.
        package var debug = false
        /// The notebook's page in the site and the other notebooks' pages, for links between them.
        var pagePath: String?
        var links: NotebookLinks?
        package init(unsafeHTML: Bool = false, debug: Bool = false) {
            self.unsafeHTML = unsafeHTML
            self.debug = debug
        }
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
    package static func finish(_ p: Prepared, math: [String: String], options: Options = Options()) -> Page {
        let notebook = p.result.notebook
        var rewrite: ((String) -> String?)?
        if let links = options.links, let pagePath = options.pagePath {
            rewrite = { links.rewrite($0, from: notebook.path, pagePath: pagePath) }
        }
        let prose = proseHTML(p.extraction.markdown, unsafeHTML: options.unsafeHTML, rewriteLink: rewrite)
        var (html, headings) = HeadingAnchors.apply(prose, math: p.extraction.spans)
        // A page starts with its title: when the notebook's title is not one of its headings (it
        // comes from the front matter or the file name) and the prose has no `<h1>`, the title
        // is put first as the page's `<h1>` (not part of the search text).
        let fromHeading = (notebook.frontMatter.title ?? "").isEmpty && !headings.isEmpty
        let addTitle = !fromHeading && !headings.contains { $0.level == 1 } && !html.contains("<h1")
        let text = RenderedText(html: html, math: p.extraction.spans)
        let sections = sections(text, headings: headings, html: html, cells: p.placeholders)
        var complete = math
        for span in p.extraction.spans where complete[span.placeholder] == nil {
            complete[span.placeholder] = HTMLText.escape(span.source)
        }
        var outline = outlineHTML(headings)
        if !p.extraction.spans.isEmpty {
            html = KaTeXRenderer.substitute(html, complete)
            outline = KaTeXRenderer.substitute(outline, complete)
        }
        var blocks: [String: String] = [:]
        for (token, cell) in p.placeholders {
            let block = p.result.blocks.first { $0.cell.id == cell.id }
            blocks[token] = block.map { self.block($0, notebook: notebook, debug: options.debug) } ?? ""
        }
        html = FigureNumbering.apply(insertBlocks(FigureNumbering.withoutTokens(html), blocks))
        if addTitle { html = "<h1 class=\"page-title\">\(HTMLText.escape(notebook.title))</h1>\n" + html }
        let code = notebook.cells.map(\.code).joined(separator: "\n")
        let summary = text.summary()
        let summaryHTML = summary.map { piece -> String in
            switch piece {
            case .text(let t): return HTMLText.escape(t)
            case .math(let m): return complete[m.placeholder] ?? HTMLText.escape(m.source)
            }
        }.joined()
        return Page(
            body: html, searchText: text.plain + "\n" + code, summary: RenderedText.plain(summary),
            summaryHTML: summaryHTML, sections: sections, outlineHTML: outline)
    }

    /// The page cut at its `<h1>`–`<h3>` headings; each block's code goes with the section its
    /// block is in.
    static func sections(
        _ text: RenderedText, headings: [HeadingAnchors.Heading], html: String, cells: [(String, CodeCell)]
    ) -> [Section] {
        let levels = Dictionary(headings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out = [Section(id: nil, heading: "", text: "")]
        var starts = [-1]
        for block in text.blocks {
            let line = RenderedText.plain(block.pieces)
            if let id = block.headingID, let h = levels[id], h.level <= 3 {
                out.append(Section(id: id, heading: h.label, text: ""))
                starts.append(h.offset)
            } else if !line.isEmpty {
                out[out.count - 1].text += (out[out.count - 1].text.isEmpty ? "" : "\n") + line
            }
        }
        for (token, cell) in cells.reversed() {
            guard let r = html.range(of: token) else { continue }
            let at = html.utf8.distance(from: html.startIndex, to: r.lowerBound)
            let k = starts.lastIndex { $0 < at } ?? 0
            out[k].text += (out[k].text.isEmpty ? "" : "\n") + cell.code
        }
        if out[0].text.isEmpty && out.count > 1 { out.removeFirst() }
        return out
    }

    /// "On this page": the `<h2>` and `<h3>` headings as links (math still as placeholders).
    static func outlineHTML(_ headings: [HeadingAnchors.Heading]) -> String {
        let listed = headings.filter { $0.level == 2 || $0.level == 3 }
        guard !listed.isEmpty else { return "" }
        var out = "<nav class=\"toc\" id=\"toc\" aria-labelledby=\"toc-title\">"
        out += "<p class=\"toc-title\" id=\"toc-title\">On this page</p><ul>"
        for h in listed {
            out +=
                "<li class=\"toc-h\(h.level)\"><a href=\"#\(HTMLText.escape(h.id))\">\(HTMLText.escape(h.text))</a></li>"
        }
        return out + "</ul></nav>\n"
    }

    /// The prose as HTML: cmark-gfm's rendering with GitHub's tag filter, then sanitised
    /// (`HTMLSanitizer`); with `unsafeHTML` neither (raw HTML passes as written). `rewriteLink`
    /// may change link destinations (`CommonMarkHTML.render`). Math and blocks are put in
    /// afterwards: they are Tangent's own HTML, escaped where it must be.
    static func proseHTML(_ markdown: String, unsafeHTML: Bool, rewriteLink: ((String) -> String?)? = nil) -> String {
        let html = CommonMarkHTML.render(markdown, tagFilter: !unsafeHTML, rewriteLink: rewriteLink)
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

    /// A block's status as its header shows it: the same whether it ran now or came from the
    /// cache, unless `debug` (then with its time, or `cached`).
    static func status(_ b: BlockResult, debug: Bool) -> String {
        switch b.status {
        case .ran, .cached:
            if b.failedAsExpected { return "failed as expected" }
            guard debug else { return "ran" }
            return b.status == .cached ? "cached" : String(format: "ran in %.3f s", b.seconds)
        case .failed: return "failed"
        case .skipped: return "skipped"
        case .mismatch: return "mismatch"
        }
    }

    static func block(_ b: BlockResult, notebook: Notebook, debug: Bool = false) -> String {
        let status = status(b, debug: debug)
        let statusClass = b.status == .failed || b.status == .mismatch ? "bad" : b.status == .skipped ? "skip" : "ok"
        let line = debug ? "<span class=\"block-line\">line \(b.cell.fenceLine)</span>" : ""
        return """
            <section class="ntk-block" id="block-\(HTMLText.escape(b.cell.id))">
            <div class="block-head"><a class="block-id" href="#block-\(HTMLText.escape(b.cell.id))">\(HTMLText.escape(b.cell.id))</a>\(line)<span class="block-status \(statusClass)">\(status)</span></div>
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
}
