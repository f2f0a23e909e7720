import Language

/// `tangent check`: compares what each block shows now with what `update` stored.
package enum Check {
    /// The tolerance for a block: its own attributes, else the front matter, else the default.
    package static func tolerance(for cell: CodeCell, in notebook: Notebook) -> Tolerance {
        Tolerance(
            rtol: cell.attributes.rtol ?? notebook.frontMatter.rtol ?? Tolerance.standard.rtol,
            atol: cell.attributes.atol ?? notebook.frontMatter.atol ?? Tolerance.standard.atol)
    }

    /// The new outputs of a block in stored form (an expected error counts as an output).
    package static func outputs(of block: BlockResult) -> [StoredOutput] {
        var out = block.outputs.map { StoredOutput.from($0, codeLine: block.cell.codeLine) }
        if block.failedAsExpected, let e = block.error { out.append(.expectedError(e, codeLine: block.cell.codeLine)) }
        return out
    }

    /// Marks blocks whose outputs differ from the stored ones as `.mismatch` and returns the
    /// located differences. A notebook with no stored outputs at all is one difference.
    package static func compare(_ result: inout NotebookResult) throws(Diagnostic) -> [Mismatch] {
        let notebook = result.notebook
        let sites = try notebook.regionSites()
        var mismatches: [Mismatch] = []
        let anyStored = sites.values.contains { $0.region != nil }
        if !anyStored, result.blocks.contains(where: { $0.status == .ran && !outputs(of: $0).isEmpty }) {
            let first = notebook.cells.first
            return [
                Mismatch(
                    "this notebook has no stored outputs; run 'tangent update \(notebook.path)' first",
                    at: SourceRange(at: SourceLocation(line: first?.fenceLine ?? 1, column: first?.fenceColumn ?? 1)))
            ]
        }
        for i in result.blocks.indices where result.blocks[i].status == .ran || result.blocks[i].status == .cached {
            let block = result.blocks[i]
            let new = outputs(of: block)
            let region = sites[block.cell.id]?.region
            let fenceLocation = SourceRange(
                at: SourceLocation(line: block.cell.fenceLine, column: block.cell.fenceColumn))
            guard let region else {
                if !new.isEmpty {
                    result.blocks[i].status = .mismatch
                    mismatches.append(
                        Mismatch(
                            "block '\(block.cell.id)' shows \(new.count) output\(new.count == 1 ? "" : "s") but none are stored; run 'tangent update'",
                            at: fenceLocation))
                }
                continue
            }
            let beginLocation = SourceRange(at: SourceLocation(line: region.beginLine, column: region.prefix.count + 1))
            guard let stored = region.storedOutputs else {
                result.blocks[i].status = .mismatch
                mismatches.append(
                    Mismatch(
                        "the stored outputs of block '\(block.cell.id)' cannot be read (the data line is missing or damaged); run 'tangent update --force'",
                        at: beginLocation))
                continue
            }
            if let d = OutputComparison.compare(
                stored: stored, new: new, tolerance: tolerance(for: block.cell, in: notebook))
            {
                result.blocks[i].status = .mismatch
                let line = block.cell.codeLine + d.lineOffset
                let sourceLine = block.cell.source.lines.first { $0.number == line }
                let column =
                    (sourceLine.map { $0.columnOffset + ($0.text.prefix { $0 == " " || $0 == "\t" }.count) } ?? 0) + 1
                mismatches.append(
                    Mismatch(
                        "block '\(block.cell.id)' \(d.message)",
                        at: SourceRange(at: SourceLocation(line: line, column: column))))
            }
        }
        return mismatches
    }
}
