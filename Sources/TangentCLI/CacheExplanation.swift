import Notebook

/// What `--explain` prints for a notebook: per block, why it ran or was restored from the cache.
enum CacheExplanation {
    static func text(_ result: NotebookResult, checkWithoutCache: Bool) -> String {
        var text = ""
        for block in result.blocks {
            var why = block.explanation ?? block.note.map { "skipped: \($0)" } ?? block.status.rawValue
            if checkWithoutCache && why == "ran: --no-cache" { why = "ran: check runs every block (--cached restores)" }
            if block.status == .failed { why += " (failed)" }
            text += "\(result.notebook.path)#\(block.cell.id): \(why)\n"
        }
        return text
    }
}
