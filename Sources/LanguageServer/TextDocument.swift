import Language
import TangentSupport

/// A position as LSP counts it: 0-based line, and 0-based column in UTF-16 code units (so a
/// `θ` counts 1 and a `𝒩` counts 2), where Tangent counts 1-based lines and columns in
/// characters. The conversions go through the line's own text.
package struct LSPPosition: Equatable, Hashable, Comparable, Sendable {
    package var line: Int
    package var character: Int

    package init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    package static func < (a: LSPPosition, b: LSPPosition) -> Bool { (a.line, a.character) < (b.line, b.character) }

    init?(_ json: JSON?) {
        guard let line = json?["line"]?.intValue, let character = json?["character"]?.intValue, line >= 0,
            character >= 0
        else { return nil }
        self.init(line: line, character: character)
    }

    var json: JSON { .fields(("line", .int(line)), ("character", .int(character))) }
}

/// One open document: its text, version and lines, with the conversions between Tangent's
/// locations and LSP's, and the edits of incremental sync.
package struct TextDocument: Sendable {
    package var uri: String
    package var version: Int
    package private(set) var text: String
    /// The lines, split at "\n" only (a CRLF line keeps its "\r"), as `Notebook` splits them.
    package private(set) var lines: [String]

    package init(uri: String, version: Int, text: String) {
        self.uri = uri
        self.version = version
        self.text = text
        lines = text.physicalLines
    }

    /// Replaces the whole text (full sync).
    package mutating func replace(with text: String) {
        self.text = text
        lines = text.physicalLines
    }

    /// Replaces the text between two LSP positions (incremental sync). Positions past the end
    /// of a line or of the document are clamped, as the protocol asks.
    package mutating func replace(from start: LSPPosition, to end: LSPPosition, with newText: String) {
        let (a, b) = start <= end ? (start, end) : (end, start)
        let from = index(of: a)
        let to = index(of: b)
        var updated = String(text[..<from])
        updated += newText
        updated += text[to...]
        replace(with: updated)
    }

    /// The string index of an LSP position (clamped to its line, and to the document).
    func index(of position: LSPPosition) -> String.Index {
        guard position.line < lines.count else { return text.endIndex }
        // The line's start: skip `position.line` newlines on the UTF-8 view.
        var offset = 0
        for k in 0..<position.line { offset += lines[k].utf8.count + 1 }
        let lineStart = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        let line = lines[position.line].withoutCarriageReturn
        let units = min(position.character, line.utf16.count)
        var i = lineStart
        var counted = 0
        // Walk characters so an offset inside a surrogate pair or a grapheme never splits one.
        while counted < units, i < text.endIndex, text[i] != "\n", text[i] != "\r\n" {
            let next = text.index(after: i)
            counted += text.utf16[i..<next].count
            i = next
        }
        return i
    }

    /// The LSP position of a Tangent location (1-based line, column in characters).
    package func position(of location: SourceLocation) -> LSPPosition {
        let line = max(location.line, 1)
        guard line <= lines.count else { return LSPPosition(line: max(lines.count - 1, 0), character: 0) }
        let text = lines[line - 1].withoutCarriageReturn
        let prefix = text.prefix(max(location.column - 1, 0))
        return LSPPosition(line: line - 1, character: prefix.utf16.count)
    }

    /// The Tangent location (1-based line and character column) of an LSP position.
    package func location(of position: LSPPosition) -> SourceLocation {
        guard position.line < lines.count else { return SourceLocation(line: position.line + 1, column: 1) }
        let text = lines[position.line].withoutCarriageReturn
        var units = 0
        var column = 1
        for ch in text {
            let width = ch.utf16.count
            if units + width > position.character { break }
            units += width
            column += 1
        }
        return SourceLocation(line: position.line + 1, column: column)
    }

    /// The LSP range of a Tangent range; an empty one covers the character at its start (the
    /// command line's caret), when there is one.
    package func range(of range: SourceRange) -> (start: LSPPosition, end: LSPPosition) {
        let start = position(of: range.start)
        var end = position(of: range.end)
        if end <= start {
            let line = range.start.line
            if line >= 1, line <= lines.count {
                let text = lines[line - 1].withoutCarriageReturn
                let rest = text.dropFirst(max(range.start.column - 1, 0))
                end = LSPPosition(line: start.line, character: start.character + (rest.first?.utf16.count ?? 0))
            } else {
                end = start
            }
        }
        return (start, end)
    }

    /// A range as LSP's JSON.
    func json(_ range: SourceRange) -> JSON {
        let r = self.range(of: range)
        return .fields(("start", r.start.json), ("end", r.end.json))
    }
}

/// The documents the client has open, by URI.
package struct DocumentStore: Sendable {
    private var documents: [String: TextDocument] = [:]

    package init() {}

    package subscript(uri: String) -> TextDocument? { documents[uri] }

    package mutating func open(_ document: TextDocument) { documents[document.uri] = document }

    package mutating func close(_ uri: String) { documents[uri] = nil }

    /// Applies `textDocument/didChange` content changes in order: a change with a range edits
    /// that range, one without replaces the text. Returns false when the document is not open.
    package mutating func change(_ uri: String, version: Int?, changes: [JSON]) -> Bool {
        guard var document = documents[uri] else { return false }
        for change in changes {
            guard let newText = change["text"]?.stringValue else { continue }
            if let range = change["range"], case .object = range {
                guard let start = LSPPosition(range["start"]), let end = LSPPosition(range["end"]) else { continue }
                document.replace(from: start, to: end, with: newText)
            } else {
                document.replace(with: newText)
            }
        }
        if let version { document.version = version }
        documents[uri] = document
        return true
    }

    package var uris: [String] { documents.keys.sorted() }
}
