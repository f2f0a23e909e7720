/// A place in the Markdown file: 1-based line (counted from line 1 of the file) and column.
package struct SourceLocation: Equatable, Hashable, Comparable, Sendable, CustomStringConvertible {
    package var line: Int
    package var column: Int
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    package static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
    package var description: String { "\(line):\(column)" }
}

/// A half-open span of source: every token, AST node and diagnostic carries one.
package struct SourceRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    package var start: SourceLocation
    package var end: SourceLocation
    package init(_ start: SourceLocation, _ end: SourceLocation) {
        self.start = start
        self.end = end
    }
    package init(at location: SourceLocation) { self.init(location, location) }
    /// The smallest range covering both.
    package func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }
    package var description: String { "\(start)-\(end)" }
}

/// The code of one block, line by line, with where each line sits in the file.
///
/// cmark strips fence indentation and container markers (`> `, list indents) from a code
/// block; `columnOffset` puts them back so columns point into the file as the user sees it.
package struct SourceText: Sendable {
    package struct Line: Sendable {
        package var text: String
        /// 1-based line number in the whole file.
        package var number: Int
        /// Characters before `text` on that file line.
        package var columnOffset: Int
        package init(text: String, number: Int, columnOffset: Int = 0) {
            self.text = text
            self.number = number
            self.columnOffset = columnOffset
        }
    }

    package var lines: [Line]
    package init(lines: [Line]) { self.lines = lines }

    /// Code that starts on `firstLine` with no offsets (tests and one-off evaluation).
    package init(_ code: String, firstLine: Int = 1) {
        var parts = code.physicalLines
        if parts.last == "" && parts.count > 1 { parts.removeLast() }
        lines = parts.enumerated().map { Line(text: $0.element, number: firstLine + $0.offset) }
    }
}

extension String {
    /// The lines of a text split at "\n" only. Swift's Character-based `split` treats "\r\n" as
    /// one character and would never split a CRLF file; here a CRLF line keeps its "\r".
    package var physicalLines: [String] {
        // Split on the UTF-8 bytes: "\n" is one byte and never part of another scalar.
        var lines: [String] = []
        let bytes = utf8
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 10) {
            lines.append(String(decoding: bytes[start..<newline], as: UTF8.self))
            start = bytes.index(after: newline)
        }
        lines.append(String(decoding: bytes[start...], as: UTF8.self))
        return lines
    }

    /// The line without a trailing "\r".
    package var withoutCarriageReturn: String {
        utf8.last == 13 ? String(decoding: utf8.dropLast(), as: UTF8.self) : self
    }
}
