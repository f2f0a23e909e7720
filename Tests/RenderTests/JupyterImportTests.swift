import Foundation
import Language
import TangentSupport
import Testing

@testable import Notebook
@testable import Render

@Suite struct JupyterImportTests {
    /// A notebook as Jupyter writes one: no Tangent metadata, sources as lists of lines.
    func notebook(language: String?, cells: [String]) -> String {
        let meta = language.map { "\"language_info\": {\"name\": \"\($0)\"}" } ?? ""
        return "{\"cells\": [" + cells.joined(separator: ", ")
            + "], \"metadata\": {\(meta)}, \"nbformat\": 4, \"nbformat_minor\": 5}"
    }

    func cell(_ type: String, _ lines: [String], metadata: String = "{}", outputs: String = "[]") -> String {
        let source = "[" + lines.map { JSON.string($0).serialized() }.joined(separator: ", ") + "]"
        let extra = type == "code" ? ", \"outputs\": \(outputs), \"execution_count\": null" : ""
        return "{\"cell_type\": \"\(type)\", \"metadata\": \(metadata), \"source\": \(source)\(extra)}"
    }

    func failure(_ json: String) -> JupyterImport.Failure? {
        do {
            _ = try JupyterImport.markdown(fromJSON: json)
            return nil
        } catch {
            return error
        }
    }

    @Test func aForeignNtkNotebookBecomesBlocksAndProse() throws {
        let json = notebook(
            language: "ntk",
            cells: [
                cell("markdown", ["# Title\n", "\n", "Some text."]),
                cell(
                    "code", ["X = eye(2)\n", "show X"],
                    outputs: "[{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": \"x\"}]"),
                cell("code", []),
                cell("raw", ["raw text"])
            ])
        let imported = try JupyterImport.markdown(fromJSON: json)
        #expect(imported.markdown == "# Title\n\nSome text.\n\n```ntk\nX = eye(2)\nshow X\n```\n\nraw text\n")
        #expect(imported.ntkBlocks == 1)
        #expect(imported.cellsWithOutputs == 1)
        let parsed = try Notebook.parse(imported.markdown, path: "nb.md")
        #expect(parsed.cells.map(\.code) == ["X = eye(2)\nshow X"])
    }

    @Test func codeInOtherLanguagesIsKeptAsFencedText() throws {
        let json = notebook(
            language: "python",
            cells: [
                cell("code", ["print('```')\n", "x = 1"]),
                cell("code", ["show 1"], metadata: "{\"tangent\": {\"info\": \"{#one seed=4}\"}}"),
                cell("code", ["SELECT 1"], metadata: "{\"vscode\": {\"languageId\": \"sql\"}}")
            ])
        let imported = try JupyterImport.markdown(fromJSON: json)
        #expect(
            imported.markdown
                == "```python\nprint('```')\nx = 1\n```\n\n```ntk {#one seed=4}\nshow 1\n```\n\n```sql\nSELECT 1\n```\n"
        )
        #expect(imported.otherCode == ["python": 1, "sql": 1])
        let parsed = try Notebook.parse(imported.markdown, path: "nb.md")
        #expect(parsed.cells.map(\.id) == ["one"])
        #expect(parsed.cells.first?.attributes.seed == 4)
    }

    @Test func aFenceInTheCodeGetsALongerFence() throws {
        let json = notebook(language: "ntk", cells: [cell("code", ["# a line that looks like a fence:\n", "```"])])
        let imported = try JupyterImport.markdown(fromJSON: json)
        #expect(imported.markdown == "````ntk\n# a line that looks like a fence:\n```\n````\n")
        #expect(
            try Notebook.parse(imported.markdown, path: "nb.md").cells.map(\.code) == [
                "# a line that looks like a fence:\n```"
            ])
    }

    @Test func malformedJSONIsLocated() {
        let bad = "  {\"cell_type\": \"markdown\",, }"
        let f = failure("{\"cells\": [\n" + bad + "\n]}")
        #expect(f?.message.contains("malformed JSON") == true)
        #expect(f?.line == 2)
        // The parser stops at the second comma.
        #expect(f?.column == bad.distance(from: bad.startIndex, to: bad.range(of: ",,")!.lowerBound) + 2)
    }

    @Test(arguments: [
        ("[1, 2]", "the top level is not a JSON object"),
        ("{\"cells\": []}", "no 'nbformat' field"),
        ("{\"nbformat\": 3, \"worksheets\": []}", "nbformat 3 is not supported"),
        ("{\"nbformat\": 4, \"metadata\": {}}", "no 'cells' list"),
        ("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"markdown\", \"source\": 7}]}", "cell 1: 'source' must be"),
        (
            "{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"heading\", \"source\": \"x\"}]}",
            "unknown cell_type 'heading'"
        ),
        ("{\"nbformat\": 4, \"cells\": [3]}", "cell 1 is not an object")
    ])
    func notANotebookIsRefused(_ json: String, _ message: String) {
        let f = failure(json)
        #expect(f?.message.contains(message) == true, "\(String(describing: f))")
        #expect(f?.line == nil)
    }

    @Test func badAttributesNameTheCell() {
        let json = notebook(
            language: "ntk",
            cells: [
                cell("markdown", ["text"]),
                cell("code", ["show 1"], metadata: "{\"tangent\": {\"info\": \"{#a}\"}}"),
                cell("code", ["show 2"], metadata: "{\"tangent\": {\"info\": \"{#a}\"}}")
            ])
        let f = failure(json)
        #expect(f?.message.hasPrefix("cell 3: duplicate block id 'a'") == true, "\(String(describing: f))")
        let bad = notebook(
            language: "ntk", cells: [cell("code", ["show 1"], metadata: "{\"tangent\": {\"info\": \"{seed=x}\"}}")])
        #expect(failure(bad)?.message.hasPrefix("cell 1: block attribute 'seed'") == true)
    }

    @Test func anUnclosedFenceInMarkdownIsCaught() {
        let json = notebook(
            language: "ntk", cells: [cell("markdown", ["```text\n", "never closed"]), cell("code", ["show 1"])])
        #expect(failure(json)?.message.hasPrefix("cell 2 does not come out as an ntk block of its own") == true)
    }
}
