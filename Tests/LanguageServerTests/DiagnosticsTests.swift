import Foundation
import Language
import LanguageServer
import Notebook
import TangentSupport
import TestSupport
import Testing

/// The server's diagnostics are the command line's: the same messages at the same places, found
/// without running anything (here the run is done, in-process with `Runner`, to compare).
@Suite struct DiagnosticsTests {
    /// Every block but the first fails in its own way; none depends on a failed one.
    static let notebook = """
        ---
        title: Diagnostics θ
        ---

        # The kernel of 𝒩 (prose is left alone: nrom, Xx)

        ```ntk {#data}
        X = randn(4, 2, seed: 1)
        θ = 0.5
        ```

        ```ntk {#def}
        def scale(v, factor: 2):
            return v * factor
        ```

        ```ntk {#function}
        K = X @ X.T
        show nrom(K)
        ```

        ```ntk {#name}
        show [θ, "𝒩", Xx]
        ```

        ```ntk {#keyword}
        Y = randn(3, 2, sed: 1)
        ```

        ```ntk {#count}
        Z = eye(2, 3)
        ```

        ```ntk {#missing}
        Z = linspace(0, 1)
        ```

        ```ntk {#defkeyword}
        show scale(X, factr: 3)
        ```

        ```ntk {#defcount}
        show scale(X, X)
        ```

        ```ntk {#syntax}
        w = (1 +
        ```

        ```ntk {#fine}
        for i in range(3):
            if i > 0:
                show prev
            prev = i
        show [x * θ for x in [1, 2]]
        ```

        ```ntk {#must expect=error}
        show undefined_here
        ```

        ```ntk {#later skip=true}
        q = 1
        ```

        ```ntk {#afterskip}
        show q
        ```
        """

    /// What `tangent run` reports: each failed block's error.
    static func runtimeErrors(_ text: String) throws -> [Diagnostic] {
        let folder = try TemporaryFolder("lsp-diagnostics")
        defer { folder.remove() }
        let url = folder.url("nb.md")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let notebook = try Notebook.parse(text, path: url.path)
        let result = Runner(notebookURL: url).run(notebook)
        return result.blocks.compactMap { $0.status == .failed ? $0.error : nil }
    }

    /// An LSP position computed from the text: UTF-16 units before a 1-based character column.
    static func lsp(_ text: String, _ location: Language.SourceLocation) -> [Int] {
        let line = text.physicalLines[location.line - 1]
        return [location.line - 1, String(line.prefix(location.column - 1)).utf16.count]
    }

    @Test func theServerReportsWhatARunReportsWhereItReportsIt() throws {
        let text = DiagnosticsTests.notebook
        let expected = try DiagnosticsTests.runtimeErrors(text)
        // Each block meant to fail did, and no other: the comparison is not vacuous.
        #expect(expected.count == 8)
        let client = TestClient()
        client.initialize()
        client.open("file:///tmp/nb.md", text)
        let got = try #require(client.diagnostics("file:///tmp/nb.md"))
        #expect(got.count == expected.count)
        for (d, e) in zip(got, expected) {
            #expect(d["message"]?.stringValue == e.message)
            let range = try #require(d["range"]).rangeNumbers
            #expect(Array(range.prefix(2)) == DiagnosticsTests.lsp(text, e.range.start), "\(e.message)")
            if e.range.end.line == e.range.start.line, e.range.end.column > e.range.start.column {
                #expect(Array(range.suffix(2)) == DiagnosticsTests.lsp(text, e.range.end), "\(e.message)")
            }
        }
        // The messages say what the command line says, "did you mean" included.
        let messages = got.compactMap { $0["message"]?.stringValue }
        #expect(messages.contains("unknown function 'nrom' (did you mean 'norm'?)"))
        #expect(messages.contains("unknown name 'Xx'"))
        #expect(messages.contains { $0.hasPrefix("randn() has no argument 'sed' (did you mean 'seed'?)") })
        #expect(messages.contains { $0.hasPrefix("scale() has no parameter 'factr' (did you mean 'factor'?)") })
        // A name bound by a skipped block is no error: a run skips the blocks that read it.
        #expect(!messages.contains { $0.contains("'q'") })
    }

    @Test func theColumnAfterAWideCharacterCountsUTF16Units() throws {
        let text = "```ntk\n𝒩 = 1\nshow [𝒩, θθ]\n```\n"
        let client = TestClient()
        client.initialize()
        client.open("file:///u.md", text)
        let got = try #require(client.diagnostics("file:///u.md"))
        #expect(got.count == 1)
        // `show [𝒩, ` is 9 characters but 10 UTF-16 units (𝒩 is a surrogate pair).
        #expect(try #require(got.first?["range"]).rangeNumbers == [2, 10, 2, 12])
    }

    @Test func blockAttributesAndFrontMatterAreCheckedAsTheCommandLineChecksThem() throws {
        let cases = [
            "```ntk {#a sede=1}\nx = 1\n```\n",
            "---\nsede: 3\n---\n\n```ntk\nx = 1\n```\n",
            "---\nseed: minus one\n---\n",
            "```ntk {#a}\nx = 1\n```\n\n```ntk {#a}\ny = 2\n```\n"
        ]
        for text in cases {
            var expected: Diagnostic?
            do throws(Diagnostic) { _ = try Notebook.parse(text, path: "nb.md") } catch { expected = error }
            let e = try #require(expected, "\(text) parses")
            let client = TestClient()
            client.initialize()
            client.open("file:///nb.md", text)
            let got = try #require(client.diagnostics("file:///nb.md"))
            #expect(got.count == 1)
            #expect(got.first?["message"]?.stringValue == e.message)
            let range = try #require(got.first?["range"]).rangeNumbers
            #expect(Array(range.prefix(2)) == DiagnosticsTests.lsp(text, e.range.start))
        }
    }

