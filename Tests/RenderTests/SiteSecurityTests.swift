import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// A whole site built from hostile notebooks (a student's pull request): file names, titles,
/// prose, outputs, figure labels and error messages chosen to run script. Every page is read
/// with `ScriptFinder`, and, when Chromium is installed, loaded to prove no payload ran.
@Suite(.serialized) struct SiteSecurityTests {
    /// Each payload marks the body when it runs; `data-pwned-…` never appears otherwise.
    static let hostileText = """
        ---
        title: </title><script>document.body.setAttribute('data-pwned-title','1')</script>
        ---
        # Hostile <img src=x onerror="document.body.setAttribute('data-pwned-heading','1')">

        <img src=x onerror="document.body.setAttribute('data-pwned-img','1')">

        <script>document.body.setAttribute('data-pwned-script','1')</script>

        <svg><style>x{}</style><image href=x onerror="document.body.setAttribute('data-pwned-svg','1')"></image></svg>

        <details open ontoggle="document.body.setAttribute('data-pwned-details','1')"><summary>s</summary>x</details>

        <iframe srcdoc="<script>parent.document.body.setAttribute('data-pwned-iframe','1')</script>"></iframe>

        [click](javascript:document.body.setAttribute('data-pwned-link','1')) and <a href="jav&#x09;ascript:x()">tab</a>

        <div title="TANGENTBLOCKx0x">token</div>

        ```ntk {#evil}
        print("<script>document.body.setAttribute('data-pwned-print','1')</script>")
        show 1, "<img src=x onerror=alert(1)>"
        plot(linspace(0, 1, 3), linspace(0, 1, 3), title: "<script>alert(1)</script>", label: "\\"><svg onload=alert(1)>")
        ```

        ```ntk {#broken}
        y = nope  # <img src=x onerror=alert(1)>
        ```

        """

    static let names = ["course/javascript:alert(1).md", "course/\"><img src=x onerror=alert(1)>.md"]

    /// Builds the hostile site; `unsafe` turns on `--unsafe-html` (the control experiment).
    static func site(unsafe: Bool = false) throws -> (URL, [String]) {
        let dir = try TemporaryFolder("security").root
        let pagePaths = SiteBuilder.pagePaths(for: names)
        var entries: [SiteBuilder.Entry] = []
        for (name, page) in zip(names, pagePaths) {
            let result = Runner(notebookURL: dir.appendingPathComponent(name)).run(
                try Notebook.parse(hostileText, path: name))
            entries.append(.init(result: result, pagePath: page))
        }
        let site = SiteBuilder(outputDirectory: dir.appendingPathComponent("site"))
        site.unsafeHTML = unsafe
        let files = try site.build(entries)
        return (dir.appendingPathComponent("site"), files)
    }

