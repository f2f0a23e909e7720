/// Walks the prose runs left to right, skipping what CommonMark reads as code, raw HTML or
/// link destinations, and records the math spans.
struct MathScanner {
    struct Found {
        var range: Range<Int>
        var tex: String
        var display: Bool
    }

    let b: [UInt8]
    /// The CommonMark syntax around the math: code spans, raw HTML, links, block-quote markers.
    let inline: MarkdownInlineScanner
    var found: [Found] = []

    init(bytes: [UInt8]) {
        self.b = bytes
        self.inline = MarkdownInlineScanner(bytes: bytes)
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
                i = inline.endOfCodeSpan(at: i, limit: limit)
            case MathASCII.less:
                i = inline.endOfInlineHTML(at: i, limit: limit) ?? i + 1
            case MathASCII.openBracket:
                brackets += 1
                i += 1
            case MathASCII.closeBracket:
                if brackets > 0 {
                    brackets -= 1
                    if i + 1 < limit, b[i + 1] == MathASCII.openParen,
                        let end = inline.endOfLinkTail(at: i + 1, limit: limit)
                    {
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
        while let next = inline.endOfReferenceDefinition(at: j, limit: block.end, quoteDepth: block.quoteDepth) {
            j = inline.afterContainerMarkers(from: next, end: block.end, depth: block.quoteDepth)
            skipped = true
        }
        return skipped ? j : block.start
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
                if inline.startsWith("\\text{", at: j) {
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
                j = inline.afterContainerMarkers(from: j, end: end, depth: quoteDepth)
            }
        }
        var low = 0
        var high = out.count
        while low < high, MathASCII.isSpace(out[low]) { low += 1 }
        while high > low, MathASCII.isSpace(out[high - 1]) { high -= 1 }
        guard low < high else { return nil }
        return String(decoding: out[low..<high], as: UTF8.self)
    }
}
