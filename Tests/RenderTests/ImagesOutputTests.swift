import Foundation
import Language
import NTKCore
import Testing

@testable import Notebook
@testable import Render

/// `show I` of images in every output: the Markdown write-back (a summary `check` can rebuild
/// from its data, then the figure of the first samples), the site and the Jupyter export.
@Suite struct ImagesOutputTests {
    let code = "```ntk {#digits}\nshow images(reshape(linspace(0, 1, 32), 2, 16), 4, 4, 1), \"two\"\n```\n"

    @Test func theWriteBackIsTheSummaryAndTheFigure() throws {
        let (result, text) = try runAndUpdate(code)
        #expect(result.blocks[0].status == .ran)
        #expect(
            text.contains(
                "**two**\n\n```text\nimages: 2 × 4×4×1, min 0, max 1, mean 0.5\n```\n\n```text\nfigure \"samples 0–1 "
                    + "of 2, channel 0 (grey columns separate samples)\": heatmap 4×9\n```\n"), "\(text)")
        let notebook = try Notebook.parse(text, path: "nb.md")
        #expect(try RegionConsistency.problems(in: notebook, figures: nil).isEmpty)
        #expect(try checkDifferences(text).isEmpty)
        // Other pixels: check names the summary number that moved.
        let drift = try checkDifferences(
            text.replacingOccurrences(of: "linspace(0, 1, 32)", with: "linspace(0, 2, 32)"))
        #expect(drift.count == 1)
        #expect(drift.first?.message.contains("max") == true, "\(drift)")
        // A hand edit of the summary, hash recomputed, is caught.
        var lines = text.components(separatedBy: "\n")
        let k = try #require(lines.firstIndex(of: "images: 2 × 4×4×1, min 0, max 1, mean 0.5"))
        lines[k] = "images: 2 × 4×4×1, min 0, max 9, mean 0.5"
        let begin = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:begin") })
        let end = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:end") })
        lines[begin] = "<!-- tangent:begin id=digits hash=\(OutputRegion.hash(Array(lines[(begin + 1)..<end]))) -->"
        let edited = try Notebook.parse(lines.joined(separator: "\n"), path: "nb.md")
        #expect(try RegionConsistency.problems(in: edited, figures: nil).count == 1)
    }

    @Test func theSiteAndJupyterShowTheSummaryAndTheSamples() throws {
        let i = Images(
            pixels: Matrix(rows: 2, cols: 16, storage: (0..<32).map { Double($0) / 31 }), height: 4, width: 4,
            channels: 1)
        let at = SourceRange(at: SourceLocation(line: 2, column: 1))
        let html = OutputHTML.output(.value(.images(i), caption: nil, range: at))
        #expect(html.contains("images: 2 × 4×4×1, min 0, max 1, mean 0.5"), "\(html)")
        let figure = OutputHTML.output(.figure(i.preview, range: at))
        #expect(figure.contains("<svg"))
        #expect(figure.contains("samples 0–1 of 2, channel 0"))
        // 4×4 cells a sample: 32 coloured rects plus the 4 grey (NaN) separators.
        #expect(figure.components(separatedBy: "class=\"tg-nan\"").count - 1 == 4)
        let stored = StoredOutput.from(.value(.images(i), caption: nil, range: at), codeLine: 2)
        #expect(stored.type == "images" && stored.shape == [2, 4, 4, 1])
        #expect(stored.numbers == [0, 1, 0.5])
        #expect(StoredOutput(json: stored.json) == stored)
        #expect(JupyterOutputs.value(stored).plain == "images: 2 × 4×4×1, min 0, max 1, mean 0.5")
    }
}
