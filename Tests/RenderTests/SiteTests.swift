import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook
@testable import Render

@Suite struct SiteTests {
    func result(_ text: String, path: String = "nb.md") throws -> NotebookResult {
        Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-site-tests/" + path)).run(
            try Notebook.parse(text, path: path))
    }

    @Test func pagePathsDropTheCommonFolder() {
        #expect(SiteBuilder.pagePaths(for: ["notebooks/a.md", "notebooks/part/b.md"]) == ["a.html", "part/b.html"])
        #expect(SiteBuilder.pagePaths(for: ["x/intro.md"]) == ["intro.html"])
    }

    @Test func blocksBecomeSectionsInsideTheirContainers() throws {
        let r = try result(
            "# Title\n\n- item\n\n  ```ntk {#inner}\n  show 1\n  ```\n\n- next\n\n```ntk {#top}\nx = nope\n```\n\ntext $x$ after\n"
        )
        let page = PageRenderer.finish(PageRenderer.prepare(r), math: [:])
        #expect(page.body.contains("<li>"))
        #expect(page.body.contains("<section class=\"ntk-block\" id=\"block-inner\">"))
        // Published pages show no source lines; a debug render does.
        #expect(!page.body.contains("block-line"))
        var debug = PageRenderer.Options()
        debug.debug = true
        let debugPage = PageRenderer.finish(PageRenderer.prepare(r), math: [:], options: debug)
        #expect(debugPage.body.contains("<span class=\"block-line\">line 5</span>"))
        #expect(page.body.contains("<section class=\"ntk-block\" id=\"block-top\">"))
        #expect(page.body.contains("<div class=\"error\"><pre>nb.md:12:5: error: unknown name &#39;nope&#39;"))
        #expect(!page.body.contains("TANGENTBLOCK"))
        #expect(page.body.range(of: "block-inner")!.lowerBound < page.body.range(of: "next")!.lowerBound)
    }

    @Test func blockTokensAreReplacedOnceEach() {
        let html = "<p>TANGENTBLOCKx1x</p>\n<ul><li>TANGENTBLOCKx12x</li></ul><p>TANGENTBLOCKx7x and TANGENTBLOCKx</p>"
        let out = PageRenderer.insertBlocks(
            html,
            [
                "TANGENTBLOCKx1x": "<section>one shows TANGENTBLOCKx12x</section>",
                "TANGENTBLOCKx12x": "<section>twelve</section>"
            ])
        // A paragraph of its own goes with its <p>; a bare token inside a list item is replaced
        // alone; unknown tokens and a block's own text are left as they are.
        #expect(
            out == "<section>one shows TANGENTBLOCKx12x</section>\n<ul><li><section>twelve</section></li></ul>"
                + "<p>TANGENTBLOCKx7x and TANGENTBLOCKx</p>")
    }

    @Test func frontMatterIsNotRenderedAsProse() throws {
        let page = PageRenderer.finish(
            PageRenderer.prepare(try result("---\ntitle: Kernels\nseed: 3\n---\n# Heading\n\ntext\n")), math: [:])
        #expect(!page.body.contains("title:"))
        #expect(!page.body.contains("<hr"))
        #expect(page.body.contains("<h1 id=\"heading\">Heading<a class=\"heading-anchor\""))
    }

    @Test func storedRegionsAreNotShownTwice() throws {
        let (_, updated) = try runAndUpdate("```ntk\nprint(\"hello there\")\n```\n\nAfter.\n")
        let page = PageRenderer.finish(PageRenderer.prepare(try result(updated)), math: [:])
        // The code and this run's output, not the stored region.
        #expect(page.body.components(separatedBy: "hello there").count == 3)
        #expect(!page.body.contains("tangent:begin"))
        #expect(page.body.contains("<p>After.</p>"))
    }

    @Test func codeIsHighlighted() {
        let html = CodeHighlighter.line("K = ntk_thing(X, seed: 3) @ A.T  # the \"kernel\" <b>")
        #expect(html.contains("<span class=\"tok-number\">3</span>"))
        #expect(html.contains("<span class=\"tok-op\">@</span>"))
        #expect(html.contains("<span class=\"tok-comment\"># the &quot;kernel&quot; &lt;b&gt;</span>"))
        #expect(CodeHighlighter.line("x = linspace(0, 1, 3)").contains("<span class=\"tok-builtin\">linspace</span>"))
    }

    @Test func siteHasPagesIndexSearchAndAssets() throws {
        let folder = try TemporaryFolder("site")
        defer { folder.remove() }
        let dir = folder.url("site")
        let a = try result("---\ntitle: First\n---\nThe very first paragraph.\n\n```ntk\nshow 2\n```\n", path: "a.md")
        let b = try result("# Second\n\nAbout kernels.\n", path: "sub/b.md")
        let files = try SiteBuilder(outputDirectory: dir).build([
            .init(result: a, pagePath: "a.html"), .init(result: b, pagePath: "sub/b.html")
        ])
        #expect(
            Set(files).isSuperset(of: [
                "a.html", "sub/b.html", "index.html", "search-index.js", "assets/tangent.css", "assets/search.js"
            ]))
        let index = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<a href=\"./a.html\">First</a><p>The very first paragraph.</p>"))
        let sub = try String(contentsOf: dir.appendingPathComponent("sub/b.html"), encoding: .utf8)
        #expect(sub.contains("href=\"../assets/tangent.css\""))
        #expect(sub.contains("<a class=\"prev\" href=\"../a.html\">← First</a>"))
        #expect(!sub.contains("http://") && !sub.contains("https://"))
        let search = try String(contentsOf: dir.appendingPathComponent("search-index.js"), encoding: .utf8)
        #expect(search.contains("About kernels."))
    }

    @Test func foreignFoldersAreNeverDeleted() throws {
        let folder = try TemporaryFolder("site")
        defer { folder.remove() }
        let dir = folder.url("site")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "mine".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let a = try result("text\n", path: "a.md")
        #expect(throws: SiteBuilder.SiteError.self) {
            try SiteBuilder(outputDirectory: dir).build([.init(result: a, pagePath: "a.html")])
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("notes.txt").path))
    }

    @Test func aReRenderRewritesOnlyTheFilesThatChanged() throws {
        let folder = try TemporaryFolder("site")
        defer { folder.remove() }
        let dir = folder.url("site")
        let a = try result("# A\n\nfirst\n", path: "a.md")
        let b = try result("# B\n\nsecond\n", path: "b.md")
        try SiteBuilder(outputDirectory: dir).build([
            .init(result: a, pagePath: "a.html"), .init(result: b, pagePath: "b.html")
        ])
        // Each write replaces the file (temp file + rename), so an untouched file keeps its inode.
        func inode(_ path: String) throws -> Int {
            try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(path).path)[.systemFileNumber]
                as! Int
        }
        let before = try ["a.html", "b.html", "assets/tangent.css"].map(inode)
        let a2 = try result("# A\n\nfirst, edited\n", path: "a.md")
        let files = try SiteBuilder(outputDirectory: dir).build([
            .init(result: a2, pagePath: "a.html"), .init(result: b, pagePath: "b.html")
        ])
        #expect(Set(files).isSuperset(of: ["a.html", "b.html", "assets/tangent.css", "index.html"]))
        #expect(try inode("a.html") != before[0])
        #expect(try inode("b.html") == before[1] && inode("assets/tangent.css") == before[2])
        #expect(try String(contentsOf: dir.appendingPathComponent("a.html"), encoding: .utf8).contains("first, edited"))
    }

    @Test func staleFilesFromAnEarlierRenderAreRemovedOthersKept() throws {
        let folder = try TemporaryFolder("site")
        defer { folder.remove() }
        let dir = folder.url("site")
        let a = try result("text\n", path: "a.md")
        let b = try result("more\n", path: "b.md")
        try SiteBuilder(outputDirectory: dir).build([
            .init(result: a, pagePath: "a.html"), .init(result: b, pagePath: "b.html")
        ])
        try "mine".write(to: dir.appendingPathComponent("extra.txt"), atomically: true, encoding: .utf8)
        try SiteBuilder(outputDirectory: dir).build([.init(result: a, pagePath: "a.html")])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("b.html").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("extra.txt").path))
    }
}
