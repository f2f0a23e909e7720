import CommonMark
import Language

/// One `ntk` code block of a notebook, with where it sits in the file.
package struct CodeCell: Equatable, Sendable {
    /// The block id: `#id` from the attributes, else `b<N>`.
    package var id: String
    /// 1-based position among the notebook's ntk blocks.
    package var index: Int
    package var attributes: BlockAttributes
    /// The code, with each line's place in the file.
    package var source: SourceText
    /// The line of the opening fence, and of the closing fence (or the last line when unclosed).
    package var fenceLine: Int
    package var endLine: Int
    /// The first line of code (the line after the fence).
    package var codeLine: Int { fenceLine + 1 }
    package var fence: CodeFence
    /// The file column (1-based) of the opening fence's first character.
    package var fenceColumn: Int

    package static func == (a: CodeCell, b: CodeCell) -> Bool {
        a.id == b.id && a.index == b.index && a.attributes == b.attributes && a.fenceLine == b.fenceLine
            && a.endLine == b.endLine && a.source.lines.map(\.text) == b.source.lines.map(\.text)
    }

    /// The code as one string.
    package var code: String { source.lines.map(\.text).joined(separator: "\n") }
}

/// A Markdown notebook: its front matter, its prose (a CommonMark tree) and its `ntk` blocks.
package struct Notebook: Sendable {
    /// The path as the user gave it (used in diagnostics).
    package var path: String
    package var text: String
    /// The file's lines, split at "\n" (a CRLF line keeps its "\r").
    package var lines: [String]
    package var frontMatter: FrontMatter
    package var document: MarkdownDocument
    package var cells: [CodeCell]

    /// The title: front matter `title`, else the first heading, else the file name.
    package var title: String {
        if let t = frontMatter.title, !t.isEmpty { return t }
        var heading: String?
        document.root.walk { node in
            if heading == nil, case .heading = node.kind { heading = node.plainText }
        }
        if let heading { return heading }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".md") ? String(name.dropLast(3)) : name
    }

    /// Line n of the file (1-based), without its line ending.
    package func line(_ n: Int) -> String? {
        guard n >= 1, n <= lines.count else { return nil }
        return lines[n - 1].withoutCarriageReturn
    }

    /// Old Mac line endings (a CR alone) are line breaks to cmark but not to editors, diff or
    /// Tangent's own line numbers and write-back: refused, at the first one, rather than
    /// misread.
    static func refuseBareCarriageReturns(_ text: String) throws(Diagnostic) {
        guard text.utf8.contains(13) else { return }
        var line = 1
        var column = 1
        let scalars = Array(text.unicodeScalars)
        for (k, scalar) in scalars.enumerated() {
            if scalar == "\r" && (k + 1 == scalars.count || scalars[k + 1] != "\n") {
                throw .error(
                    "this line ends with a bare carriage return (CR, old Mac line endings); "
                        + "save the file with LF or CRLF line endings",
                    at: SourceRange(at: SourceLocation(line: line, column: column)))
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else if scalar != "\r" {
                column += 1
            }
        }
    }

    /// Parses a notebook. Structural problems (front matter, block attributes, duplicate ids)
    /// are located diagnostics; prose never fails.
    package static func parse(_ text: String, path: String) throws(Diagnostic) -> Notebook {
        try refuseBareCarriageReturns(text)
        let lines = text.physicalLines
        let frontMatter = try FrontMatter.parse(lines: lines)
        // cmark would read the header as a thematic break and a setext heading: blank it out
        // while keeping the line count, so cmark's line numbers stay the file's.
        var markdown = text
        if let range = frontMatter?.lines {
            var copy = lines
            for i in range { copy[i - 1] = copy[i - 1].unicodeScalars.last == "\r" ? "\r" : "" }
            markdown = copy.joined(separator: "\n")
        }
        let document = MarkdownDocument.parse(markdown)
        if let deep = document.tooDeepAt {
            throw .error(
                "the Markdown here is nested more than \(MarkdownDocument.maxDepth) levels deep "
                    + "(block quotes, lists or emphasis inside each other); Tangent reads at most \(MarkdownDocument.maxDepth)",
                at: SourceRange(at: SourceLocation(line: max(deep.line, 1), column: max(deep.column, 1))))
        }
        var cells: [CodeCell] = []
        var seen: [String: Int] = [:]
        var failure: Diagnostic?
        document.root.walk { node in
            guard failure == nil, case .codeBlock(let info, let fence?) = node.kind else { return }
            guard let rest = ntkInfo(info) else { return }
            do throws(Diagnostic) {
                let cell = try makeCell(
                    node: node, fence: fence, info: info, rest: rest,
                    index: cells.count + 1, lines: lines)
                if let previous = seen[cell.id] {
                    throw Diagnostic.error(
                        "duplicate block id '\(cell.id)' (first used by the block at line \(previous))",
                        at: SourceRange(at: SourceLocation(line: cell.fenceLine, column: cell.fenceColumn)))
                }
                seen[cell.id] = cell.fenceLine
                cells.append(cell)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return Notebook(
            path: path, text: text, lines: lines, frontMatter: frontMatter ?? FrontMatter(),
            document: document, cells: cells)
    }

    /// The part of the info string after the word `ntk`, or nil when the block is not ntk.
    static func ntkInfo(_ info: String) -> Substring? {
        guard info.hasPrefix("ntk") else { return nil }
        let rest = info.dropFirst(3)
        if let c = rest.first, !(c == " " || c == "\t" || c == "{") { return nil }
        return rest
    }

    private static func makeCell(
        node: MarkdownNode, fence: CodeFence, info: String, rest: Substring,
        index: Int, lines: [String]
    ) throws(Diagnostic) -> CodeCell {
        let fenceLine = node.span.start.line
        let fenceText = fenceLine <= lines.count ? lines[fenceLine - 1].withoutCarriageReturn : ""
        // The file column of the text after `ntk` in the opening fence line.
        var infoColumn = node.span.start.column + fence.indent + fence.length
        if let r = fenceText.range(of: info) {
            infoColumn = fenceText.distance(from: fenceText.startIndex, to: r.lowerBound) + 1
        }
        let attributes = try BlockAttributes.parse(String(rest), line: fenceLine, column: infoColumn + 3)
        var literalLines = node.literal.physicalLines.map(\.withoutCarriageReturn)
        if literalLines.last == "" { literalLines.removeLast() }
        var sourceLines: [SourceText.Line] = []
        for (k, _) in literalLines.enumerated() where fenceLine + k < lines.count {
            // cmark turns a NUL byte into U+FFFD; say what the file really holds.
            if let nul = lines[fenceLine + k].firstIndex(of: "\0") {
                let column = lines[fenceLine + k].distance(from: lines[fenceLine + k].startIndex, to: nul) + 1
                throw .error(
                    "a NUL byte (U+0000) in an ntk block; remove it (the file may be damaged)",
                    at: SourceRange(at: SourceLocation(line: fenceLine + 1 + k, column: column)))
            }
        }
        for (k, text) in literalLines.enumerated() {
            let number = fenceLine + 1 + k
            var offset = 0
            if number <= lines.count {
                // cmark removed the container prefix and fence indentation (expanding tabs on
                // the way): find the code's text at the end of the file line.
                // (Compared as views, not copied into [Character]: a line may be 100 MB.)
                let fileLine = lines[number - 1].withoutCarriageReturn
                let lead = text.prefix { $0 == " " || $0 == "\t" }.count
                let rest = text.dropFirst(lead)
                let restBytes = rest.utf8.count
                let lineBytes = fileLine.utf8.count
                if lineBytes >= restBytes, fileLine.utf8.dropFirst(lineBytes - restBytes).elementsEqual(rest.utf8) {
                    offset = fileLine.count - rest.count - lead
                }
            }
            sourceLines.append(SourceText.Line(text: text, number: number, columnOffset: offset))
        }
        let fenceColumn = (Array(fenceText).firstIndex(of: fence.character) ?? 0) + 1
        return CodeCell(
            id: attributes.id ?? "b\(index)", index: index, attributes: attributes,
            source: SourceText(lines: sourceLines), fenceLine: fenceLine,
            endLine: node.span.end.line, fence: fence, fenceColumn: fenceColumn)
    }
}
