import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// A notebook whose prose uses GitHub Flavored Markdown (a table right above a block, task
/// items and a footnote holding blocks) keeps its blocks through the write-back and through a
/// Jupyter round trip: the byte-preserving regions and the cell layout hold on GFM input.
@Suite struct GFMNotebookTests {
    static let text = """
        # GFM

        | width | error |
        |:--|--:|
        | 64 | ~~0.3~~ 0.2 |
        ```ntk {#after-table}
        show 1
        ```

        - [x] a done task
        - [ ] a task holding a block:

          ```ntk {#in-task}
          print("in a task")
          ```

        Text with a note[^n] and www.example.com.

        [^n]: The note holds a block.

            ```ntk {#in-note}
            x = 2
            ```

        ```ntk {#last}
        print(x)
        ```

        """

    @Test func blocksAreFoundInFileOrder() throws {
        let notebook = try Notebook.parse(Self.text, path: "gfm.md")
        #expect(notebook.cells.map(\.id) == ["after-table", "in-task", "in-note", "last"])
        #expect(notebook.cells.map(\.code) == ["show 1", "print(\"in a task\")", "x = 2", "print(x)"])
    }

    @Test func writeBackIsIdempotentAndKeepsTheProse() throws {
        let notebook = try Notebook.parse(Self.text, path: "gfm.md")
        // What `tangent update` does: run, write each block's outputs into its region.
        func update(_ notebook: Notebook) throws -> String {
            let result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-gfm-notebook/gfm.md")).run(notebook)
            #expect(!result.failed)
            var updates: [String: MarkdownWriter.RegionUpdate] = [:]
            for b in result.blocks { updates[b.cell.id] = .write(b.outputs, expectedError: nil) }
            return try MarkdownWriter.update(notebook, updates, force: false)
        }
        let once = try update(notebook)
        #expect(once.contains("<!-- tangent:begin id=in-task"))
        let reparsed = try Notebook.parse(once, path: "gfm.md")
        #expect(reparsed.cells.map(\.code) == notebook.cells.map(\.code))
        let twice = try update(reparsed)
        #expect(twice == once)
        // Removing the regions gives back the file byte for byte.
        #expect(try JupyterFixture.withoutRegions(reparsed) == Self.text)
    }

    @Test func aJupyterRoundTripKeepsProseAndBlocks() throws {
        let notebook = try Notebook.parse(Self.text, path: "gfm.md")
        let back = try JupyterFixture.roundTrip(
            notebook, folder: FileManager.default.temporaryDirectory, name: "gfm.md")
        #expect(back == Self.text)
        #expect(try Notebook.parse(back, path: "gfm.md").cells.map(\.id) == notebook.cells.map(\.id))
    }
}
