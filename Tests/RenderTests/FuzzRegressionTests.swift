import Foundation
import Language
import Testing

@testable import Notebook
@testable import Render

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

    /// FuzzNotebook, crash-22f91337: blocks in list items whose closing fence is indented less
    /// than the item's content (so it is not the block's fence at all).
    @Test func underIndentedFenceInAListItem() throws {
        let text =
            "# Steps\n\n1. Make the inputs:\n\n   ```ntk\n  9 X = 1-   ```\n\n2. Build:\n\n   ```ntk\n   K = 2\n  ```\n\n3. Show it:\n\n   ```ntk\n   show K\n   ```\n"
        let notebook = try Notebook.parse(text, path: "nb.md")
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for cell in notebook.cells {
            updates[cell.id] = .write(
                [.text("out", range: SourceRange(at: SourceLocation(line: cell.codeLine, column: 1)))],
                expectedError: nil)
        }
        // The fence at line 12 does not close block b2 for cmark (it opens a new block):
        // writing a region after it would make `show K` a block. Refused, nothing written.
        do {
            _ = try MarkdownWriter.update(notebook, updates, force: true)
            Issue.record("a write that changes how the file parses was not refused")
        } catch {
            #expect(
                error.message.contains("block 'b2'") && error.message.contains("without changing how the file parses"))
            #expect(error.range.start.line == 10)
        }
    }

    /// Writes an output into every block's region and expects the write refused because it
    /// would move a block; returns the refusal.
    static func refusalOfAnOutputInEveryBlock(_ notebook: Notebook) -> Diagnostic? {
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for cell in notebook.cells {
            updates[cell.id] = .write(
                [.text("out", range: SourceRange(at: SourceLocation(line: cell.codeLine, column: 1)))],
                expectedError: nil)
        }
        do {
            let written = try MarkdownWriter.update(notebook, updates, force: true)
            Issue.record("a write that moves block b2 was not refused:\n\(written)")
            return nil
        } catch {
            #expect(error.message.contains("without changing how the file parses"), "\(error.message)")
            return error
        }
    }

    /// FuzzNotebook, crash-e96061c0: the closing fences of b1 and b2, indented less than their
    /// list items, are not their fences; regions written after them turned the fenced text
    /// below into a new block with the same code, which took b2's number, so the check that
    /// the blocks were unchanged passed and a second update differed. The opening fence lines
    /// now count too: the write is refused at the first block whose region alone moves blocks.
    @Test func aBlockReplacedByALookAlikeIsRefused() throws {
        let text = "\n\n1. \n   ```ntk\n```\n\n```\n3. ```ntk\n   show K\n```\n ```ntk\nshow K\n ```\n"
        let notebook = try Notebook.parse(text, path: "nb.md")
        #expect(notebook.cells.map(\.fenceLine) == [4, 8])
        let refusal = Self.refusalOfAnOutputInEveryBlock(notebook)
        #expect(refusal?.range.start.line == 4)
    }

    /// FuzzNotebook, crash-a02ca49e: as above, but the look-alike's fence line reads the same
    /// as b2's (`   ```ntk`): the check compares where each block opens with where the writes
    /// moved it.
    @Test func aLookAlikeWithTheSameFenceLineIsRefused() throws {
        let text =
            "s\n\n1. Ma\u{1F}\u{0}\n   ```ntk\n   sK\n ```\n```\n\n4. \n   ```ntk\n   show K\n  ```\n   ```ntk\n  show K\n```\n"
        let notebook = try Notebook.parse(text, path: "nb.md")
        #expect(notebook.cells.map(\.fenceLine) == [4, 10])
        _ = Self.refusalOfAnOutputInEveryBlock(notebook)
    }

    /// FuzzNotebook, crash-a17f853a: a region whose end marker is missing runs on to a later
    /// `tangent:end` with the same id, over other blocks; replacing it dropped their outputs,
    /// so a second update differed from the first. Now refused at the begin marker.
    @Test func regionRunningOverAnotherBlockIsRefused() throws {
        let text =
            "```ntk {#a}\nshow 1\n```\n\n<!-- tangent:begin id=a hash=0 -->\n```text\n1\n```\n\n```ntk {#b}\nshow 2\n```\n\n<!-- tangent:end id=a -->\n"
        let notebook = try Notebook.parse(text, path: "nb.md")
        #expect(notebook.cells.map(\.id) == ["a", "b"])
        do {
            _ = try MarkdownWriter.update(notebook, ["a": .keep, "b": .keep], force: true)
            Issue.record("a region over another block was accepted")
        } catch {
            #expect(error.message.contains("runs over block 'b'"), "\(error.message)")
            #expect(error.range.start.line == 5)
        }
    }

    /// FuzzNotebook, crash-e74d21d5: in a file with mixed line endings the region took the
    /// file's majority ending, which the region itself could tip, so a second update rewrote it.
    /// Regions now end their lines like their block's closing fence.
    @Test func mixedLineEndingsGiveTheSameBytesOnTheSecondUpdate() throws {
        let text = "# T\n\n```ntk {#a}\nshow 1\n```\r\n\ntext\n\n```ntk {#b}\r\nshow 2\r\n```\r\n"
        let first = try runAndUpdate(text).1
        #expect(first.contains("```\r\n\r\n<!-- tangent:begin id=a"), "\(first.debugDescription)")
        let second = try runAndUpdate(first).1
        #expect(second == first)
    }
}
