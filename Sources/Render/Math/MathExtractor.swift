import CommonMark
import Foundation

/// Finds TeX math in Markdown prose (Pandoc's `tex_math_dollars` rules) and replaces each span
/// by an opaque placeholder before cmark parses the text.
///
/// - `$$…$$` is display math; it may span lines, but not a blank line, and it may run over a
///   line that CommonMark would read as a new block (`+ \sigma_b^2` starts a list item).
/// - `$…$` is inline math when the opening `$` is followed by a non-space, and the closing `$`
///   (the first unescaped one) is preceded by a non-space and not followed by a digit; so
///   `costs $5 and $6` stays text. `\$` is a literal dollar.
/// - Only paragraphs, headings and tables (as cmark-gfm finds them) are searched: code blocks, HTML blocks,
///   code spans, inline raw HTML, autolinks and link destinations are left alone, and math
///   never contains a backtick, so it can never overlap a code span.
///
/// Every byte outside the replaced spans is kept.
package enum MathExtractor {
    /// The start of every placeholder; `Z`s are appended when the text already contains it.
    package static let placeholderStem = "TANGENTMATH"

    package static func extract(_ markdown: String) -> MathExtraction {
        let bytes = Array(markdown.utf8)
        guard bytes.contains(MathASCII.dollar) else { return MathExtraction(markdown: markdown, spans: []) }
        let lines = MathLineTable(bytes)
        let runs = proseRuns(MarkdownDocument.parse(markdown), lines: lines)
        var scanner = MathScanner(bytes: bytes)
        for run in runs { scanner.scan(run) }
        guard !scanner.found.isEmpty else { return MathExtraction(markdown: markdown, spans: []) }

        let stem = uniqueStem(markdown)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var spans: [MathSpan] = []
        var copied = 0
        for (k, found) in scanner.found.enumerated() {
            let placeholder = stem + "x" + paddedNumber(k + 1) + "x"
            output.append(contentsOf: bytes[copied..<found.range.lowerBound])
            output.append(contentsOf: placeholder.utf8)
            copied = found.range.upperBound
            spans.append(
                MathSpan(
                    placeholder: placeholder, tex: found.tex, display: found.display,
                    source: String(decoding: bytes[found.range], as: UTF8.self)))
        }
        output.append(contentsOf: bytes[copied...])
        return MathExtraction(markdown: String(decoding: output, as: UTF8.self), spans: spans)
    }

    /// The placeholder stem, lengthened until no placeholder can occur in the text by accident.
    static func uniqueStem(_ text: String) -> String {
        var stem = placeholderStem
        while text.contains(stem + "x") { stem += "Z" }
        return stem
    }

    static func paddedNumber(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Paragraphs and headings in document order, grouped into runs of blocks on consecutive
    /// lines (no blank line or other block between them).
    static func proseRuns(_ document: MarkdownDocument, lines: MathLineTable) -> [[MathProseBlock]] {
        var blocks: [MathProseBlock] = []
        collect(document.root, quoteDepth: 0, lines: lines, into: &blocks)
        blocks.sort { $0.firstLine < $1.firstLine }
        var runs: [[MathProseBlock]] = []
        var lastLine = 0
        for block in blocks where block.firstLine > lastLine {
            if let previous = runs.last?.last, previous.lastLine + 1 == block.firstLine {
                runs[runs.count - 1].append(block)
            } else {
                runs.append([block])
            }
            lastLine = block.lastLine
        }
        return runs
    }

    private static func collect(
        _ node: MarkdownNode, quoteDepth: Int, lines: MathLineTable, into blocks: inout [MathProseBlock]
    ) {
        switch node.kind {
        case .paragraph, .heading, .table:
            let first = max(node.span.start.line, 1)
            let last = min(node.span.end.line, lines.count)
            guard first <= last else { return }
            let start = lines.start(of: first)
            let end = lines.contentEnd(of: last)
            var paragraphStart: Int?
            if case .paragraph = node.kind {
                paragraphStart = min(
                    start + max(node.span.start.column - 1, 0), first == last ? end : lines.contentEnd(of: first))
            }
            blocks.append(
                MathProseBlock(
                    firstLine: first, lastLine: last, quoteDepth: quoteDepth,
                    start: start, end: end, paragraphStart: paragraphStart))
        case .codeBlock, .htmlBlock, .thematicBreak:
            return
        case .blockQuote:
            for child in node.children { collect(child, quoteDepth: quoteDepth + 1, lines: lines, into: &blocks) }
        default:
            for child in node.children { collect(child, quoteDepth: quoteDepth, lines: lines, into: &blocks) }
        }
    }
}