    @Test func blocksKeptFromTheLastAnalysisGiveWhatAFreshOneGives() throws {
        let uri = "file:///tmp/nb.md"
        let client = TestClient()
        client.initialize()
        client.open(uri, DiagnosticsTests.notebook)
        _ = client.take()
        var document = TextDocument(uri: uri, version: 1, text: DiagnosticsTests.notebook)
        // A character typed in block `function` (no line moves), then a line inserted above it
        // (every block below moves down), then `Xx` fixed.
        let edits: [(LSPPosition, LSPPosition, String)] = [
            (LSPPosition(line: 17, character: 11), LSPPosition(line: 17, character: 11), " "),
            (LSPPosition(line: 5, character: 0), LSPPosition(line: 5, character: 0), "More prose.\n"),
            (LSPPosition(line: 23, character: 15), LSPPosition(line: 23, character: 17), "X")
        ]
        for (k, (start, end, text)) in edits.enumerated() {
            document.replace(from: start, to: end, with: text)
            client.notify(
                "textDocument/didChange",
                .object([
                    ("textDocument", .object([("uri", .string(uri)), ("version", .number(Double(k + 2)))])),
                    (
                        "contentChanges",
                        .array([
                            .object([
                                ("range", .object([("start", start.testJSON), ("end", end.testJSON)])),
                                ("text", .string(text))
                            ])
                        ])
                    )
                ]))
            let got = try #require(client.diagnostics(uri))
            let fresh = NotebookAnalysis(text: document.text, path: "/tmp/nb.md").diagnostics
            #expect(got.compactMap { $0["message"]?.stringValue } == fresh.map(\.message))
            #expect(
                got.compactMap { $0["range"]?.rangeNumbers }
                    == fresh.map { d in
                        let r = document.range(of: d.range)
                        return [r.start.line, r.start.character, r.end.line, r.end.character]
                    })
        }
        #expect(document.text.contains("show [θ, \"𝒩\", X]"))
    }

    @Test func aThousandLineNotebookIsAnalysedQuickly() throws {
        // 100 blocks of 8 lines of code, prose between: about 1000 lines (the figure is printed;
        // tests never assert on time).
        var text = "---\ntitle: big\n---\n\n"
        for k in 0..<100 {
            text += "Some prose about block \(k), θ and 𝒩.\n\n```ntk {#b\(k)}\n"
            text += "X\(k) = randn(20, 3, seed: \(k))\n"
            text += "K\(k) = X\(k) @ X\(k).T / 3\n"
            text += "def f\(k)(a, scale: 2):\n    return a * scale\n"
            text += "v\(k) = f\(k)(K\(k), scale: 3)\n"
            text += "show norm(v\(k)), \"norm\"\n"
            text += "expect min(eigvalsh(K\(k))) > -1e-9\n"
            text += "show nrom(X\(k))\n```\n\n"
        }
        let lines = text.physicalLines.count
        #expect(lines >= 1000)
        let client = TestClient()
        client.initialize()
        client.open("file:///big.md", text)
        #expect(client.diagnostics("file:///big.md")?.count == 100)
        // An edit: one character in the middle, answered with fresh diagnostics.
        let start = ContinuousClock.now
        let rounds = 5
        for r in 0..<rounds {
            client.notify(
                "textDocument/didChange",
                .object([
                    (
                        "textDocument",
                        .object([("uri", .string("file:///big.md")), ("version", .number(Double(r + 2)))])
                    ),
                    (
                        "contentChanges",
                        .array([
                            .object([
                                (
                                    "range",
                                    .object([
                                        ("start", TestClient.position(500, 0)), ("end", TestClient.position(500, 0))
                                    ])
                                ),
                                ("text", .string(" "))
                            ])
                        ])
                    )
                ]))
            #expect(client.diagnostics("file:///big.md") != nil)
        }
        let each = (ContinuousClock.now - start) / rounds
        let analysisStart = ContinuousClock.now
        for _ in 0..<rounds { _ = NotebookAnalysis(text: text, path: "big.md") }
        let analysis = (ContinuousClock.now - analysisStart) / rounds
        let parseStart = ContinuousClock.now
        for _ in 0..<rounds { _ = try Notebook.parse(text, path: "big.md") }
        let parse = (ContinuousClock.now - parseStart) / rounds
        print(
            "lsp: a \(lines)-line notebook: edit to diagnostics \(each), of which analysis \(analysis) "
                + "(Notebook.parse \(parse))")
    }
}

/// The tutorials run clean (`tangent check notebooks` in CI): the server must find nothing in them.
@Suite struct TutorialDiagnosticsTests {
    @Test func theTutorialsHaveNoDiagnostics() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("notebooks")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
        #expect(files.count > 3)
        for name in files.sorted() {
            let path = folder.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let analysis = NotebookAnalysis(text: text, path: path)
            #expect(analysis.notebook != nil, "\(name)")
            #expect(!analysis.blocks.isEmpty, "\(name)")
            #expect(analysis.diagnostics.map { "\($0.range.start): \($0.message)" } == [], "\(name)")
        }
    }
}
