import Foundation
import Language
import NTKCore
import Testing

@testable import Notebook
@testable import Render

/// LANGUAGE.md §4: `show` of a large matrix is a summary plus a heatmap, in the `.md` that
/// `update` writes (as GitHub shows it) as in the site. The heatmap is an SVG file beside the
/// notebook, linked under the summary and numbered apart from the block's figures.
@Suite struct LargeMatrixHeatmapTests {
    static let code = """
        # Heatmaps

        ```ntk {#big}
        show randn(100, 100, seed: 3), "kernel"
        plot([1, 2, 3], [1, 4, 9], title: "squares")
        show randn(30, 40, seed: 1)
        show eye(3)
        ```

        """

    static func update(_ text: String) throws -> (text: String, files: [String: String]) {
        let notebook = try Notebook.parse(text, path: "nb.md")
        let result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/nb.md"), useCache: false).run(notebook)
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for b in result.blocks { updates[b.cell.id] = .write(b.outputs, expectedError: nil) }
        return try MarkdownWriter.update(notebook, updates, force: false, figures: .beside("nb.md"))
    }

    @Test func theWriteBackLinksAHeatmapUnderEachLargeMatrix() throws {
        let (text, files) = try Self.update(Self.code)
        #expect(text.contains("Top-left corner:"))
        #expect(
            text.contains("\n\n![heatmap of kernel](nb.figures/big-matrix-1.svg)\n\n![squares](nb.figures/big-1.svg)\n")
        )
        #expect(text.contains("\n\n![heatmap of the 30×40 matrix](nb.figures/big-matrix-2.svg)\n"))
        // The small matrix is a table, with no heatmap.
        #expect(
            Set(files.keys) == ["nb.figures/big-1.svg", "nb.figures/big-matrix-1.svg", "nb.figures/big-matrix-2.svg"])
        let svg = try #require(files["nb.figures/big-matrix-1.svg"])
        #expect(svg.hasPrefix("<svg") && svg.contains("<rect"))
        #expect(!svg.contains("<script"))

        // What `check` rebuilds from the data line agrees with the visible text, with the
        // figure folder and without it (regions written before had no heatmap line).
        let notebook = try Notebook.parse(text, path: "nb.md")
        #expect(try RegionConsistency.problems(in: notebook, figures: .beside("nb.md")).isEmpty)
        let old = try Self.withHashFixed(
            text.replacingOccurrences(of: "\n\n![heatmap of kernel](nb.figures/big-matrix-1.svg)", with: ""))
        #expect(
            try RegionConsistency.problems(in: Notebook.parse(old, path: "nb.md"), figures: .beside("nb.md")).isEmpty)

        // A link changed by hand (its hash recomputed) is caught.
        let moved = try Self.withHashFixed(text.replacingOccurrences(of: "big-matrix-1.svg", with: "big-matrix-9.svg"))
        #expect(
            try RegionConsistency.problems(in: Notebook.parse(moved, path: "nb.md"), figures: .beside("nb.md")).count
                == 1)

        // Writing again gives the same bytes.
        let again = try Self.update(text)
        #expect(again.text == text)
        #expect(again.files == files)
    }

    /// The text with its region's hash recomputed, as a careful hand edit would leave it.
    static func withHashFixed(_ text: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:begin") })
        let end = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:end") })
        lines[begin] = "<!-- tangent:begin id=big hash=\(OutputRegion.hash(Array(lines[(begin + 1)..<end]))) -->"
        return lines.joined(separator: "\n")
    }
}
