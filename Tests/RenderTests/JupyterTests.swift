import Foundation
import Language
import NTKCore
import TangentSupport
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// Notebooks on disk for the Jupyter tests: the tutorials, and a small notebook updated in a
/// temporary folder so that it has a region of every kind and a figure file.
enum JupyterFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let notebooks = root.appendingPathComponent("notebooks")

    static let tutorials: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: notebooks.path)) ?? [])
        .filter { $0.hasSuffix(".md") }.sorted()

    /// Every output kind, a nested block (stays prose), a tilde fence around ``` text.
    static let everything = """
        ---
        title: Every output
        seed: 2
        ---

        # Every kind of output

        Prose with $x$ and a [link](https://example.org).

        ```ntk {#all seed=3}
        print("hello", 2)
        show 1.5
        show [[1, 0.5], [0.5, 2]], "K"
        show eye(20), "big"
        show "text value"
        plot(linspace(0, 1, 5), linspace(0, 1, 5) ^ 2, title: "parabola")
        ```
        ```ntk {#boom expect=error}
        x = [[1, 2]] @ [[1, 2]]
        ```


        - a list item with a block inside

          ```ntk {#inner}
          show 2
          ```

        ~~~~ntk {#tilde}
        print("```")
        ~~~~

        The end.

        """

    /// A notebook file updated as `tangent update` does (regions and figure files), in `dir`.
    static func updated(_ text: String, in dir: URL, name: String = "nb.md") throws -> (Notebook, NotebookResult) {
        let url = dir.appendingPathComponent(name)
        let notebook = try Notebook.parse(text, path: name)
        let result = Runner(notebookURL: url, useCache: false).run(notebook)
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for b in result.blocks {
            updates[b.cell.id] =
                b.status == .ran ? .write(b.outputs, expectedError: b.failedAsExpected ? b.error : nil) : .keep
        }
        let (newText, files) = try MarkdownWriter.update(notebook, updates, force: false, figures: .beside(name))
        for (path, svg) in files { try write(svg, to: dir.appendingPathComponent(path)) }
        try write(newText, to: url)
        return (try Notebook.parse(newText, path: name), result)
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static func export(_ notebook: Notebook, folder: URL, name: String) throws -> JupyterExport.Exported {
        try JupyterExport.export(notebook, figures: .beside(name)) { path in
            try? String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
        }
    }

    /// The notebook's text with every region taken out, as `MarkdownWriter` removes them.
    static func withoutRegions(_ notebook: Notebook) throws -> String {
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for c in notebook.cells { updates[c.id] = .write([], expectedError: nil) }
        return try MarkdownWriter.update(notebook, updates, force: true)
    }

    /// Export, serialise, import: the Markdown that comes back.
    static func roundTrip(_ notebook: Notebook, folder: URL, name: String) throws -> String {
        let json = try export(notebook, folder: folder, name: name).json.serialized()
        return try JupyterImport.markdown(fromJSON: json).markdown
    }
}

@Suite struct JupyterExportTests {
    @Test(arguments: JupyterFixture.tutorials)
    func tutorialComesBackWithTheSameProseAndBlocks(_ name: String) throws {
        let text = try String(contentsOf: JupyterFixture.notebooks.appendingPathComponent(name), encoding: .utf8)
        let original = try Notebook.parse(text, path: name)
        let back = try JupyterFixture.roundTrip(original, folder: JupyterFixture.notebooks, name: name)
        #expect(back == (try JupyterFixture.withoutRegions(original)), "the round trip changed more than the regions")
        let imported = try Notebook.parse(back, path: name)
        #expect(imported.cells.map(\.id) == original.cells.map(\.id))
        #expect(imported.cells.map(\.attributes) == original.cells.map(\.attributes))
        #expect(imported.cells.map(\.code) == original.cells.map(\.code))
        #expect(imported.frontMatter.fields == original.frontMatter.fields)
    }

