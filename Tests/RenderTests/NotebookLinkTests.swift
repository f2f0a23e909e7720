import Foundation
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// Links between notebooks: `[see](03-nngp.md#section)` points at the page of 03-nngp.md in the
/// site, fragment kept; a link to a notebook the site does not have is left as written and
/// reported as `FILE:LINE:COL: warning: …`, and the site is still written.
@Suite struct NotebookLinkTests {
    static let intro = """
        # Intro

        Read [the NNGP](part/03-nngp.md#the-kernel), [its top](part/03-nngp.md) and [ref][r].
        External [a.md](https://example.org/a.md), [local](#here) and [data](data/table.csv).

        [r]: ./part/../part/03-nngp.md?x=1#end

        """

    static let nngp = """
        # NNGP

        Back to [the intro](../intro.md#top); see [the missing one](04-gone.md#x).

        """

    func build() throws -> (TemporaryFolder, SiteBuilder, intro: String, nngp: String) {
        let folder = try TemporaryFolder("links")
        func result(_ text: String, _ path: String) throws -> NotebookResult {
            Runner(notebookURL: folder.url(path)).run(try Notebook.parse(text, path: path))
        }
        let site = SiteBuilder(outputDirectory: folder.url("site"))
        try site.build([
            .init(result: try result(Self.intro, "notebooks/intro.md"), pagePath: "intro.html"),
            .init(result: try result(Self.nngp, "notebooks/part/03-nngp.md"), pagePath: "part/03-nngp.html")
        ])
        let intro = try String(contentsOf: folder.url("site/intro.html"), encoding: .utf8)
        let nngp = try String(contentsOf: folder.url("site/part/03-nngp.html"), encoding: .utf8)
        return (folder, site, intro, nngp)
    }

    @Test func linksToNotebooksPointAtTheirPagesWithTheirFragments() throws {
        let (folder, _, intro, nngp) = try build()
        defer { folder.remove() }
        #expect(intro.contains("<a href=\"./part/03-nngp.html#the-kernel\">the NNGP</a>"))
        #expect(intro.contains("<a href=\"./part/03-nngp.html\">its top</a>"))
        #expect(intro.contains("<a href=\"./part/03-nngp.html?x=1#end\">ref</a>"))
        #expect(nngp.contains("<a href=\"../intro.html#top\">the intro</a>"))
        // Other links are left alone.
        #expect(intro.contains("<a href=\"https://example.org/a.md\">a.md</a>"))
        #expect(intro.contains("<a href=\"#here\">local</a>"))
        #expect(intro.contains("<a href=\"data/table.csv\">data</a>"))
    }

    @Test func aLinkToAMissingNotebookIsALocatedWarning() throws {
        let (folder, site, _, nngp) = try build()
        defer { folder.remove() }
        #expect(nngp.contains("<a href=\"04-gone.md#x\">the missing one</a>"))
        // `[the missing one]` starts on line 3 at the byte after "see ".
        let line = Self.nngp.split(separator: "\n", omittingEmptySubsequences: false)[2]
        let column = line.utf8.count - line[line.range(of: "[the missing")!.lowerBound...].utf8.count + 1
        #expect(site.warnings.count == 1)
        #expect(
            site.warnings.first?.hasPrefix(
                "notebooks/part/03-nngp.md:3:\(column): warning: the link to '04-gone.md#x' is dead in the site: "
                    + "no notebook 'notebooks/part/04-gone.md'") == true, "\(site.warnings)")
    }

    @Test func targetsResolveAgainstTheNotebooksFolder() {
        #expect(NotebookLinks.normalised("a/./b/../c.md") == "a/c.md")
        #expect(NotebookLinks.normalised("../x/../../y.md") == "../../y.md")
        #expect(NotebookLinks.split("03%20nngp.md#s")?.path == "03 nngp.md")
        #expect(NotebookLinks.split("03-nngp.md?q#s")?.suffix == "?q#s")
        #expect(NotebookLinks.split("mailto:a.md") == nil)
        #expect(NotebookLinks.split("/abs/a.md") == nil)
        #expect(NotebookLinks.split("#a.md") == nil)
        #expect(NotebookLinks.split("notes.txt") == nil)
    }
}
