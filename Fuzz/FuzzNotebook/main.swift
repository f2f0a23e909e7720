import FuzzSupport
import Language
import Notebook
import Render

// libFuzzer target: bytes → (UTF-8 check) → notebook → block parse → write-back, and the
// notebook's page (GFM prose → sanitised HTML, its search text and index summary).
// Invariants checked (a violation traps, so libFuzzer keeps the input):
// - the page holds no script or frame tag (raw HTML in the prose is sanitised);
// - writing outputs back and writing them again gives the same text (idempotence), unless
//   the second write is refused with a located error;
// - the written text parses again as a notebook with the same blocks.
func fuzzNotebook(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let text = String(validating: bytes, as: UTF8.self) else {
        let (line, column) = UTF8Validation.firstInvalid(in: bytes)
        require(line >= 1 && column >= 1, "the invalid byte has no position")
        return 0
    }
    let notebook: Notebook
    do throws(Diagnostic) {
        notebook = try Notebook.parse(text, path: "fuzz.md")
    } catch {
        _ = error.formatted(file: "fuzz.md") { n in
            n >= 1 && n <= text.physicalLines.count ? text.physicalLines[n - 1] : nil
        }
        return 0
    }
    for cell in notebook.cells { _ = try? Parser.parse(cell.source) }
    let page = PageRenderer.finish(
        PageRenderer.prepare(NotebookResult(notebook: notebook, blocks: [], seconds: 0)), math: [:])
    let body = page.body.lowercased()
    require(!body.contains("<script") && !body.contains("<iframe"), "a script or frame tag got into the page")
    let updates = sampleUpdates(for: notebook)
    guard let once = try? MarkdownWriter.update(notebook, updates, force: true) else { return 0 }
    guard let reparsed = try? Notebook.parse(once, path: "fuzz.md") else {
        fatalError("the written notebook no longer parses")
    }
    require(reparsed.cells.map(\.code) == notebook.cells.map(\.code), "write-back changed a block's code")
    // The same outputs again (located relative to each block, as a real run's are).
    // A located refusal is an answer too (an odd fence layout the first write did not touch);
    // a second write that succeeds must change nothing.
    guard let twice = try? MarkdownWriter.update(reparsed, sampleUpdates(for: reparsed), force: false) else { return 0 }
    require(twice == once, "write-back is not idempotent")
    return 0
}

/// A broken invariant: the message (release builds drop precondition messages), then a trap.
func require(_ condition: Bool, _ message: String) {
    if !condition { fatalError(message) }
}

/// Outputs for every block: text with marker and fence look-alikes, a captioned number; every
/// third block keeps its region.
func sampleUpdates(for notebook: Notebook) -> [String: MarkdownWriter.RegionUpdate] {
    var updates: [String: MarkdownWriter.RegionUpdate] = [:]
    for (k, cell) in notebook.cells.enumerated() {
        let at = SourceRange(at: SourceLocation(line: cell.codeLine, column: 1))
        updates[cell.id] =
            k % 3 == 2
            ? .keep
            : .write(
                [
                    .text("out \(k) <!-- --> ``` $x$", range: at),
                    .value(.number(Double(k) + 0.5), caption: "v", range: at)
                ],
                expectedError: nil)
    }
    return updates
}

runFuzzer { data, count in fuzzNotebook(data, count) }
