import Language
import Notebook

/// What the server knows of one notebook's text, without running it: the notebook (front matter,
/// blocks and attributes, through `Notebook.parse`, so ranges are those `tangent run` reports),
/// each block's statements or syntax error, the name index, and the diagnostics.
package struct NotebookAnalysis: Sendable {
    /// One `ntk` block: its cell and what parsing it gave.
    package struct Block: Sendable {
        package var cell: CodeCell
        package var statements: [Statement]?
        package var syntaxError: Diagnostic?
    }

    /// Nil when the notebook's structure is broken (then `diagnostics` says where).
    package var notebook: Notebook?
    package var blocks: [Block] = []
    package var symbols = SymbolIndex()
    package var diagnostics: [Diagnostic] = []

    /// Analyses a notebook's text; `path` is what messages call the file.
    package init(text: String, path: String) {
        var cache = BlockParseCache()
        self.init(text: text, path: path, cache: &cache)
    }

    /// The same, parsing again only the blocks that changed since the analysis `cache` kept.
    package init(text: String, path: String, cache: inout BlockParseCache) {
        defer { cache.finishAnalysis() }
        let notebook: Notebook
        do throws(Diagnostic) {
            notebook = try Notebook.parse(text, path: path)
        } catch {
            diagnostics = [error]
            return
        }
        self.notebook = notebook
        var everBound = Set<String>()
        for cell in notebook.cells {
            var block = Block(cell: cell)
            switch cache.parse(cell.source) {
            case .success(let statements):
                block.statements = statements
                everBound.formUnion(Dependencies.of(statements).writes)
            case .failure(let error):
                block.syntaxError = error
                everBound.formUnion(Dependencies.approximate(cell.source).writes)
            }
            blocks.append(block)
        }
        var resolver = NameResolver(everBound: everBound, lines: notebook.lines)
        for (k, block) in blocks.enumerated() {
            let skipped = block.cell.attributes.skip
            // A block that must fail is allowed its error; one that is skipped is never read.
            let report = !skipped && !block.cell.attributes.expectError
            if let statements = block.statements {
                // A skipped block's names count as bound: a run skips the blocks that read them
                // (with a note, not an error).
                resolver.resolve(statements, block: k, report: report)
            } else {
                if let error = block.syntaxError, report { diagnostics.append(error) }
                resolver.assumeBound(Dependencies.approximate(block.cell.source).writes)
            }
        }
        symbols = resolver.index
        diagnostics += resolver.diagnostics
        diagnostics.sort { $0.range.start < $1.range.start }
    }

    /// The block whose fences or code hold file line `line` (1-based).
    package func block(atLine line: Int) -> Int? {
        blocks.firstIndex { $0.cell.fenceLine <= line && line <= $0.cell.endLine }
    }
}
