import Language
import Notebook
import TangentSupport

/// Reads a Jupyter notebook (nbformat 4) back into a Tangent notebook: Markdown and raw cells
/// as prose, code cells in ntk as ```ntk blocks (their attributes from `metadata.tangent`),
/// code cells in any other language as fenced prose (```python). Outputs are not read:
/// `tangent update` writes them again.
package enum JupyterImport {
    /// Why a file cannot be imported; `line`/`column` locate a JSON syntax error.
    package struct Failure: Error, Equatable {
        package var message: String
        package var line: Int?
        package var column: Int?
        init(_ message: String, line: Int? = nil, column: Int? = nil) {
            self.message = message
            self.line = line
            self.column = column
        }
    }

    package struct Imported {
        package var markdown: String
        package var ntkBlocks = 0
        /// Code cells in other languages, kept as fenced prose: language → count.
        package var otherCode: [String: Int] = [:]
        /// Code cells that had outputs (not imported).
        package var cellsWithOutputs = 0
    }

    package static func markdown(fromJSON text: String) throws(Failure) -> Imported {
        let root: JSON
        do { root = try JSON.parseLocated(text) } catch {
            throw Failure("malformed JSON: a Jupyter notebook is a JSON file", line: error.line, column: error.column)
        }
        guard case .object = root else { throw Failure("not a Jupyter notebook: the top level is not a JSON object") }
        guard let version = root["nbformat"]?.doubleValue else {
            throw Failure("not a Jupyter notebook: it has no 'nbformat' field")
        }
        guard version == 4 else {
            throw Failure(
                "nbformat \(ValueFormatter.number(version)) is not supported: Tangent reads nbformat 4 "
                    + "(convert it with 'jupyter nbconvert --to notebook --nbformat 4')")
        }
        guard let cells = root["cells"]?.arrayValue else {
            throw Failure("not an nbformat 4 notebook: it has no 'cells' list")
        }
        let metadata = root["metadata"]
        let language =
            metadata?["language_info"]?["name"]?.stringValue ?? metadata?["kernelspec"]?["language"]?.stringValue
        let tangent = metadata?["tangent"]

        var layout = CellLayout()
        if let fm = tangent?["front_matter"] {
            guard let s = fm.stringValue else { throw Failure("metadata.tangent.front_matter must be a string") }
            layout.frontMatter = lines(s)
        }
        if let eol = tangent?["line_ending"] {
            guard let s = eol.stringValue, s == "\n" || s == "\r\n" else {
                throw Failure("metadata.tangent.line_ending must be \"\\n\" or \"\\r\\n\"")
            }
            layout.lineEnding = s
        }
        if let n = tangent?["trailing_blank_lines"] {
            layout.trailingBlankLines = try count(n, "metadata.tangent.trailing_blank_lines")
        }
        if let b = tangent?["final_newline"] {
            guard case .bool(let v) = b else { throw Failure("metadata.tangent.final_newline must be true or false") }
            layout.finalNewline = v
        }

        var imported = Imported(markdown: "")
        var ntkCells: [Int: Int] = [:]  // layout index → notebook cell number
        var cellNumbers: [Int] = []
        for (k, cell) in cells.enumerated() {
            let number = k + 1
            guard case .object = cell, let type = cell["cell_type"]?.stringValue else {
                throw Failure("cell \(number) is not an object with a 'cell_type'")
            }
            let source = try sourceText(cell["source"], cell: number)
            let meta = cell["metadata"]?["tangent"]
            var blank: Int?
            if let n = meta?["blank_lines_before"] {
                blank = try count(n, "cell \(number): metadata.tangent.blank_lines_before")
            }
            var new: CellLayout.Cell
            switch type {
            case "markdown", "raw":
                var body = lines(source)
                while body.last?.isEmpty == true { body.removeLast() }
                let lead = body.prefix { $0.isEmpty }.count
                body.removeFirst(lead)
                if body.isEmpty { continue }
                new = CellLayout.Cell(kind: .prose, lines: body, blankLinesBefore: lead)
            case "code":
                if (cell["outputs"]?.arrayValue?.isEmpty ?? true) == false { imported.cellsWithOutputs += 1 }
                let body = source.isEmpty ? [] : lines(source)
                let cellLanguage =
                    meta != nil
                    ? "ntk"
                    : cell["metadata"]?["vscode"]?["languageId"]?.stringValue ?? cell["metadata"]?["language"]?
                        .stringValue ?? language
                if cellLanguage == "ntk" {
                    if meta == nil && source.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) { continue }
                    var info = ""
                    var fence = "```"
                    if let i = meta?["info"] {
                        guard let s = i.stringValue, !s.contains("\n"), !s.contains("\r") else {
                            throw Failure("cell \(number): metadata.tangent.info must be one line of text")
                        }
                        info = s
                    }
                    if let f = meta?["fence"]?.stringValue { fence = f }
                    new = CellLayout.Cell(kind: .ntk(info: info, fence: fence), lines: body, blankLinesBefore: 0)
                    imported.ntkBlocks += 1
                    ntkCells[layout.cells.count] = number
                } else {
                    if source.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) { continue }
                    let name = cellLanguage ?? ""
                    let fence = CellLayout.fence(for: body, preferred: "```", info: name)
                    new = CellLayout.Cell(kind: .prose, lines: [fence + name] + body + [fence], blankLinesBefore: 0)
                    imported.otherCode[name.isEmpty ? "unknown" : name, default: 0] += 1
                }
            default:
                throw Failure(
                    "cell \(number) has the unknown cell_type '\(type)' (nbformat 4 has markdown, code and raw)")
            }
            new.blankLinesBefore += blank ?? layout.defaultBlankLines(before: layout.cells.count)
            layout.cells.append(new)
            cellNumbers.append(number)
        }
        let (text, starts) = layout.rendered()
        try verify(text, layout: layout, starts: starts, cellNumbers: cellNumbers, ntkCells: ntkCells)
        imported.markdown = text
        return imported
    }

    /// Parses the Markdown as Tangent will and checks every ntk cell became its own block
    /// (a Markdown cell that leaves a fence open would swallow the cells after it).
    private static func verify(
        _ text: String, layout: CellLayout, starts: [Int], cellNumbers: [Int],
        ntkCells: [Int: Int]
    ) throws(Failure) {
        func cell(at line: Int) -> String {
            guard let k = starts.lastIndex(where: { $0 <= line }) else { return "metadata.tangent.front_matter" }
            return "cell \(cellNumbers[k])"
        }
        let notebook: Notebook
        do { notebook = try Notebook.parse(text, path: "") } catch {
            throw Failure("\(cell(at: error.range.start.line)): \(error.message)")
        }
        let blocks = Dictionary(notebook.cells.map { ($0.fenceLine, $0) }, uniquingKeysWith: { a, _ in a })
        for (k, number) in ntkCells.sorted(by: { $0.key < $1.key }) {
            guard let block = blocks[starts[k]], block.source.lines.map(\.text) == layout.cells[k].lines else {
                throw Failure(
                    "cell \(number) does not come out as an ntk block of its own: the Markdown before it "
                        + "leaves something open (an unclosed ``` fence?)")
            }
        }
    }

    /// nbformat's multiline string: a string, or a list of strings joined as they are.
    private static func sourceText(_ json: JSON?, cell: Int) throws(Failure) -> String {
        switch json {
        case .string(let s)?: return s
        case .array(let parts)?:
            var out = ""
            for p in parts {
                guard let s = p.stringValue else {
                    throw Failure("cell \(cell): 'source' must be a string or a list of strings")
                }
                out += s
            }
            return out
        default: throw Failure("cell \(cell): 'source' must be a string or a list of strings")
        }
    }

    private static func count(_ json: JSON, _ what: String) throws(Failure) -> Int {
        guard let v = json.doubleValue, v >= 0, v <= 10_000, v == v.rounded() else {
            throw Failure("\(what) must be a whole number from 0 to 10000")
        }
        return Int(v)
    }

    /// Text split at line endings ("\n" or "\r\n").
    static func lines(_ s: String) -> [String] {
        var out: [String] = []
        var line = ""
        for u in s.unicodeScalars {
            if u == "\n" {
                if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
                out.append(line)
                line = ""
            } else {
                line.unicodeScalars.append(u)
            }
        }
        out.append(line)
        return out
    }
}
