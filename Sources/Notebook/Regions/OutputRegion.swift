import Language
import TangentSupport

/// The generated region `tangent update` writes right after an `ntk` block:
///
///     ```ntk {#fit}
///     ...
///     ```
///
///     <!-- tangent:begin id=fit hash=0123456789abcdef -->
///     …Markdown for people (text, tables, figures)…
///     <!-- tangent:data [...full-precision outputs as JSON...] -->
///     <!-- tangent:end id=fit -->
///
/// Only a region directly after a block (one blank line between) belongs to it; anything else
/// that looks like one is prose. `hash` covers the lines between the markers, so a region
/// edited by hand is noticed (as cog does).
package struct OutputRegion: Sendable {
    /// 1-based file lines: the blank line before the begin marker, and the end marker.
    package var firstLine: Int
    package var beginLine: Int
    package var endLine: Int
    package var id: String
    package var storedHash: String
    /// Content lines between the markers, container prefix removed.
    package var content: [String]
    /// The container prefix of every line (`> `, list indentation), from the closing fence.
    package var prefix: String

    package var actualHash: String { OutputRegion.hash(content) }
    package var editedByHand: Bool { storedHash != actualHash }

    /// The stored outputs from the data line, or nil when it is missing or unreadable.
    package var storedOutputs: [StoredOutput]? {
        for line in content.reversed() {
            guard line.hasPrefix(OutputRegion.dataPrefix), line.hasSuffix(" -->") else { continue }
            let json = String(line.dropFirst(OutputRegion.dataPrefix.count).dropLast(4))
            guard let items = JSON.parse(json)?.arrayValue else { return nil }
            var out: [StoredOutput] = []
            for item in items {
                guard let o = StoredOutput(json: item) else { return nil }
                out.append(o)
            }
            return out
        }
        return nil
    }

    /// Paths of the files this region links to (`![title](folder/name)`) inside `folder`,
    /// relative to the notebook's folder, as written.
    package func linkedFiles(under folder: String) -> Set<String> {
        var found: Set<String> = []
        let start = "](" + folder + "/"
        for line in content {
            var rest = Substring(line)
            while let r = rest.range(of: start) {
                let after = rest[r.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                let name = after[..<close]
                if !name.isEmpty, !name.contains("/") { found.insert(folder + "/" + name) }
                rest = after[close...]
            }
        }
        return found
    }

    static let beginPrefix = "<!-- tangent:begin "
    static let endPrefix = "<!-- tangent:end "
    package static let dataPrefix = "<!-- tangent:data "

    package static func beginMarker(id: String, hash: String) -> String { "\(beginPrefix)id=\(id) hash=\(hash) -->" }
    package static func endMarker(id: String) -> String { "\(endPrefix)id=\(id) -->" }

    /// The data line for outputs. JSON inside an HTML comment must not contain `--`.
    package static func dataLine(_ outputs: [StoredOutput]) -> String {
        let json = JSON.array(outputs.map(\.json)).serialized(pretty: false)
        return dataPrefix + json.replacingOccurrences(of: "--", with: "-\\u002d") + " -->"
    }

    /// FNV-1a 64 over the content lines joined by "\n", as 16 hex digits.
    package static func hash(_ content: [String]) -> String {
        var hash = StableHash()
        for (i, line) in content.enumerated() {
            if i > 0 {
                hash.combine(byte: 0x0a)
            }
            hash.combine(line.utf8)
        }
        let hex = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Where a block's region is, or would go, in the file.
package struct RegionSite: Sendable {
    /// The closing fence line (1-based).
    package var fenceLine: Int
    package var prefix: String
    /// The existing region, if there is one.
    package var region: OutputRegion?
}

extension Notebook {
    /// The site of each cell's region (nil for a block whose fence is never closed, which has
    /// no place for one). Throws for a begin marker without its end marker.
    package func regionSites() throws(Diagnostic) -> [String: RegionSite] {
        let table = TextLines(text)
        var sites: [String: RegionSite] = [:]
        for cell in cells {
            guard let (line, prefix) = closingFence(of: cell, in: table) else { continue }
            sites[cell.id] = RegionSite(
                fenceLine: line, prefix: prefix,
                region: try region(after: line, prefix: prefix, in: table))
        }
        // A region that runs over another block (its end marker was deleted or moved, and the
        // next one found belongs further down) cannot be replaced without losing that block's
        // output: refused, pointing at its begin marker.
        for cell in cells {
            guard let r = sites[cell.id]?.region else { continue }
            if let inside = cells.first(where: {
                $0.id != cell.id && r.beginLine < $0.fenceLine && $0.fenceLine < r.endLine
            }) {
                throw .error(
                    "the generated output region of block '\(cell.id)' runs over block '\(inside.id)' (line \(inside.fenceLine)); "
                        + "its end marker is missing or misplaced: restore it or delete the region",
                    at: SourceRange(at: SourceLocation(line: r.beginLine, column: r.prefix.count + 1)))
            }
        }
        return sites
    }

    /// The closing fence line of a cell and the container prefix before it.
    func closingFence(of cell: CodeCell, in table: TextLines) -> (Int, String)? {
        let n = cell.endLine
        guard n > cell.fenceLine, n >= 1, n <= table.lines.count else { return nil }
        let chars = Array(table.lines[n - 1].content)
        let fenceChar = cell.fence.character
        guard let first = chars.firstIndex(of: fenceChar) else { return nil }
        var k = first
        while k < chars.count, chars[k] == fenceChar { k += 1 }
        guard k - first >= cell.fence.length, chars[k...].allSatisfy({ $0 == " " || $0 == "\t" }) else { return nil }
        // Only container markup (`>` and indentation) may precede a closing fence: in a block
        // left open to the end of the file, a last line such as `x = 1 # ```` is code.
        guard chars[..<first].allSatisfy({ $0 == " " || $0 == "\t" || $0 == ">" }) else { return nil }
        // What the container puts before the block (`> `, list indentation) prefixes every
        // region line. It is read from the opening fence: a closing fence may be indented less
        // (`  ````` closing a block in a `1. ` item), and a region indented like that would fall
        // out of the list item and change how the rest of the file parses. A list marker on the
        // opening line (`1. ```ntk`) counts as spaces.
        let opening =
            cell.fenceLine >= 1 && cell.fenceLine <= table.lines.count
            ? Array(table.lines[cell.fenceLine - 1].content) : []
        let openingFirst = opening.firstIndex(of: fenceChar) ?? 0
        let prefix = opening[..<openingFirst].map { $0 == ">" || $0 == "\t" ? $0 : " " }
        return (n, String(prefix))
    }

    private func region(after fenceLine: Int, prefix: String, in table: TextLines) throws(Diagnostic) -> OutputRegion? {
        let lines = table.lines
        let blank = fenceLine + 1
        let begin = fenceLine + 2
        guard begin <= lines.count else { return nil }
        let trimmedPrefix = prefix.trimmingSpaces
        guard lines[blank - 1].content.trimmingSpaces == trimmedPrefix else { return nil }
        guard let beginText = strip(lines[begin - 1].content, prefix: prefix),
            beginText.hasPrefix(OutputRegion.beginPrefix), beginText.hasSuffix(" -->")
        else { return nil }
        let fields = beginText.dropFirst(OutputRegion.beginPrefix.count).dropLast(4).split(separator: " ")
        var id = ""
        var hash = ""
        for f in fields {
            if f.hasPrefix("id=") { id = String(f.dropFirst(3)) }
            if f.hasPrefix("hash=") { hash = String(f.dropFirst(5)) }
        }
        let end = OutputRegion.endMarker(id: id)
        var content: [String] = []
        var k = begin + 1
        while k <= lines.count {
            let raw = lines[k - 1].content
            let text = strip(raw, prefix: prefix) ?? raw
            if text.trimmingSpaces == end { break }
            content.append(text)
            k += 1
        }
        guard k <= lines.count else {
            throw .error(
                "the generated output region of this block has no end marker '\(end)'; "
                    + "delete the line with '<!-- tangent:begin' to let tangent update rewrite it",
                at: SourceRange(at: SourceLocation(line: begin, column: prefix.count + 1)))
        }
        return OutputRegion(
            firstLine: blank, beginLine: begin, endLine: k, id: id, storedHash: hash,
            content: content, prefix: prefix)
    }

    /// The line without the container prefix (a blank container line counts as empty content).
    private func strip(_ line: String, prefix: String) -> String? {
        if line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
        if line.trimmingSpaces == prefix.trimmingSpaces { return "" }
        return nil
    }
}
