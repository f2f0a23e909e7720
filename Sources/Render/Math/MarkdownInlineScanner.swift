/// The parts of CommonMark's inline grammar (and of link reference definitions) that can hide
/// a `$` from the math scanner: where a code span, raw HTML, an autolink, a link destination
/// or title, or a definition ends, and the block-quote markers at the start of a line.
/// A partial scanner: it finds ends and never builds a tree; each method returns past the
/// construct at `i`, or nil (or `i` moved by one) when the bytes there are just text.
struct MarkdownInlineScanner {
    let b: [UInt8]

    init(bytes: [UInt8]) {
        self.b = bytes
    }

    // MARK: Link reference definitions

    /// Past the line ending after the link reference definition at `i`
    /// (`[label]: destination "title"`), or nil when there is none.
    func endOfReferenceDefinition(at i: Int, limit: Int, quoteDepth: Int) -> Int? {
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
            b[labelStart..<j].contains(where: { !MathASCII.isSpace($0) })
        else { return nil }
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
                let end = endOfTitle(at: skipSpaces(from: j, limit: limit), limit: limit)
            else { return nil }
            return restOfLineIsBlank(from: end, limit: limit)
        }
        if lineEnd < limit,
            let end = endOfTitle(
                at: skipSpaces(from: afterContainerMarkers(from: lineEnd, end: limit, depth: quoteDepth), limit: limit),
                limit: limit),
            let after = restOfLineIsBlank(from: end, limit: limit)
        {
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

    // MARK: Block-quote markers

    /// Skips indentation and up to `depth` block-quote markers at the start of a line.
    func afterContainerMarkers(from start: Int, end: Int, depth: Int) -> Int {
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

    // MARK: Inline syntax

    /// Past the code span opening at `i`; past the backtick run alone when it has no match.
    func endOfCodeSpan(at i: Int, limit: Int) -> Int {
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
    func endOfInlineHTML(at i: Int, limit: Int) -> Int? {
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
        if c == MathASCII.bang, i + 2 < limit, MathASCII.isLetter(b[i + 2]) {
            return find(">", from: i + 2, limit: limit)
        }
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
        while j < limit,
            MathASCII.isLetter(b[j]) || MathASCII.isDigit(b[j]) || b[j] == MathASCII.plus || b[j] == MathASCII.dot
                || b[j] == MathASCII.minus
        { j += 1 }
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
        while j < limit,
            MathASCII.isLetter(b[j]) || MathASCII.isDigit(b[j]) || b[j] == MathASCII.minus || b[j] == MathASCII.dot
        { j += 1 }
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
    func endOfLinkTail(at i: Int, limit: Int) -> Int? {
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
        if j > beforeTitle,
            b[j] == MathASCII.doubleQuote || b[j] == MathASCII.singleQuote || b[j] == MathASCII.openParen
        {
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

    func startsWith(_ s: StaticString, at i: Int) -> Bool {
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
