import Foundation
import Language
import Testing

@testable import Notebook
@testable import Render

/// Figures on a page are numbered in order with their caption under them, carry an anchor,
/// and prose links to them read "Figure N".
@Suite struct FigureNumberingTests {
    let notebook = """
        # Figures

        As [](#fig-prior) shows, and [Figure](#fig-posterior) confirms; [the draws](#fig-prior)
        keep their words, and [](#fig-missing) names no figure.

        ```ntk {#one}
        x = [0, 1, 2]
        figure(title: "Draws", id: "prior", caption: "Ten draws & a <band>")
        plot(x, x)
        ```

        Between the blocks.

        ```ntk {#two}
        x = [0, 1, 2]
        plot(x, x, title: "Untitled id")
        figure(id: "posterior")
        plot(x, x)
        figure(id: "prior")
        plot(x, x)
        ```

        """

    private func page(_ text: String) throws -> String {
        let result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-site-tests/nb.md")).run(
            try Notebook.parse(text, path: "nb.md"))
        return PageRenderer.finish(PageRenderer.prepare(result), math: [:]).body
    }

    @Test func figuresAreNumberedInPageOrderWithCaptionsUnderThem() throws {
        let html = try page(notebook)
        let figures = html.matches(of: /<figure class="output figure" id="([^"]*)">/).map {
            String($0.output.1)
        }
        // A repeated id anchors only its first figure.
        #expect(figures == ["fig-prior", "figure-2", "fig-posterior", "figure-4"])
        let captions = html.matches(of: /<figcaption>(.*?)<\/figcaption>/).map { String($0.output.1) }
        #expect(
            captions == [
                "<span class=\"figure-number\">Figure 1</span>: Ten draws &amp; a &lt;band&gt;",
                "<span class=\"figure-number\">Figure 2</span>: Untitled id",
                "<span class=\"figure-number\">Figure 3</span>",
                "<span class=\"figure-number\">Figure 4</span>"
            ])
        // The caption comes after the drawing, inside the figure.
        let svgEnd = try #require(html.range(of: "</svg>"))
        let firstCaption = try #require(html.range(of: "<figcaption>"))
        #expect(svgEnd.upperBound <= firstCaption.lowerBound)
        #expect(!html.contains("\u{1}"))
    }

    @Test func proseLinksToAFigureReadItsNumber() throws {
        let html = try page(notebook)
        #expect(html.contains("<a href=\"#fig-prior\">Figure 1</a>"))
        #expect(html.contains("<a href=\"#fig-posterior\">Figure 3</a>"))
        #expect(html.contains("<a href=\"#fig-prior\">the draws</a>"))
        #expect(html.contains("<a href=\"#fig-missing\"></a>"))
    }

    @Test func numbersAreStableAcrossRenders() throws {
        #expect(try page(notebook) == page(notebook))
    }

    @Test func theNotebooksTextCannotForgeATokenOrAFigure() throws {
        let forged = "Text \u{1}figure-id:x\u{1} and \u{1}figure-number\u{1}.\n\n" + notebook
        let html = try page(forged)
        #expect(!html.contains("\u{1}"))
        #expect(html.matches(of: /<figure class="output figure" id="fig-prior">/).count == 1)
        #expect(html.contains("<a href=\"#fig-prior\">Figure 1</a>"))
    }
}
