import Foundation
import Language
import NTKCore
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// Heading ids and permalinks, the "On this page" outline, the search index by section, the
/// skip link and theme script, and the captions and header scopes of output tables.
@Suite struct SiteNavigationTests {
    func page(_ text: String, math: [String: String] = [:]) throws -> PageRenderer.Page {
        let result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-nav-tests/nb.md")).run(
            try Notebook.parse(text, path: "nb.md"))
        return PageRenderer.finish(PageRenderer.prepare(result), math: math)
    }

    /// The ids of the page's headings, in order.
    func ids(_ html: String) -> [String] {
        html.matches(of: /<h[1-6] id="([^"]*)"/).map { String($0.output.1) }
    }

    @Test func slugsFollowGitHubsRules() {
        #expect(HeadingAnchors.slug("Hello, World!") == "hello-world")
        #expect(HeadingAnchors.slug("C++ & NTK") == "c--ntk")
        #expect(HeadingAnchors.slug("The NTK: 2 layers (ReLU)") == "the-ntk-2-layers-relu")
        #expect(HeadingAnchors.slug("snake_case and-dashes") == "snake_case-and-dashes")
        #expect(HeadingAnchors.slug("Über die Kernels") == "über-die-kernels")
        #expect(HeadingAnchors.slug("Noyau à θ fixe") == "noyau-à-θ-fixe")
    }

    @Test func everyHeadingGetsAUniqueIdDuplicatesNumbered() throws {
        let p = try page("# Intro\n\n## Intro\n\ntext\n\n## Intro\n\n### Über *die* `Kernels`\n\n## !!!\n")
        #expect(ids(p.body) == ["intro", "intro-1", "intro-2", "über-die-kernels", "section"])
    }

    @Test func headingIdsNeverTakeTheSitesOwnIds() throws {
        // `search` and `content` are the layout's; `block-`, `fig-`, `fn-` ids are blocks',
        // figures' and footnotes'; a heading "Search 1" must not take the renamed one either.
        let p = try page(
            "## Search\n\n## Search 1\n\n## Content\n\n## Block fit\n\n## Fig prior\n\n## fn-1\n\n```ntk {#fit}\nx = 1\n```\n"
        )
        #expect(
            ids(p.body) == [
                "search-1", "search-1-1", "content-1", "section-block-fit", "section-fig-prior", "section-fn-1"
            ])
        #expect(p.body.contains("id=\"block-fit\""))
        let all = p.body.matches(of: #/ id="([^"]*)"/#).map { String($0.output.1) }
        #expect(Set(all).count == all.count, "ids are unique: \(all)")
    }

    @Test func proseCannotForgeAHeadingId() throws {
        // Raw HTML headings lose the id they wrote (the sanitizer, or the anchoring for a
        // footnote-like id) and get the one their text gives.
        let p = try page(
            "<h2 id=\"search\">Raw</h2>\n\n<h2 id=\"fn-1\">Other</h2>\n\n<h3 id=\"x\" align=\"center\">Third</h3>\n")
        #expect(ids(p.body) == ["raw", "other", "third"])
        #expect(!p.body.contains("id=\"search\"") && !p.body.contains("id=\"fn-1\"") && !p.body.contains("id=\"x\""))
        #expect(p.body.contains("<h3 id=\"third\" align=\"center\">"))
    }

    /// A page starts with its title (axe: `page-has-heading-one`): a front matter title, or the
    /// file name, becomes the `<h1>` of a page whose prose has none; a title that is a heading
    /// is not repeated.
    @Test func aPageWithoutAHeadingOneGetsItsTitleAsOne() throws {
        let titled = try page("---\ntitle: Kernels <&> widths\n---\n## Setup\n\nText.\n")
        #expect(titled.body.hasPrefix("<h1 class=\"page-title\">Kernels &lt;&amp;&gt; widths</h1>\n<h2 id=\"setup\">"))
        #expect(!titled.sections.contains { $0.text.contains("Kernels") }, "the title is not searched twice")
        #expect(try page("Just text.\n").body.hasPrefix("<h1 class=\"page-title\">nb</h1>\n<p>Just text.</p>"))
        let own = try page("---\ntitle: Front\n---\n# Own heading\n\nText.\n")
        #expect(own.body.components(separatedBy: "<h1").count == 2 && !own.body.contains("Front"))
        #expect(!(try page("## Only a second level\n")).body.contains("<h1"), "the title is that heading")
    }

    @Test func headingsHaveAPermalinkWithAnEscapedLabel() throws {
        let p = try page("## Kernels & \"widths\" <i>here</i>\n")
        #expect(
            p.body
                == "<h2 id=\"kernels--widths-here\">Kernels &amp; &quot;widths&quot; <i>here</i><a class=\"heading-anchor\" "
                + "href=\"#kernels--widths-here\" aria-label=\"Permalink: Kernels &amp; &quot;widths&quot; here\">#</a></h2>\n"
        )
        // The permalink's `#` is not text to search or summarise.
        #expect(!p.sections.contains { $0.text.contains("#") })
    }

    @Test func theOutlineListsTheSecondAndThirdLevelHeadings() throws {
        let p = try page("# Title\n\nintro\n\n## Setup\n\n### The data\n\n#### Detail\n\n## Results\n")
        #expect(
            p.outlineHTML
                == "<nav class=\"toc\" id=\"toc\" aria-labelledby=\"toc-title\"><p class=\"toc-title\" id=\"toc-title\">"
                + "On this page</p><ul><li class=\"toc-h2\"><a href=\"#setup\">Setup</a></li><li class=\"toc-h3\">"
                + "<a href=\"#the-data\">The data</a></li><li class=\"toc-h2\"><a href=\"#results\">Results</a></li></ul></nav>\n"
        )
        #expect(try page("# Only a title\n\ntext\n").outlineHTML == "")
    }

    @Test func aFormulaInAHeadingIsTypesetInTheOutlineAndSpelledInItsId() throws {
        let source = "## The kernel $\\Theta$ at \\<b>\n"
        let prepared = PageRenderer.prepare(
            Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-nav-tests/nb.md")).run(
                try Notebook.parse(source, path: "nb.md")))
        let span = try #require(prepared.extraction.spans.first)
        let p = PageRenderer.finish(prepared, math: [span.placeholder: "<span class=\"katex\">Θ</span>"])
        #expect(ids(p.body) == ["the-kernel-theta-at-b"])
        #expect(
            p.outlineHTML.contains(
                "<a href=\"#the-kernel-theta-at-b\">The kernel <span class=\"katex\">Θ</span> at &lt;b&gt;</a>"))
        #expect(p.sections.map(\.heading) == ["The kernel \\Theta at <b>"])
    }

    @Test func sectionsSplitThePageAtItsHeadingsWithTheirBlocksCode() throws {
        let p = try page(
            "Before any heading.\n\n```ntk\nfirst = 1\n```\n\n## Training\n\nWe train.\n\n#### Deep\n\nStill training.\n\n"
                + "```ntk\nsecond = 2\n```\n\n### Results\n\nDone.\n")
        #expect(
            p.sections == [
                .init(id: nil, heading: "", text: "Before any heading.\nfirst = 1"),
                .init(
                    id: "training", heading: "Training", text: "We train.\nDeep\nStill training.\nsecond = 2"),
                .init(id: "results", heading: "Results", text: "Done.")
            ])
    }

    @Test func theSearchIndexHasOneEntryPerSectionLinkingToItsHeading() throws {
        let folder = try TemporaryFolder("nav")
        defer { folder.remove() }
        let dir = folder.url("site")
        let a = Runner(notebookURL: folder.url("a.md")).run(
            try Notebook.parse("# Kernels\n\nIntro words.\n\n## Wide limit\n\nThe zebra lives here.\n", path: "a.md"))
        let b = Runner(notebookURL: folder.url("b b.md")).run(
            try Notebook.parse("Plain page, no headings.\n", path: "b b.md"))
        let files = try SiteBuilder(outputDirectory: dir).build([
            .init(result: a, pagePath: "a.html"), .init(result: b, pagePath: "b b.html")
        ])
        #expect(files.contains("assets/theme.js"))
        let script = try String(contentsOf: dir.appendingPathComponent("search-index.js"), encoding: .utf8)
        let json = String(script.dropFirst("window.TANGENT_SEARCH_INDEX = ".count).dropLast(2))
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]])
        #expect(
            entries == [
                ["title": "Kernels", "section": "Kernels", "url": "a.html#kernels", "text": "Intro words."],
                [
                    "title": "Kernels", "section": "Wide limit", "url": "a.html#wide-limit",
                    "text": "The zebra lives here."
                ],
                ["title": "b b", "section": "", "url": "b%20b.html", "text": "Plain page, no headings."]
            ])
        let html = try String(contentsOf: dir.appendingPathComponent("a.html"), encoding: .utf8)
        // The skip link comes first and leads to the content; the theme is set before the page is drawn.
        #expect(html.contains("<body data-root=\"\">\n<a class=\"skip-link\" id=\"skip-link\" href=\"#content\">"))
        #expect(html.contains("<main id=\"content\" tabindex=\"-1\">"))
        let head = try #require(html.components(separatedBy: "</head>").first)
        #expect(head.contains("<script src=\"assets/theme.js\"></script>"))
        #expect(html.contains("<nav class=\"toc\""))
        let css = try String(contentsOf: dir.appendingPathComponent("assets/tangent.css"), encoding: .utf8)
        #expect(css.contains("[id] { scroll-margin-top:"))
        #expect(css.contains(":root[data-theme=\"dark\"]"))
    }

    @Test func outputTablesHaveACaptionAndHeaderScopes() throws {
        let m = Matrix(rowArrays: [[1, 2], [3, 4]])
        let range = SourceRange(at: SourceLocation(line: 1, column: 1))
        let named = OutputHTML.output(.value(.matrix(m), caption: "Gram <matrix>", range: range))
        #expect(
            named.contains("<table class=\"matrix-table\"><caption class=\"caption\">Gram &lt;matrix&gt;</caption>"))
        #expect(named.contains("<th scope=\"col\">0</th><th scope=\"col\">1</th>"))
        #expect(named.contains("<tr><th scope=\"row\">0</th><td>"))
        #expect(!named.contains("<div class=\"caption\">"), "the caption is not shown twice")
        let unnamed = OutputHTML.output(.value(.matrix(m), caption: nil, range: range))
        #expect(unnamed.contains("<caption class=\"caption\">\(m.shapeDescription) matrix</caption>"))
        let t = Table(matrix: m, columns: ["width", "error"])
        let table = OutputHTML.output(.value(.table(t), caption: nil, range: range))
        #expect(
            table.contains("<caption class=\"caption\">2×2 table</caption><thead><tr><th scope=\"col\">width</th>"))
    }
}
