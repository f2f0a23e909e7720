import Foundation
import Language
import Notebook

/// The `tangent.runBlock` command: runs a notebook's blocks from the top up to and including one
/// block, with the project's block cache (unchanged blocks are restored, not recomputed), through
/// the same `Runner` as `tangent run`, and says what they printed and where they failed. The
/// text is the editor's (unsaved edits included); the file's place decides the project, the cache
/// and what `load`/`save` may reach.
package enum BlockRun {
    /// What the run printed, and whether a block failed.
    package struct Outcome: Sendable {
        package var blockID: String
        package var failed: Bool
        package var text: String
    }

    /// Runs `text` (the notebook at `path`) through block `blockID`.
    package static func run(text: String, path: String, blockID: String) -> Result<Outcome, RPCError> {
        let notebook: Notebook
        do throws(Diagnostic) {
            notebook = try Notebook.parse(text, path: path)
        } catch {
            return .failure(RPCError(.requestFailed, error.formatted(file: path, lineText: { _ in nil })))
        }
        guard let index = notebook.cells.firstIndex(where: { $0.id == blockID }) else {
            return .failure(RPCError(.invalidParams, "\(path) has no ntk block '\(blockID)'"))
        }
        var prefix = notebook
        prefix.cells = Array(notebook.cells[...index])
        let runner = Runner(notebookURL: URL(fileURLWithPath: path), useCache: true)
        let result = runner.run(prefix)
        // Cache entries are written in the background; they are complete before the answer.
        CacheWriter.shared.finish()
        var out = ""
        for b in result.blocks {
            out += header(b) + "\n"
            for item in b.outputs { out += BlockRun.text(item) + "\n" }
            if b.failedAsExpected, let e = b.error { out += "expected error: \(e.message)\n" }
            if b.status == .failed, let e = b.error {
                out += e.formatted(file: path, lineText: notebook.line) + "\n"
            }
        }
        return .success(Outcome(blockID: blockID, failed: result.failed, text: out))
    }

    /// `--- [fit] line 12 (0.031 s)`, as `tangent run` heads a block's outputs.
    static func header(_ b: BlockResult) -> String {
        var header = "--- [\(b.cell.id)] line \(b.cell.fenceLine)"
        switch b.status {
        case .skipped: header += ": skipped" + (b.note.map { " (\($0))" } ?? "")
        case .failed: header += ": FAILED"
        case .cached: header += " (cached)"
        case .mismatch: header += ": MISMATCH"
        case .ran:
            header += String(format: " (%.3f s)", b.seconds)
            if b.failedAsExpected { header += ": failed as expected" }
        }
        return header
    }

    /// One output as text: a value (with its caption), printed text, or a figure's summary.
    static func text(_ item: DisplayItem) -> String {
        switch item {
        case .value(let v, let caption, _):
            let body = ValueFormatter.text(v)
            guard let caption else { return body }
            return body.contains("\n") ? "\(caption):\n\(body)" : "\(caption): \(body)"
        case .text(let s, _): return s
        case .figure(let f, _): return "[\(f.summary)]"
        }
    }
}
