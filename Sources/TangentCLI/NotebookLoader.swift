import Foundation
import Language
import Notebook

/// Reads and parses notebook files, turning every problem into a located diagnostic.
enum NotebookLoader {
    struct LoadFailure: Error {
        var diagnostic: Diagnostic?
    }

    /// Reads and parses a notebook, printing a located error when it cannot.
    static func load(_ file: NotebookFiles.Found, console: Console) -> Result<Notebook, LoadFailure> {
        loadWithSnapshot(file, console: console).map(\.notebook)
    }

    /// Reads and parses a notebook, and keeps what was read (bytes and file identity) so that a
    /// later write can check that nobody changed the file in the meantime.
    static func loadWithSnapshot(_ file: NotebookFiles.Found, console: Console)
        -> Result<(notebook: Notebook, snapshot: NotebookSnapshot), LoadFailure>
    {
        guard let snapshot = NotebookSnapshot.read(file.url.path) else {
            console.err("\(file.display): error: cannot read the file\n")
            return .failure(LoadFailure())
        }
        let data = snapshot.bytes
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = UTF8Validation.firstInvalid(in: Array(data))
            let d = Diagnostic.error(
                "the file is not valid UTF-8 text (save it as UTF-8)",
                at: SourceRange(at: SourceLocation(line: line, column: column)))
            // Show the line with the bad bytes replaced (U+FFFD), so the caret has context.
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            console.err(
                d.formatted(
                    file: file.display,
                    lineText: { n in
                        n >= 1 && n <= lines.count
                            ? String(decoding: lines[n - 1], as: UTF8.self).withoutCarriageReturn : nil
                    }) + "\n")
            return .failure(LoadFailure(diagnostic: d))
        }
        do {
            return .success((try Notebook.parse(text, path: file.display), snapshot))
        } catch {
            let lines = text.physicalLines
            console.err(
                error.formatted(
                    file: file.display,
                    lineText: { n in
                        n >= 1 && n <= lines.count ? lines[n - 1].withoutCarriageReturn : nil
                    }) + "\n")
            return .failure(LoadFailure(diagnostic: error))
        }
    }

}
