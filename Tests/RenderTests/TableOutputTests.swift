import Foundation
import Language
import NTKCore
import Testing

@testable import Notebook
@testable import Render

/// `table(A, columns:)` shows a matrix in full with named columns in every output: the terminal,
/// the Markdown write-back (whose visible text `check` can rebuild from its data), the site and
/// the Jupyter export.
@Suite struct TableOutputTests {
    let code =
        "```ntk {#sweep}\nshow table([[16, 0.25], [64, 0.125]], columns: [\"width\", \"error | rel\"]), \"sweep\"\n```\n"

    @Test func theWriteBackIsANamedMarkdownTable() throws {
        let (result, text) = try runAndUpdate(code)
        #expect(result.blocks[0].status == .ran)
        #expect(
            text.contains("**sweep**\n\n| width | error \\| rel |\n|---:|---:|\n| 16 | 0.250 |\n| 64 | 0.125 |\n"),
            "\(text)")
        // check rebuilds the visible text from the data line and finds it consistent.
        let notebook = try Notebook.parse(text, path: "nb.md")
        #expect(try RegionConsistency.problems(in: notebook, figures: nil).isEmpty)
        #expect(try checkDifferences(text).isEmpty)
        // A hand edit of a cell, hash recomputed, is caught.
        var lines = text.components(separatedBy: "\n")
        let k = try #require(lines.firstIndex(of: "| 64 | 0.125 |"))
        lines[k] = "| 64 | 0.2 |"
        let begin = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:begin") })
        let end = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:end") })
        lines[begin] = "<!-- tangent:begin id=sweep hash=\(OutputRegion.hash(Array(lines[(begin + 1)..<end]))) -->"
        let edited = try Notebook.parse(lines.joined(separator: "\n"), path: "nb.md")
        #expect(try RegionConsistency.problems(in: edited, figures: nil).count == 1)
    }

    @Test func terminalSiteAndJupyterShowEveryEntryUnderItsName() throws {
        let t = Table(matrix: Matrix(rowArrays: [[16, 0.25], [64, 0.125]]), columns: ["width", "error"])
        #expect(ValueFormatter.text(.table(t)) == "width  error\n   16  0.250\n   64  0.125")
        let html = OutputHTML.table(t.matrix, columns: t.columns)
        #expect(html.contains("<th scope=\"col\">width</th><th scope=\"col\">error</th>"))
        #expect(html.contains("<td>64</td><td>0.125</td>"))
        let stored = StoredOutput.from(
            .value(.table(t), caption: nil, range: SourceRange(at: SourceLocation(line: 2, column: 1))), codeLine: 2)
        let (plain, jupyterHTML) = JupyterOutputs.value(stored)
        #expect(plain == ValueFormatter.text(.table(t)))
        #expect(jupyterHTML == html)
    }

    @Test func aLargeTableIsShownInFullUpToItsLimit() throws {
        let (result, text) = try runAndUpdate("```ntk\nshow table(ones(200, 20))\n```\n")
        #expect(result.blocks[0].status == .ran)
        #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("| 1 | ") }.count == 200)
        let (tooBig, _) = try runAndUpdate("```ntk\nshow table(ones(1001, 2))\n```\n")
        #expect(tooBig.blocks[0].error?.message.contains("at most 1000 rows and 20 columns") == true)
    }

    /// The case: a column of the site's tables never shows `0` above `1.0000e-06`.
    @Test func aSiteTableColumnKeepsOneStyle() throws {
        let m = Matrix(rowArrays: [[0, 16], [1e-6, 64]])
        let named = OutputHTML.table(m, columns: ["error", "width"])
        #expect(named.contains("<tr><td>0.0e+00</td><td>16</td></tr><tr><td>1.0e-06</td><td>64</td></tr>"))
        let plain = OutputHTML.table(m)
        #expect(plain.contains("<tr><th scope=\"row\">0</th><td>0.0e+00</td><td>16</td></tr>"))
        #expect(plain.contains("<tr><th scope=\"row\">1</th><td>1.0e-06</td><td>64</td></tr>"))
        // The Markdown write-back of a named table agrees with the site.
        #expect(
            MarkdownWriter.table(m, columns: ["error", "width"]).suffix(2) == ["| 0.0e+00 | 16 |", "| 1.0e-06 | 64 |"])
    }
}
