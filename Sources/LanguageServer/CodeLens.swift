import TangentSupport

/// `textDocument/codeLens`: above each `ntk` block, a lens that runs the notebook through that
/// block (the `tangent.runBlock` command, arguments: the document's URI and the block id).
enum CodeLens {
    /// The command's name, as `workspace/executeCommand` receives it.
    static let runBlock = "tangent.runBlock"

    static func lenses(_ analysis: NotebookAnalysis, _ document: TextDocument) -> JSON {
        .array(
            analysis.blocks.map { block in
                let line = block.cell.fenceLine - 1
                let range = JSON.fields(
                    ("start", LSPPosition(line: line, character: 0).json),
                    ("end", LSPPosition(line: line, character: 0).json))
                let command = JSON.fields(
                    ("title", .string("▶ Run through [\(block.cell.id)]")), ("command", .string(runBlock)),
                    ("arguments", .array([.string(document.uri), .string(block.cell.id)])))
                return .fields(("range", range), ("command", command))
            })
    }
}
