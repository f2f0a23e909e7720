import CommonMark
import Foundation

/// One TeX formula taken out of a Markdown text, and the placeholder that stands for it.
public struct MathSpan: Equatable, Sendable {
    /// Letters and digits only (`TANGENTMATHx0007x`), so cmark passes it through as plain text.
    public var placeholder: String
    /// The TeX between the delimiters, trimmed; on continuation lines the container markers
    /// (`>` of a block quote) are removed.
    public var tex: String
    /// `$$…$$` (display) rather than `$…$` (inline).
    public var display: Bool
    /// The exact source text the placeholder replaced, delimiters included.
    public var source: String

    public init(placeholder: String, tex: String, display: Bool, source: String? = nil) {
        self.placeholder = placeholder
        self.tex = tex
        self.display = display
        self.source = source ?? (display ? "$$\(tex)$$" : "$\(tex)$")
    }
}

/// A Markdown text with its math replaced by placeholders, and the spans that were taken out.
public struct MathExtraction: Equatable, Sendable {
    /// The text cmark should parse: the input with each math span replaced by its placeholder.
    public var markdown: String
    /// In the order they appear in the text.
    public var spans: [MathSpan]

    public init(markdown: String, spans: [MathSpan]) {
        self.markdown = markdown
        self.spans = spans
    }

    /// The original text: every placeholder replaced by the source it stands for.
    public var restored: String {
        var text = ""
        var rest = Substring(markdown)
        for span in spans {
            guard let found = rest.range(of: span.placeholder) else { continue }
            text += rest[..<found.lowerBound]
            text += span.source
            rest = rest[found.upperBound...]
        }
        return text + rest
    }
}

/// Finds TeX math in Markdown prose (Pandoc's `tex_math_dollars` rules) and replaces each span
/// by an opaque placeholder before cmark parses the text.
///
/// - `$$…$$` is display math; it may span lines, but not a blank line, and it may run over a
///   line that CommonMark would read as a new block (`+ \sigma_b^2` starts a list item).
/// - `$…$` is inline math when the opening `$` is followed by a non-space, and the closing `$`
///   (the first unescaped one) is preceded by a non-space and not followed by a digit; so
///   `costs $5 and $6` stays text. `\$` is a literal dollar.
/// - Only paragraphs and headings (as cmark finds them) are searched: code blocks, HTML blocks,
///   code spans, inline raw HTML, autolinks and link destinations are left alone, and math
///   never contains a backtick, so it can never overlap a code span.
///
/// Every byte outside the replaced spans is kept.
public enum MathExtractor {
    /// The start of every placeholder; `Z`s are appended when the text already contains it.
    public static let placeholderStem = "TANGENTMATH"