    @Test(arguments: JupyterFixture.tutorials)
    func tutorialOutputsAreTheStoredOnes(_ name: String) throws {
        let text = try String(contentsOf: JupyterFixture.notebooks.appendingPathComponent(name), encoding: .utf8)
        let notebook = try Notebook.parse(text, path: name)
        let exported = try JupyterFixture.export(notebook, folder: JupyterFixture.notebooks, name: name)
        #expect(exported.warnings.isEmpty, "\(exported.warnings)")
        let sites = try notebook.regionSites()
        let codeCells = exported.json["cells"]?.arrayValue?.filter { $0["cell_type"]?.stringValue == "code" } ?? []
        #expect(codeCells.count == notebook.cells.count)
        for (cell, json) in zip(notebook.cells, codeCells) {
            let stored = sites[cell.id]?.region?.storedOutputs ?? []
            let outputs = json["outputs"]?.arrayValue ?? []
            #expect(
                outputs.map { $0["output_type"]?.stringValue }
                    == stored.map { o -> String? in
                        switch o.kind {
                        case .text: "stream"
                        case .value, .figure: "display_data"
                        case .error: "error"
                        }
                    }, "block \(cell.id)")
            for (o, out) in zip(stored, outputs) where o.kind == .figure {
                #expect(out["data"]?["image/svg+xml"] != nil, "block \(cell.id): the figure has no SVG")
            }
        }
    }

    @Test func everyOutputKindIsExported() throws {
        let folder = try TemporaryFolder("jupyter")
        defer { folder.remove() }
        let dir = folder.url("project")
        let (notebook, result) = try JupyterFixture.updated(JupyterFixture.everything, in: dir)
        let exported = try JupyterFixture.export(notebook, folder: dir, name: "nb.md")
        #expect(exported.warnings.isEmpty)
        let json = exported.json
        #expect(json["nbformat"] == .number(4))
        #expect(json["metadata"]?["kernelspec"]?["name"]?.stringValue == "ntk")
        #expect(json["metadata"]?["language_info"]?["name"]?.stringValue == "ntk")
        #expect(
            json["metadata"]?["tangent"]?["front_matter"]?.stringValue
                == notebook.lines[0..<4].map(\.withoutCarriageReturn).joined(separator: "\n"))
        let cells = try #require(json["cells"]?.arrayValue)
        func text(_ j: JSON?) -> String? { j?.arrayValue?.compactMap(\.stringValue).joined() }

        // Prose: the text between blocks; the list with its nested block stays prose (without its region).
        let prose = cells.filter { $0["cell_type"]?.stringValue == "markdown" }.compactMap { text($0["source"]) }
        #expect(prose.first == "# Every kind of output\n\nProse with $x$ and a [link](https://example.org).")
        #expect(
            prose.contains {
                $0.hasPrefix("- a list item") && $0.contains("```ntk {#inner}") && !$0.contains("tangent:")
            })

        let code = cells.filter { $0["cell_type"]?.stringValue == "code" }
        #expect(code.compactMap { $0["id"]?.stringValue } == ["all", "boom", "tilde"])
        #expect(
            code.map { $0["metadata"]?["tangent"]?["info"]?.stringValue } == [
                "{#all seed=3}", "{#boom expect=error}", "{#tilde}"
            ])
        #expect(code[2]["metadata"]?["tangent"]?["fence"]?.stringValue == "~~~~")
        let all = try #require(result.blocks.first { $0.cell.id == "all" })
        #expect(text(code[0]["source"]) == all.cell.code)

        let outputs = try #require(code[0]["outputs"]?.arrayValue)
        try #require(outputs.count == all.outputs.count)
        for (item, out) in zip(all.outputs, outputs) {
            if case .text(let s, _) = item {
                #expect(out["output_type"]?.stringValue == "stream")
                #expect(text(out["text"]) == s + "\n")
            }
            guard case .value(let v, let caption, _) = item else { continue }
            #expect(out["output_type"]?.stringValue == "display_data")
            let plain = (caption.map { $0 + "\n" } ?? "") + ValueFormatter.text(v)
            #expect(text(out["data"]?["text/plain"]) == plain)
            if case .matrix = v { #expect(text(out["data"]?["text/html"])?.contains("<table") == true) }
        }
        // The large matrix: its summary table, then its heatmap (LANGUAGE.md §4).
        let heatmap = try String(contentsOf: dir.appendingPathComponent("nb.figures/all-matrix-1.svg"), encoding: .utf8)
        let big = try #require(text(outputs[3]["data"]?["text/html"]))
        #expect(big.contains("<table") && big.hasSuffix("\n" + heatmap), "\(big.prefix(300))")
        let figure = outputs[5]
        let svg = try String(contentsOf: dir.appendingPathComponent("nb.figures/all-1.svg"), encoding: .utf8)
        #expect(text(figure["data"]?["image/svg+xml"]) == svg)
        #expect(text(figure["data"]?["text/plain"])?.contains("parabola") == true)

        let boom = try #require(result.blocks.first { $0.cell.id == "boom" })
        let error = try #require(code[1]["outputs"]?.arrayValue?.first)
        #expect(error["output_type"]?.stringValue == "error")
        #expect(error["evalue"]?.stringValue == boom.error?.message)
    }

    @Test func aMissingFigureFileIsAWarningAndText() throws {
        let folder = try TemporaryFolder("jupyter")
        defer { folder.remove() }
        let dir = folder.url("project")
        let (notebook, _) = try JupyterFixture.updated(JupyterFixture.everything, in: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("nb.figures"))
        let exported = try JupyterFixture.export(notebook, folder: dir, name: "nb.md")
        // The figure and the large matrix's heatmap: each a warning, each exported as text.
        #expect(exported.warnings.count == 2)
        #expect(exported.warnings.contains { $0.contains("figure 'nb.figures/all-1.svg'") })
        #expect(exported.warnings.contains { $0.contains("heatmap 'nb.figures/all-matrix-1.svg'") })
        let serialized = exported.json.serialized()
        #expect(!serialized.contains("image/svg+xml"))
        #expect(!serialized.contains("<svg"))
        #expect(serialized.contains("figure \\\"parabola\\\""))
    }

    /// Layouts that are not the tutorials' tidy one: each comes back byte for byte.
    @Test(arguments: [
        "",
        "just prose, no newline",
        "\n\n# starts after blank lines\n\n\n\nand has extra ones\n\n\n",
        "---\ntitle: only front matter\n---\n",
        "```ntk\nshow 1\n```",
        "```ntk {#a}\nshow 1\n```\n```ntk {#b}\nprint(2)\n```\n",
        "# CRLF\r\n\r\n```ntk {#c}\r\nshow [[1, 2]]\r\n```\r\n\r\nafter\r\n",
        "````ntk {#fence}\nprint(\"```\")\n````\n\n> ```ntk {#quoted}\n> show 3\n> ```\n\n  ```ntk {#indented}\n  show 4\n  ```\n",
        "```ntk {#empty}\n```\n\n```python\nprint(1)\n```\n",
        "<!-- tangent:begin id=x hash=0 -->\nnot a region: no block before it\n<!-- tangent:end id=x -->\n"
    ])
    func unusualLayoutsComeBackExactly(_ text: String) throws {
        let folder = try TemporaryFolder("jupyter")
        defer { folder.remove() }
        let dir = folder.url("project")
        let (notebook, _) = try JupyterFixture.updated(text, in: dir)
        let back = try JupyterFixture.roundTrip(notebook, folder: dir, name: "nb.md")
        #expect(back == text)
        #expect(back == (try JupyterFixture.withoutRegions(notebook)))
    }

    @Test func updatingTheImportedNotebookGivesBackTheSameFile() throws {
        let folder = try TemporaryFolder("jupyter")
        defer { folder.remove() }
        let first = folder.url("first")
        let second = folder.url("second")
        let (notebook, _) = try JupyterFixture.updated(JupyterFixture.everything, in: first)
        let imported = try JupyterFixture.roundTrip(notebook, folder: first, name: "nb.md")
        let (again, _) = try JupyterFixture.updated(imported, in: second)
        #expect(again.text == notebook.text)
        let svg = "nb.figures/all-1.svg"
        #expect(
            try Data(contentsOf: second.appendingPathComponent(svg))
                == Data(contentsOf: first.appendingPathComponent(svg)))
    }
}
