import Foundation
import Language
import Notebook
import TangentSupport

/// How a run reads in a terminal: per block a header, then its outputs; errors as compiler
/// diagnostics (on standard error) with the source line and a caret.
package enum TerminalReport {
    /// The outputs of a notebook, for standard output: its header, then each block's.
    package static func outputs(_ r: NotebookResult) -> String {
        header(r.notebook) + r.blocks.map(outputs).joined()
    }

    /// The line that opens a notebook's outputs.
    /// The notebook's file name is the repository's to choose: its control characters show as `?`.
    package static func header(_ notebook: Notebook) -> String { "=== \(TerminalText.printable(notebook.path))\n" }

    /// One block's header and outputs (printed as soon as the block ends).
    package static func outputs(_ b: BlockResult) -> String {
        var header = "--- [\(b.cell.id)] line \(b.cell.fenceLine)"
        switch b.status {
        case .skipped: header += ": skipped" + (b.note.map { " (\($0))" } ?? "")
        case .failed: header += ": FAILED"
        case .cached: header += " (cached)"
        case .mismatch: header += ": MISMATCH"
        default:
            header += String(format: " (%.3f s)", b.seconds)
            if b.failedAsExpected { header += ": failed as expected" }
        }
        var out = header + "\n"
        for item in b.outputs { out += text(item) + "\n" }
        if b.failedAsExpected, let e = b.error {
            out += "expected error: \(e.message)\n"
        }
        return out
    }

    package static func text(_ item: DisplayItem) -> String {
        switch item {
        case .value(let v, let caption, _):
            let body = ValueFormatter.text(v)
            guard let caption else { return body }
            return body.contains("\n") ? "\(caption):\n\(body)" : "\(caption): \(body)"
        case .text(let s, _): return s
        case .figure(let f, _): return "[\(f.summary)]"
        }
    }

    /// The errors of a notebook, formatted for standard error.
    package static func errors(_ r: NotebookResult) -> String {
        r.blocks.compactMap { error($0, in: r.notebook) }.joined()
    }

    /// A failed block's error, formatted for standard error; nil when it did not fail.
    package static func error(_ b: BlockResult, in notebook: Notebook) -> String? {
        guard b.status == .failed, let e = b.error else { return nil }
        return e.formatted(file: notebook.path, lineText: notebook.line) + "\n"
    }

    package static func summary(_ results: [NotebookResult], seconds: Double) -> String {
        let blocks = results.flatMap(\.blocks)
        let failed = blocks.filter { $0.status == .failed }.count
        let skipped = blocks.filter { $0.status == .skipped }.count
        let ran = blocks.filter { $0.status == .ran }.count
        let cached = blocks.filter { $0.status == .cached }.count
        let mismatched = blocks.filter { $0.status == .mismatch }.count
        let nb = results.count == 1 ? "1 notebook" : "\(results.count) notebooks"
        var parts = ["\(ran) ran"]
        if cached > 0 { parts.append("\(cached) cached") }
        parts.append("\(failed) failed")
        if mismatched > 0 { parts.append("\(mismatched) mismatched") }
        parts.append("\(skipped) skipped")
        return "\(nb), \(blocks.count) block\(blocks.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
            + String(format: " (%.2f s)", seconds)
    }
}
