import Language
import Notebook

/// A notebook as Jupyter sees it: a list of cells, prose and top-level ```ntk blocks, with the
/// generated output regions left out. It keeps what writing the same Markdown back needs: the
/// front matter, the empty lines between cells, the line ending and how the file ends.
///
/// Only an ntk block at the top level (its fences at column 1, not inside a list or a quote)
/// becomes a code cell; any other block stays in the prose around it, as text.
package struct CellLayout: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case prose
        /// An ntk block: `info` is what follows `ntk` on the opening fence line (`{#fit seed=1}`),
        /// `fence` the run of backticks or tildes that opens and closes it.
        case ntk(info: String, fence: String)
    }

    package struct Cell: Equatable, Sendable {
        package var kind: Kind
        /// The prose lines, or the block's code lines (without line endings).
        package var lines: [String]
        /// Empty lines between the previous cell (or the front matter) and this one.
        package var blankLinesBefore: Int
        /// The block's id, for a block read from a notebook.
        package var blockID: String?

        package init(kind: Kind, lines: [String], blankLinesBefore: Int, blockID: String? = nil) {
            self.kind = kind
            self.lines = lines
            self.blankLinesBefore = blankLinesBefore
            self.blockID = blockID
        }
    }

    /// The front matter lines, both `---` lines included.
    package var frontMatter: [String]?
    package var cells: [Cell] = []
    /// Empty lines after the last cell.
    package var trailingBlankLines = 0
    package var finalNewline = true
    package var lineEnding = "\n"

    package init() {}

    /// The empty lines before a cell unless it says otherwise: none before the first cell of a
    /// file without front matter, one everywhere else.
    package func defaultBlankLines(before index: Int) -> Int { index == 0 && frontMatter == nil ? 0 : 1 }

    /// The Markdown text: the notebook without its output regions.
    package var markdown: String { rendered().text }

    /// The text, and the 1-based line each cell starts on (an ntk cell: its opening fence).
    package func rendered() -> (text: String, cellLines: [Int]) {
        var out = frontMatter ?? []
        var starts: [Int] = []
        for cell in cells {
            out += Array(repeating: "", count: cell.blankLinesBefore)
            starts.append(out.count + 1)
            switch cell.kind {
            case .prose:
                out += cell.lines
            case .ntk(let info, let preferred):
                let fence = CellLayout.fence(for: cell.lines, preferred: preferred, info: info)
                out.append(fence + "ntk" + (info.isEmpty ? "" : " " + info))
                out += cell.lines
                out.append(fence)
            }
        }
        out += Array(repeating: "", count: trailingBlankLines)
        if out.isEmpty { return ("", starts) }
        return (out.joined(separator: lineEnding) + (finalNewline ? lineEnding : ""), starts)
    }

    /// A fence for code: `preferred` when it is a valid fence, else ```; tildes when the info
    /// string holds a backtick; longer than any line of the code that would close it.
    package static func fence(for code: [String], preferred: String, info: String) -> String {
        var char: Character = "`"
        var length = 3
        if let c = preferred.first, c == "`" || c == "~", preferred.count >= 3, preferred.allSatisfy({ $0 == c }) {
            char = c
            length = preferred.count
        }
        if char == "`" && info.contains("`") {
            char = "~"
            length = 3
        }
        for line in code {
            let indent = line.prefix { $0 == " " }.count
            guard indent <= 3 else { continue }
            let rest = line.dropFirst(indent)
            let run = rest.prefix { $0 == char }.count
            if run >= length, rest.dropFirst(run).allSatisfy({ $0 == " " || $0 == "\t" }) { length = run + 1 }
        }
        return String(repeating: char, count: length)
    }
}

extension CellLayout {
    /// The layout of a notebook. Every block's output region is left out, top-level or not.
    /// Throws for a region without its end marker.
    package init(_ notebook: Notebook) throws(Diagnostic) {
        let table = TextLines(notebook.text)
        let lines = table.lines.map(\.content)
        lineEnding = table.lineEnding
        finalNewline = table.lines.last.map { !$0.terminator.isEmpty } ?? true
        let sites = try notebook.regionSites()
        var generated = Set<Int>()
        for site in sites.values {
            if let r = site.region { generated.formUnion(r.firstLine...r.endLine) }
        }
        var next = 1
        if let range = notebook.frontMatter.lines {
            frontMatter = Array(lines[(range.lowerBound - 1)..<min(range.upperBound, lines.count)])
            next = range.upperBound + 1
        }
        var pending = 0
        // Lines next..<end become a prose cell, without leading and trailing empty lines.
        func prose(upTo end: Int) {
            let chunk = (next..<max(next, end)).filter { !generated.contains($0) }.map { lines[$0 - 1] }
            guard let a = chunk.firstIndex(where: { !$0.isEmpty }), let b = chunk.lastIndex(where: { !$0.isEmpty })
            else {
                pending += chunk.count
                return
            }
            cells.append(Cell(kind: .prose, lines: Array(chunk[a...b]), blankLinesBefore: pending + a))
            pending = chunk.count - 1 - b
        }
        for cell in notebook.cells {
            guard cell.fenceLine >= next, cell.fenceColumn == 1, let site = sites[cell.id], site.prefix.isEmpty,
                let opening = CellLayout.ntkFence(lines[cell.fenceLine - 1])
            else { continue }
            prose(upTo: cell.fenceLine)
            cells.append(
                Cell(
                    kind: .ntk(info: opening.info, fence: opening.fence),
                    lines: Array(lines[cell.fenceLine..<(site.fenceLine - 1)]),
                    blankLinesBefore: pending, blockID: cell.id))
            pending = 0
            next = (site.region?.endLine ?? site.fenceLine) + 1
        }
        prose(upTo: lines.count + 1)
        trailingBlankLines = pending
    }

    /// The fence run and the text after `ntk` of an opening fence line at column 1.
    static func ntkFence(_ line: String) -> (fence: String, info: String)? {
        guard let c = line.first, c == "`" || c == "~" else { return nil }
        let run = line.prefix { $0 == c }
        guard run.count >= 3 else { return nil }
        let rest = line.dropFirst(run.count).drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("ntk") else { return nil }
        return (String(run), trimmed(rest.dropFirst(3)))
    }

    static func trimmed(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