    public static func extract(_ markdown: String) -> MathExtraction {
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
            spans.append(MathSpan(
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
    fileprivate static func proseRuns(_ document: MarkdownDocument, lines: MathLineTable) -> [[MathProseBlock]] {
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

    private static func collect(_ node: MarkdownNode, quoteDepth: Int, lines: MathLineTable, into blocks: inout [MathProseBlock]) {
        switch node.kind {
        case .paragraph, .heading:
            let first = max(node.span.start.line, 1)
            let last = min(node.span.end.line, lines.count)
            guard first <= last else { return }
            let start = lines.start(of: first)
            let end = lines.contentEnd(of: last)
            var paragraphStart: Int?
            if case .paragraph = node.kind {
                paragraphStart = min(start + max(node.span.start.column - 1, 0), first == last ? end : lines.contentEnd(of: first))
            }
            blocks.append(MathProseBlock(
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

// MARK: - Scanning

/// A paragraph or heading: whole source lines (container markers included), as byte offsets.
fileprivate struct MathProseBlock {
    var firstLine: Int
    var lastLine: Int
    /// How many block quotes contain it (their `>` markers are removed from multi-line TeX).
    var quoteDepth: Int
    var start: Int
    /// The end of the last line's content (before its line ending).
    var end: Int
    /// For a paragraph, where its text begins (cmark's span includes link reference
    /// definitions at its start); nil for a heading.
    var paragraphStart: Int?
}

/// Byte offsets of the lines of a text (lines end at `\n`).
fileprivate struct MathLineTable {
    private var starts: [Int] = [0]
    private let length: Int
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        length = bytes.count
        for (i, b) in bytes.enumerated() where b == MathASCII.newline { starts.append(i + 1) }
    }

    var count: Int { starts.count }
    func start(of line: Int) -> Int { starts[line - 1] }

    /// The end of the line's content: before `\n` (and a `\r` before it).
    func contentEnd(of line: Int) -> Int {
        var end = line < starts.count ? starts[line] - 1 : length
        if end > starts[line - 1], bytes[end - 1] == MathASCII.carriageReturn { end -= 1 }
        return end
    }
}

/// Walks the prose runs left to right, skipping what CommonMark reads as code, raw HTML or
/// link destinations, and records the math spans.
fileprivate struct MathScanner {
    struct Found {
        var range: Range<Int>
        var tex: String
        var display: Bool
    }

    let b: [UInt8]
    var found: [Found] = []

    init(bytes: [UInt8]) {
        self.b = bytes
    }

    mutating func scan(_ run: [MathProseBlock]) {
        guard let first = run.first, let last = run.last else { return }
        let runEnd = last.end
        var k = 0
        var i = entry(of: first, from: first.start)
        var brackets = 0
        while i < runEnd {
            if i >= run[k].end {
                // Past this block: move to the block holding `i` (inline syntax never crosses).
                while k + 1 < run.count, i >= run[k].end { k += 1 }
                i = entry(of: run[k], from: i)
                brackets = 0
                if i >= runEnd { break }
            }
            let limit = run[k].end
            switch b[i] {
            case MathASCII.backslash:
                i += i + 1 < limit && MathASCII.isASCIIPunctuation(b[i + 1]) ? 2 : 1
            case MathASCII.backtick:
                i = endOfCodeSpan(at: i, limit: limit)
            case MathASCII.less:
                i = endOfInlineHTML(at: i, limit: limit) ?? i + 1
            case MathASCII.openBracket:
                brackets += 1
                i += 1
            case MathASCII.closeBracket:
                if brackets > 0 {
                    brackets -= 1
                    if i + 1 < limit, b[i + 1] == MathASCII.openParen, let end = endOfLinkTail(at: i + 1, limit: limit) {
                        i = end
                        continue
                    }
                }
                i += 1
            case MathASCII.dollar:
                if let span = math(at: i, limit: limit, runEnd: runEnd, quoteDepth: run[k].quoteDepth) {
                    found.append(span)
                    i = span.range.upperBound
                } else {
                    i += i + 1 < limit && b[i + 1] == MathASCII.dollar ? 2 : 1
                }
            default:
                i += 1
            }
        }
    }

    /// Where scanning a block starts when it is reached at `i`: past the link reference
    /// definitions that open a paragraph (their URLs and titles are not prose).
    private func entry(of block: MathProseBlock, from i: Int) -> Int {
        guard i <= block.start, let start = block.paragraphStart else { return max(i, block.start) }
        var j = start
        var skipped = false
        while let next = endOfReferenceDefinition(at: j, limit: block.end, quoteDepth: block.quoteDepth) {
            j = afterContainerMarkers(from: next, end: block.end, depth: block.quoteDepth)
            skipped = true
        }
        return skipped ? j : block.start
    }

    /// Past the line ending after the link reference definition at `i`
    /// (`[label]: destination "title"`), or nil when there is none.
    private func endOfReferenceDefinition(at i: Int, limit: Int, quoteDepth: Int) -> Int? {
        var j = i
        while j < limit, j - i < 3, b[j] == MathASCII.space { j += 1 }
        guard j < limit, b[j] == MathASCII.openBracket else { return nil }
        j += 1
        let labelStart = j
        while j < limit, b[j] != MathASCII.closeBracket {
            if b[j] == MathASCII.openBracket { return nil }
            j += b[j] == MathASCII.backslash ? 2 : 1
        }
        guard j + 1 < limit, b[j + 1] == MathASCII.colon, j - labelStart <= 999,
              b[labelStart..<j].contains(where: { !MathASCII.isSpace($0) }) else { return nil }
        // The destination, perhaps on the next line.
        j = skipSpaces(from: j + 2, limit: limit)
        if j < limit, b[j] == MathASCII.newline {
            j = skipSpaces(from: afterContainerMarkers(from: j + 1, end: limit, depth: quoteDepth), limit: limit)
        }
        guard j < limit else { return nil }
        if b[j] == MathASCII.less {
            guard let end = endOfAngleDestination(at: j, limit: limit) else { return nil }
            j = end
        } else {
            let destinationStart = j
            var depth = 0
            while j < limit, !MathASCII.isSpace(b[j]), b[j] >= 0x20 {
                if b[j] == MathASCII.openParen { depth += 1 }
                if b[j] == MathASCII.closeParen { depth -= 1 }
                j += b[j] == MathASCII.backslash ? 2 : 1
            }
            guard j > destinationStart, depth == 0 else { return nil }
        }
        // A title on the same line must end the line; one on the next line is optional.
        guard let lineEnd = restOfLineIsBlank(from: j, limit: limit) else {
            guard j < limit, b[j] == MathASCII.space || b[j] == MathASCII.tab,
                  let end = endOfTitle(at: skipSpaces(from: j, limit: limit), limit: limit) else { return nil }
            return restOfLineIsBlank(from: end, limit: limit)
        }
        if lineEnd < limit,
           let end = endOfTitle(at: skipSpaces(from: afterContainerMarkers(from: lineEnd, end: limit, depth: quoteDepth), limit: limit), limit: limit),
           let after = restOfLineIsBlank(from: end, limit: limit) {
            return after
        }
        return lineEnd
    }

    /// Past a link title (`"…"`, `'…'` or `(…)`) starting at `i`.
    private func endOfTitle(at i: Int, limit: Int) -> Int? {
        guard i < limit, b[i] == MathASCII.doubleQuote || b[i] == MathASCII.singleQuote || b[i] == MathASCII.openParen
        else { return nil }
        let close = b[i] == MathASCII.openParen ? MathASCII.closeParen : b[i]
        var j = i + 1
        while j < limit, b[j] != close { j += b[j] == MathASCII.backslash ? 2 : 1 }
        return j < limit ? j + 1 : nil
    }

    /// Past the line ending when only spaces and tabs remain on the line (`limit` at the end).
    private func restOfLineIsBlank(from i: Int, limit: Int) -> Int? {
        var j = i
        while j < limit, b[j] == MathASCII.space || b[j] == MathASCII.tab || b[j] == MathASCII.carriageReturn { j += 1 }
        if j == limit { return limit }
        return b[j] == MathASCII.newline ? j + 1 : nil
    }

    // MARK: Math

    /// The math span opening at `i` (a `$`), if there is one. `quoteDepth` is that of the
    /// block where it opens: continuation lines carry the same markers (a deeper `>` is TeX).
    private func math(at i: Int, limit: Int, runEnd: Int, quoteDepth: Int) -> Found? {
        if i + 1 < limit, b[i + 1] == MathASCII.dollar {
            // Display: up to the next unescaped `$$`, possibly in a later block of the run.
            var j = i + 2
            while j + 1 < runEnd {
                switch b[j] {
                case MathASCII.backslash: j += 2
                case MathASCII.backtick: return nil
                case MathASCII.dollar where b[j + 1] == MathASCII.dollar:
                    guard let tex = tex(from: i + 2, to: j, quoteDepth: quoteDepth) else { return nil }
                    return Found(range: i..<(j + 2), tex: tex, display: true)
                default: j += 1
                }
            }
            return nil
        }
        // Inline: the first unescaped `$` closes (`\text{…}` may hold dollars).
        guard i + 1 < limit, !MathASCII.isSpace(b[i + 1]) else { return nil }
        var j = i + 1
        while j < limit {
            switch b[j] {
            case MathASCII.backslash:
                if startsWith("\\text{", at: j) {
                    j = endOfBraces(from: j + 6, limit: limit)
                } else {
                    j += 2
                }
                continue
            case MathASCII.backtick:
                return nil
            case MathASCII.dollar:
                guard !MathASCII.isSpace(b[j - 1]) else { return nil }
                if j + 1 < limit, MathASCII.isDigit(b[j + 1]) { return nil }
                guard let tex = tex(from: i + 1, to: j, quoteDepth: quoteDepth) else { return nil }
                return Found(range: i..<(j + 1), tex: tex, display: false)
            default:
                j += 1
            }
        }
        return nil
    }

    /// Past the `}` that balances an opening brace just before `from` (or `limit`).
    private func endOfBraces(from start: Int, limit: Int) -> Int {
        var depth = 1
        var j = start
        while j < limit, depth > 0 {
            switch b[j] {
            case MathASCII.backslash: j += 1
            case MathASCII.openBrace: depth += 1
            case MathASCII.closeBrace: depth -= 1
            default: break
            }
            j += 1
        }
        return min(j, limit)
    }

    /// The TeX between the delimiters: container markers removed from continuation lines,
    /// `\r` before line ends dropped, trimmed; nil when nothing is left.
    private func tex(from start: Int, to end: Int, quoteDepth: Int) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var j = start
        while j < end {
            let c = b[j]
            if c == MathASCII.carriageReturn, j + 1 < end, b[j + 1] == MathASCII.newline {
                j += 1
                continue
            }
            out.append(c)
            j += 1
            if c == MathASCII.newline {
                j = afterContainerMarkers(from: j, end: end, depth: quoteDepth)
            }
        }
        var low = 0, high = out.count
        while low < high, MathASCII.isSpace(out[low]) { low += 1 }
        while high > low, MathASCII.isSpace(out[high - 1]) { high -= 1 }
        guard low < high else { return nil }
        return String(decoding: out[low..<high], as: UTF8.self)
    }

    /// Skips indentation and up to `depth` block-quote markers at the start of a line.
    private func afterContainerMarkers(from start: Int, end: Int, depth: Int) -> Int {
        var j = start
        var markers = depth
        while j < end {
            if b[j] == MathASCII.space || b[j] == MathASCII.tab {
                j += 1
            } else if b[j] == MathASCII.greater, markers > 0 {
                markers -= 1
                j += 1
            } else {
                break
            }
        }
        return j
    }

    // MARK: CommonMark inline syntax that hides dollars

    /// Past the code span opening at `i`; past the backtick run alone when it has no match.
    private func endOfCodeSpan(at i: Int, limit: Int) -> Int {
        let n = runLength(of: MathASCII.backtick, at: i, limit: limit)
        var j = i + n
        while j < limit {
            if b[j] == MathASCII.backtick {
                let m = runLength(of: MathASCII.backtick, at: j, limit: limit)
                if m == n { return j + m }
                j += m
            } else {
                j += 1
            }
        }
        return i + n
    }

    /// Past the raw HTML (tag, comment, processing instruction, declaration, CDATA) or autolink
    /// opening at `i`, following the CommonMark grammar; nil when `<` is just text.
    private func endOfInlineHTML(at i: Int, limit: Int) -> Int? {
        guard i + 1 < limit else { return nil }
        let c = b[i + 1]
        if MathASCII.isLetter(c) {
            return endOfAutolink(at: i, limit: limit) ?? endOfOpenTag(at: i, limit: limit)
                ?? endOfEmailAutolink(at: i, limit: limit)
        }
        if c == MathASCII.slash {
            var j = i + 2
            guard j < limit, MathASCII.isLetter(b[j]) else { return nil }
            while j < limit, MathASCII.isTagNameCharacter(b[j]) { j += 1 }
            j = skipWhitespace(from: j, limit: limit)
            return j < limit && b[j] == MathASCII.greater ? j + 1 : nil
        }
        if startsWith("<!--", at: i) { return find("-->", from: i + 4, limit: limit) }
        if startsWith("<![CDATA[", at: i) { return find("]]>", from: i + 9, limit: limit) }
        if c == MathASCII.question { return find("?>", from: i + 2, limit: limit) }
        if c == MathASCII.bang, i + 2 < limit, MathASCII.isLetter(b[i + 2]) { return find(">", from: i + 2, limit: limit) }
        return endOfEmailAutolink(at: i, limit: limit)
    }

    private func endOfOpenTag(at i: Int, limit: Int) -> Int? {
        var j = i + 1
        while j < limit, MathASCII.isTagNameCharacter(b[j]) { j += 1 }
        while true {
            let afterSpace = skipWhitespace(from: j, limit: limit)
            guard afterSpace < limit else { return nil }
            if b[afterSpace] == MathASCII.greater { return afterSpace + 1 }
            if b[afterSpace] == MathASCII.slash {
                return afterSpace + 1 < limit && b[afterSpace + 1] == MathASCII.greater ? afterSpace + 2 : nil
            }
            // An attribute needs whitespace before it.
            guard afterSpace > j, MathASCII.isAttributeNameStart(b[afterSpace]) else { return nil }
            j = afterSpace
            while j < limit, MathASCII.isAttributeNameCharacter(b[j]) { j += 1 }
            let beforeValue = skipWhitespace(from: j, limit: limit)
            guard beforeValue < limit, b[beforeValue] == MathASCII.equals else { continue }
            j = skipWhitespace(from: beforeValue + 1, limit: limit)
            guard j < limit else { return nil }
            if b[j] == MathASCII.doubleQuote || b[j] == MathASCII.singleQuote {
                let quote = b[j]
                j += 1
                while j < limit, b[j] != quote { j += 1 }
                guard j < limit else { return nil }
                j += 1
            } else {
                let valueStart = j
                while j < limit, !MathASCII.isSpace(b[j]), !"\"'=<>`".utf8.contains(b[j]) { j += 1 }
                guard j > valueStart else { return nil }
            }
        }
    }

    /// `<scheme:…>` with a scheme of 2 to 32 characters and no spaces or `<` inside.
    private func endOfAutolink(at i: Int, limit: Int) -> Int? {
        var j = i + 1
        while j < limit, MathASCII.isLetter(b[j]) || MathASCII.isDigit(b[j]) || b[j] == MathASCII.plus || b[j] == MathASCII.dot || b[j] == MathASCII.minus { j += 1 }
        let schemeLength = j - i - 1
        guard (2...32).contains(schemeLength), j < limit, b[j] == MathASCII.colon else { return nil }
        j += 1
        while j < limit, b[j] != MathASCII.greater {
            if b[j] == MathASCII.less || MathASCII.isSpace(b[j]) || b[j] < 0x20 { return nil }
            j += 1
        }
        return j < limit ? j + 1 : nil
    }

    /// `<local@domain>` as CommonMark defines an email autolink.
    private func endOfEmailAutolink(at i: Int, limit: Int) -> Int? {
        var j = i + 1
        let local = Set(".!#$%&'*+/=?^_`{|}~-".utf8)
        while j < limit, MathASCII.isLetter(b[j]) || MathASCII.isDigit(b[j]) || local.contains(b[j]) { j += 1 }
        guard j > i + 1, j < limit, b[j] == MathASCII.at else { return nil }
        j += 1
        let domainStart = j
        while j < limit, MathASCII.isLetter(b[j]) || MathASCII.isDigit(b[j]) || b[j] == MathASCII.minus || b[j] == MathASCII.dot { j += 1 }
        guard j > domainStart, j < limit, b[j] == MathASCII.greater else { return nil }
        return j + 1
    }

    /// Past a `<destination>` of a link (CommonMark: no line break or `<` inside, `\` escapes);
    /// `i` is at the `<`. Nil when it is not closed on its line.
    private func endOfAngleDestination(at i: Int, limit: Int) -> Int? {
        var j = i + 1
        while j < limit, b[j] != MathASCII.greater {
            if b[j] == MathASCII.newline || b[j] == MathASCII.less { return nil }
            j += b[j] == MathASCII.backslash ? 2 : 1
        }
        return j < limit ? j + 1 : nil
    }

    /// Past the `(destination "title")` of an inline link or image; `i` is at the `(`.
    private func endOfLinkTail(at i: Int, limit: Int) -> Int? {
        var j = skipWhitespace(from: i + 1, limit: limit)
        guard j < limit else { return nil }
        if b[j] == MathASCII.less {
            guard let end = endOfAngleDestination(at: j, limit: limit) else { return nil }
            j = end
        } else {
            var depth = 0
            while j < limit, !MathASCII.isSpace(b[j]), b[j] >= 0x20 {
                if b[j] == MathASCII.backslash, j + 1 < limit, MathASCII.isASCIIPunctuation(b[j + 1]) {
                    j += 2
                    continue
                }
                if b[j] == MathASCII.openParen { depth += 1 }
                if b[j] == MathASCII.closeParen {
                    if depth == 0 { break }
                    depth -= 1
                }
                j += 1
            }
        }
        let beforeTitle = j
        j = skipWhitespace(from: j, limit: limit)
        guard j < limit else { return nil }
        if j > beforeTitle, b[j] == MathASCII.doubleQuote || b[j] == MathASCII.singleQuote || b[j] == MathASCII.openParen {
            let close = b[j] == MathASCII.openParen ? MathASCII.closeParen : b[j]
            j += 1
            while j < limit, b[j] != close { j += b[j] == MathASCII.backslash ? 2 : 1 }
            guard j < limit else { return nil }
            j = skipWhitespace(from: j + 1, limit: limit)
        }
        return j < limit && b[j] == MathASCII.closeParen ? j + 1 : nil
    }

    // MARK: Bytes

    private func runLength(of byte: UInt8, at i: Int, limit: Int) -> Int {
        var j = i
        while j < limit, b[j] == byte { j += 1 }
        return j - i
    }

    private func startsWith(_ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        return s.withUTF8Buffer { p in (0..<n).allSatisfy { b[i + $0] == p[$0] } }
    }

    /// Past the first occurrence of `needle` at or after `from`, before `limit`.
    private func find(_ needle: StaticString, from start: Int, limit: Int) -> Int? {
        let n = needle.utf8CodeUnitCount
        var j = start
        while j + n <= limit {
            if startsWith(needle, at: j) { return j + n }
            j += 1
        }
        return nil
    }

    private func skipWhitespace(from start: Int, limit: Int) -> Int {
        var j = start
        while j < limit, MathASCII.isSpace(b[j]) { j += 1 }
        return j
    }

    /// Skips spaces and tabs.
    private func skipSpaces(from start: Int, limit: Int) -> Int {
        var j = start
        while j < limit, b[j] == MathASCII.space || b[j] == MathASCII.tab { j += 1 }
        return j
    }
}

// MARK: - Byte classes

/// ASCII bytes and classes shared by the math extractor and the placeholder substitution.
enum MathASCII {
    static let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " "), bang = UInt8(ascii: "!"), doubleQuote = UInt8(ascii: "\"")
    static let dollar = UInt8(ascii: "$"), singleQuote = UInt8(ascii: "'"), openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")"), plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":")
    static let less = UInt8(ascii: "<"), equals = UInt8(ascii: "="), greater = UInt8(ascii: ">")
    static let question = UInt8(ascii: "?"), at = UInt8(ascii: "@"), openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\"), closeBracket = UInt8(ascii: "]"), backtick = UInt8(ascii: "`")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), underscore = UInt8(ascii: "_")

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == space || c == tab || c == newline || c == carriageReturn || c == 0x0B || c == 0x0C
    }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isASCIIPunctuation(_ c: UInt8) -> Bool {
        (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
    }
    @inline(__always) static func isTagNameCharacter(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) || c == minus }
    @inline(__always) static func isAttributeNameStart(_ c: UInt8) -> Bool { isLetter(c) || c == underscore || c == colon }
    @inline(__always) static func isAttributeNameCharacter(_ c: UInt8) -> Bool {
        isAttributeNameStart(c) || isDigit(c) || c == dot || c == minus
    }
}