    @Test func hostileNamesTitlesProseAndOutputsRunNothing() throws {
        let (site, files) = try SiteSecurityTests.site()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        #expect(
            SiteBuilder.pagePaths(for: SiteSecurityTests.names) == [
                "javascript:alert(1).html", "\"><img src=x onerror=alert(1)>.html"
            ])
        let pages = files.filter { $0.hasSuffix(".html") }
        #expect(pages.count == 3)
        for page in pages {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            let own: Set<String> = [
                "<script src=\"search-index.js\">", "<script src=\"assets/search.js\">",
                "<script src=\"assets/theme.js\">"
            ]
            // Tangent's figures carry their own stylesheet (with their least width); any other
            // <style> is a finding.
            let figureStyle = try Regex(
                "<style>" + NSRegularExpression.escapedPattern(for: SVGStyle.css)
                    + #":not\(svg\)>\.tg-min-(\d+)\{min-width:\1px\}</style>"#)
            let withoutFigureStyles = html.replacing(figureStyle, with: "")
            let problems = ScriptFinder.problems(in: withoutFigureStyles, allowedTags: nil, ownScripts: own)
            #expect(problems.isEmpty, "\(page): \(problems)")
            #expect(
                html.contains(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src &#39;self&#39; file:;"),
                "\(page)")
        }
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        // Page links are percent-encoded relative paths: never a scheme, never markup.
        #expect(index.contains("<a href=\"./javascript%3Aalert%281%29.html\">"))
        #expect(index.contains("<a href=\"./%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.html\">"))
        #expect(index.contains("&lt;/title&gt;&lt;script&gt;"))
        let page = try String(contentsOf: site.appendingPathComponent("javascript:alert(1).html"), encoding: .utf8)
        #expect(
            page.contains(
                "<title>&lt;/title&gt;&lt;script&gt;document.body.setAttribute(&#39;data-pwned-title&#39;,&#39;1&#39;)&lt;/script&gt;</title>"
            ))
        #expect(page.contains("<a class=\"next\" href=\"./%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.html\">"))
        // Outputs, captions, figure labels and errors are text.
        #expect(
            page.contains(
                "&lt;script&gt;document.body.setAttribute(&#39;data-pwned-print&#39;,&#39;1&#39;)&lt;/script&gt;"))
        #expect(page.contains("error: unknown name &#39;nope&#39;"))
        // A block token written into an attribute stays text; the block appears once, in its place.
        #expect(page.contains("<div title=\"TANGENTBLOCKx0x\">token</div>"))
        #expect(page.components(separatedBy: "<section class=\"ntk-block\" id=\"block-evil\">").count == 2)
        let search = try String(contentsOf: site.appendingPathComponent("search-index.js"), encoding: .utf8)
        #expect(search.contains("javascript%3Aalert%281%29.html"))
    }

    @Test func unsafeHTMLIsTheSiteBuildersChoiceNotTheNotebooks() throws {
        let folder = try TemporaryFolder("unsafe")
        defer { folder.remove() }
        let dir = folder.root
        func result(_ text: String, _ name: String) throws -> NotebookResult {
            Runner(notebookURL: dir.appendingPathComponent(name)).run(try Notebook.parse(text, path: name))
        }
        let asks = try result("---\nunsafe_html: true\n---\n<script>asks()</script>\n", "asks.md")
        let refuses = try result("---\nunsafe_html: false\n---\n<script>refuses()</script>\n", "refuses.md")
        let silent = try result("<script>silent()</script>\n", "silent.md")
        func build(flag: Bool) throws -> (SiteBuilder, [String: String]) {
            let site = SiteBuilder(outputDirectory: dir.appendingPathComponent(flag ? "unsafe" : "safe"))
            site.unsafeHTML = flag
            try site.build([
                .init(result: asks, pagePath: "asks.html"), .init(result: refuses, pagePath: "refuses.html"),
                .init(result: silent, pagePath: "silent.html")
            ])
            var pages: [String: String] = [:]
            for name in ["asks", "refuses", "silent", "index"] {
                pages[name] = try String(
                    contentsOf: site.outputDirectory.appendingPathComponent(name + ".html"), encoding: .utf8)
            }
            return (site, pages)
        }
        // Without the flag the front matter alone changes nothing, and says so.
        let (safe, safePages) = try build(flag: false)
        // GitHub's tag filter writes the script out as text (as GitHub shows it); no tag is left.
        #expect(!safePages["asks"]!.contains("<script>asks()"))
        #expect(safePages["asks"]!.contains("&lt;script>asks()&lt;/script>"))
        #expect(safePages["asks"]!.contains("http-equiv=\"Content-Security-Policy\""))
        #expect(
            safe.warnings.contains { $0.hasPrefix("asks.md: warning: front matter 'unsafe_html: true' is ignored") })
        #expect(safe.warnings.count == 1)
        // With it, raw HTML passes (no policy on those pages), except where a notebook declines.
        let (unsafe, unsafePages) = try build(flag: true)
        #expect(unsafePages["asks"]!.contains("<script>asks()</script>"))
        #expect(unsafePages["silent"]!.contains("<script>silent()</script>"))
        #expect(!unsafePages["silent"]!.contains("Content-Security-Policy"))
        #expect(!unsafePages["refuses"]!.contains("<script>refuses()"))
        #expect(unsafePages["refuses"]!.contains("http-equiv=\"Content-Security-Policy\""))
        #expect(unsafePages["index"]!.contains("http-equiv=\"Content-Security-Policy\""))
        #expect(unsafe.warnings.isEmpty)
    }

    @Test(.enabled(if: KaTeXRenderer.isAvailable, "needs node and libjs-katex"))
    func mathCannotLinkToScript() throws {
        // KaTeX's HTML goes in after sanitising; it runs with trust off, so \href and \url
        // to javascript: and the \html… commands come out as error text, not links.
        let folder = try TemporaryFolder("math")
        defer { folder.remove() }
        let dir = folder.root
        let text =
            "Math $\\href{javascript:alert(1)}{x}$, $\\url{javascript:alert(2)}$ and $\\htmlData{onload=alert(3)}{y}$.\n"
        let result = Runner(notebookURL: dir.appendingPathComponent("m.md")).run(try Notebook.parse(text, path: "m.md"))
        let site = SiteBuilder(outputDirectory: dir.appendingPathComponent("site"))
        try site.build([.init(result: result, pagePath: "m.html")])
        let html = try String(contentsOf: dir.appendingPathComponent("site/m.html"), encoding: .utf8)
        #expect(html.contains("class=\"katex"), "the math was typeset")
        let own: Set<String> = [
            "<script src=\"search-index.js\">", "<script src=\"assets/search.js\">", "<script src=\"assets/theme.js\">"
        ]
        // KaTeX sizes its boxes with style attributes and adds MathML: its own, not the notebook's.
        let problems = ScriptFinder.problems(in: html, allowedTags: nil, ownScripts: own)
            .filter { !$0.hasPrefix("style in") && $0 != "a <math> tag" }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func pageLinksCanOnlyBeRelativePaths() {
        #expect(PageLink.href("javascript:alert(1).html", root: "") == "./javascript%3Aalert%281%29.html")
        #expect(PageLink.href("part/a b.html", root: "../") == "../part/a%20b.html")
        #expect(PageLink.href("θ.html", root: "") == "./%CE%B8.html")
        #expect(PageLink.href("a-b_c.~d.html", root: "") == "./a-b_c.~d.html")
    }

    @Test(.enabled(if: BrowserTests.chromium != nil, "needs Debian's chromium (scripts/test.sh installs it)"))
    func noPayloadRunsInABrowser() throws {
        // The control: built with --unsafe-html the same page does run the payloads, so their
        // absence below means the site stopped them, not that the test could not see them.
        let (unsafeSite, _) = try SiteSecurityTests.site(unsafe: true)
        defer { try? FileManager.default.removeItem(at: unsafeSite.deletingLastPathComponent()) }
        let scratch = unsafeSite.deletingLastPathComponent()
        let page = "javascript:alert(1).html"
        let (control, _) = try BrowserTests.dumpDOM(
            "file://" + unsafeSite.appendingPathComponent(page).path, scratch: scratch)
        #expect(
            control.contains("data-pwned-script=\"1\""), "the unsafe page ran no script: the check below proves nothing"
        )
        #expect(control.contains("data-pwned-img=\"1\""))

        let (site, _) = try SiteSecurityTests.site()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        for name in [page, "index.html"] {
            let (dom, _) = try BrowserTests.dumpDOM(
                "file://" + site.appendingPathComponent(name).path, scratch: site.deletingLastPathComponent())
            #expect(dom.contains("<body"), "\(name): Chromium printed no DOM")
            #expect(
                dom.range(of: "data-pwned-[a-z]+=\"1\"", options: .regularExpression) == nil, "\(name): a payload ran")
        }
        // The site's own scripts still run under its policy: search works on the hostile site.
        let (search, _) = try BrowserTests.dumpDOM(
            "file://" + site.appendingPathComponent("index.html").path + "?q=hostile",
            scratch: site.deletingLastPathComponent())
        #expect(search.contains("<a href=\"./javascript%3Aalert%281%29.html\">"), "search ran and linked the page")
    }
}
