import Foundation
import Language
import Notebook

/// Reads and parses notebook files, turning every problem into a located diagnostic.
enum NotebookLoader {
    struct LoadFailure: Error {
        var diagnostic: Diagnostic?
    }

    /// The line and column (in characters) of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> (Int, Int) {
        var lineStart = 0, line = 1
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0a { line += 1; lineStart = i + 1; i += 1; continue }
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0x6 ? 2 : b >> 4 == 0xe ? 3 : b >> 3 == 0x1e ? 4 : 0
            var valid = length > 0 && i + length <= bytes.count
            if valid { for k in 1..<length where bytes[i + k] >> 6 != 0x2 { valid = false } }
            if valid, length > 1, String(bytes: bytes[i..<(i + length)], encoding: .utf8) == nil { valid = false }
            if !valid {
                let prefix = String(decoding: bytes[lineStart..<i], as: UTF8.self)
                return (line, prefix.count + 1)
            }
            i += length
        }
        return (line, 1)
    }

    /// Reads and parses a notebook, printing a located error when it cannot.
    static func load(_ file: NotebookFiles.Found, console: Console) -> Result<Notebook, LoadFailure> {
        guard let data = FileManager.default.contents(atPath: file.url.path) else {
            console.err("\(file.display): error: cannot read the file\n")
            return .failure(LoadFailure())
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = firstInvalidUTF8(in: Array(data))
            let d = Diagnostic.error("the file is not valid UTF-8 text (save it as UTF-8)",
                                     at: SourceRange(at: SourceLocation(line: line, column: column)))
            // Show the line with the bad bytes replaced (U+FFFD), so the caret has context.
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            console.err(d.formatted(file: file.display, lineText: { n in
                n >= 1 && n <= lines.count ? String(decoding: lines[n - 1], as: UTF8.self).withoutCarriageReturn : nil
            }) + "\n")
            return .failure(LoadFailure(diagnostic: d))
        }
        do {
            return .success(try Notebook.parse(text, path: file.display))
        } catch {
            let lines = text.physicalLines
            console.err(error.formatted(file: file.display, lineText: { n in
                n >= 1 && n <= lines.count ? lines[n - 1].withoutCarriageReturn : nil
            }) + "\n")
            return .failure(LoadFailure(diagnostic: error))
        }
    }

}
