import Foundation
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// The index page's summaries and the search index are read from the rendered prose: formulas
/// whole (their TeX as written, or typeset on the index page), no table pipes or Markdown
/// punctuation, cut at a sentence or a word, never inside one.
@Suite struct RenderedTextTests {
    func page(_ text: String, math: (MathSpan) -> String? = { _ in nil }) throws -> PageRenderer.Page {
        let result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-rendered-text/nb.md"))
            .run(try Notebook.parse(text, path: "nb.md"))
        let prepared = PageRenderer.prepare(result)
        var typeset: [String: String] = [:]
        for span in prepared.extraction.spans { typeset[span.placeholder] = math(span) }
        return PageRenderer.finish(prepared, math: typeset)
    }

    @Test func aSummaryKeepsItsFormulasWhole() throws {
        let sentence = "Training for a time $\\tau = \\eta\\,t$ moves the prediction $K_{*X}$ towards the target."
        let p = try page("# Training\n\n" + sentence + "\n") { "<M>" + $0.tex + "</M>" }
        #expect(p.summary == sentence)
        #expect(
            p.summaryHTML
                == "Training for a time <M>\\tau = \\eta\\,t</M> moves the prediction <M>K_{*X}</M> towards the target."
        )
        #expect(p.searchText.hasPrefix("Training\n" + sentence + "\n"))
    }

    @Test func aTableIsCellsNotPipes() throws {
        let p = try page("| kernel | error |\n|---|---|\n| NTK | 0.1 |\n\nThe NTK *wins*.\n")
        #expect(p.summary == "The NTK wins.")
        #expect(p.searchText.hasPrefix("kernel\nerror\nNTK\n0.1\nThe NTK wins.\n"))
        #expect(!p.searchText.contains("|"))
    }

    @Test func textIsTheTextAReaderSees() throws {
        let p = try page("a &amp; b < c, `x*y` and [a link](https://example.org) with a note[^n].\n\n[^n]: Noted.\n")
        #expect(p.summary == "a & b < c, x*y and a link with a note.")
        #expect(p.summaryHTML == "a &amp; b &lt; c, x*y and a link with a note.")
        #expect(p.searchText.hasPrefix("a & b < c, x*y and a link with a note.\nNoted.\n"))
    }

    @Test func scriptsAndStylesOfARawHTMLPageAreNotText() {
        let text = RenderedText(html: "<p>a<script>var s = 1;</script> b<style>p { }</style></p>\n", math: [])
        #expect(text.plain == "a b")
    }

    @Test func aLongSummaryIsCutAfterASentence() throws {
        let first = "The first sentence " + Array(repeating: "goes", count: 30).joined(separator: " ") + "."
        let second = "The second sentence " + Array(repeating: "runs", count: 30).joined(separator: " ") + "."
        #expect(first.count > 110 && first.count < 220 && first.count + 1 + second.count > 220)
        #expect(try page(first + " " + second + "\n").summary == first)
    }

    @Test func aLongSentenceIsCutBetweenWordsWithAnEllipsis() throws {
        let words = (0..<80).map { "word\($0)" }
        let text = words.joined(separator: " ")
        let summary = try page(text + "\n").summary
        #expect(summary.hasSuffix("…"))
        let kept = summary.dropLast().split(separator: " ").map(String.init)
        #expect(kept == Array(words.prefix(kept.count)))
        #expect(kept.count > 20 && summary.count <= 221)
    }

    @Test func aFormulaAtTheLimitIsLeftOutWhole() throws {
        let lead = Array(repeating: "abcd", count: 43).joined(separator: " ")
        #expect(lead.count == 214)
        let summary = try page(lead + " $\\sum_{i=1}^{n} x_i$ and more words after it\n").summary
        #expect(summary == lead + "…")
    }
}

/// Error boxes in the site name the notebook by its path inside the project, never by the
/// absolute path of the machine that rendered it, and wrap long messages.
@Suite struct ErrorBoxTests {
    @Test func errorBoxesShowPathsRelativeToTheProject() throws {
        let folder = try TemporaryFolder("error-box")
        defer { folder.remove() }
        try "".write(to: folder.url("tangent.toml"), atomically: true, encoding: .utf8)
        let path = folder.path("sub/nb.md")
        let missing = folder.path("sub/missing.npy")
        let text = "```ntk {#a}\nx = nope\n```\n\n```ntk {#b}\ny = load(\"\(missing)\")\n```\n"
        let result = Runner(notebookURL: URL(fileURLWithPath: path)).run(try Notebook.parse(text, path: path))
        let body = PageRenderer.finish(PageRenderer.prepare(result), math: [:]).body
        #expect(body.contains("<pre>sub/nb.md:2:5: error: unknown name"), "\(body)")
        #expect(body.contains("<pre>sub/nb.md:6:10: error: cannot load &#39;sub/missing.npy&#39;"), "\(body)")
        // The messages name no absolute path; the quoted source line stays as written (the
        // block's code has the path), its caret under the path argument.
        let boxes = body.components(separatedBy: "<div class=\"error\"><pre>").dropFirst()
            .map { HTMLEntities.decode($0.components(separatedBy: "</pre>")[0], inAttribute: false) }
        #expect(boxes.count == 2)
        for box in boxes {
            let message = box.prefix { $0 != "\n" }
            #expect(message.hasPrefix("sub/nb.md:") && !message.contains(folder.root.path), "\(box)")
        }
        let lines = boxes.last?.split(separator: "\n").map(String.init) ?? []
        let quoted = lines.firstIndex { $0.contains("y = load(\"\(missing)\")") }
        #expect(quoted != nil, "\(lines)")
        if let q = quoted, q + 1 < lines.count {
            let call = lines[q].firstIndex(of: "\"")!.utf16Offset(in: lines[q])
            #expect(lines[q + 1].firstIndex(of: "^")?.utf16Offset(in: lines[q + 1]) == call, "\(lines)")
        }
    }

    @Test func longMessagesWrap() {
        let css = SiteAssets.stylesheet
        let rule = css[css.range(of: ".error pre {")!.lowerBound...].prefix { $0 != "}" }
        #expect(rule.contains("white-space: pre-wrap") && rule.contains("overflow-wrap: anywhere"))
    }
}
