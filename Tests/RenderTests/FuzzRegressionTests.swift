import Foundation
import Testing
@testable import Notebook
@testable import Render
import Language

/// Inputs the fuzzers (scripts/fuzz.sh) found breaking an invariant, kept as tests once fixed.
@Suite struct FuzzRegressionTests {
    /// FuzzNotebook, crash-8a874e2b: a block left open to the end of the file whose last line
    /// ends in backticks (`show K#```) was taken for a closed block, and the region written
    /// after that "fence" became part of the block's code.
    @Test func openBlockWhoseLastLineEndsInBackticksGetsNoRegion() throws {
        let text = "# A quoted exercise\n\n```ntk\nK = [[2]]\n```\n\n```ntk\nshow K#```\n"
        let (result, updated) = try runAndUpdate(text)
        #expect(result.blocks.map(\.status) == [.ran, .ran])
        // The first block shows nothing; the open one cannot take a region after it.
        #expect(updated == text)
        let reparsed = try Notebook.parse(updated, path: "nb.md")
        #expect(reparsed.cells.map(\.code) == ["K = [[2]]", "show K#```"])
    }

    @Test func closingFenceInsideABlockquoteStillTakesItsRegion() throws {
        let (_, updated) = try runAndUpdate("> ```ntk\n> show 2\n> ```\n")
        #expect(updated.hasPrefix("> ```ntk\n> show 2\n> ```\n>\n> <!-- tangent:begin id="))
    }
}
