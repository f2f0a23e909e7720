import Foundation
import Language
import LanguageServer
import TangentSupport
import TestSupport
import Testing

/// Hover, completion, definition, references, symbols and incremental sync, spoken as JSON-RPC.
@Suite struct FeatureTests {
    static let uri = "file:///tmp/features.md"
    /// Line numbers below are 0-based, as LSP counts.
    static let text = """
        # Features θ

        ```ntk {#data}
        X = randn(4, 2, seed: 1)
        def scale(v, factor: 2):
            return v * factor
        ```

        Prose between the blocks.

        ```ntk {#use}
        K = scale(X, factor: 3)
        show norm(K)
        ```
        """

    private func client() -> TestClient {
        let client = TestClient()
        client.initialize()
        client.open(FeatureTests.uri, FeatureTests.text)
        #expect(client.diagnostics(FeatureTests.uri) == [])
        return client
    }

    private func result(_ client: TestClient, _ method: String, _ line: Int, _ character: Int) throws -> JSON {
        let response = try #require(client.request(method, TestClient.at(FeatureTests.uri, line, character)))
        return try #require(response["result"])
    }

    @Test func hoverShowsABuiltinsSignatureAndSummaryAndWhereANameIsBound() throws {
        let client = client()
        // `norm` on line 12.
        let builtin = try result(client, "textDocument/hover", 12, 6)
        let text = try #require(builtin["contents"]?["value"]?.stringValue)
        let row = try #require(BuiltinCatalog.entries.first { $0.signature.hasPrefix("norm(") })
        #expect(text.contains(row.signature) && text.contains(row.summary))
        #expect(builtin["range"]?.rangeNumbers == [12, 5, 12, 9])
        // `X` on line 11, bound in block data on file line 4.
        let name = try #require(try result(client, "textDocument/hover", 11, 10)["contents"]?["value"]?.stringValue)
        #expect(name.contains("block `data`, line 4"))
        let function = try #require(try result(client, "textDocument/hover", 11, 5)["contents"]?["value"]?.stringValue)
        #expect(function.contains("def scale(v, factor: 2)"))
        // A keyword argument: the signature of what it is passed to.
        let keyword = try #require(try result(client, "textDocument/hover", 11, 15)["contents"]?["value"]?.stringValue)
        #expect(keyword.contains("`factor`") && keyword.contains("def scale(v, factor: 2)"))
        let seed = try result(client, "textDocument/hover", 3, 17)
        let randn = try #require(BuiltinCatalog.entries.first { $0.signature.hasPrefix("randn(") })
        #expect(seed["contents"]?["value"]?.stringValue?.contains(randn.signature) == true)
        #expect(seed["range"]?.rangeNumbers == [3, 16, 3, 20])
        // Prose: nothing.
        #expect(try result(client, "textDocument/hover", 8, 3) == .null)
    }

    @Test func definitionAndReferencesCrossBlocks() throws {
        let client = client()
        let definition = try result(client, "textDocument/definition", 11, 10)
        #expect(definition["uri"] == .string(FeatureTests.uri))
        #expect(definition["range"]?.rangeNumbers == [3, 0, 3, 1])
        let function = try result(client, "textDocument/definition", 11, 6)
        #expect(function["range"]?.rangeNumbers == [4, 4, 4, 9])
        // The parameter `v` inside the function.
        let parameter = try result(client, "textDocument/definition", 5, 11)
        #expect(parameter["range"]?.rangeNumbers == [4, 10, 4, 11])
        let references = try #require(try result(client, "textDocument/references", 3, 0).arrayValue)
        #expect(references.compactMap { $0["range"]?.rangeNumbers } == [[3, 0, 3, 1], [11, 10, 11, 11]])
        let withoutDeclaration = try #require(
            client.request(
                "textDocument/references",
                .object([
                    ("textDocument", .object([("uri", .string(FeatureTests.uri))])),
                    ("position", TestClient.position(3, 0)),
                    ("context", .object([("includeDeclaration", .bool(false))]))
                ])))
        #expect(withoutDeclaration["result"]?.arrayValue?.count == 1)
    }

    @Test func symbolsListBlocksByIdWithTheirFunctions() throws {
        let client = client()
        let response = try #require(
            client.request(
                "textDocument/documentSymbol",
                .object([("textDocument", .object([("uri", .string(FeatureTests.uri))]))])))
        let symbols = try #require(response["result"]?.arrayValue)
        #expect(symbols.compactMap { $0["name"]?.stringValue } == ["data", "use"])
        let children = symbols[0]["children"]?.arrayValue ?? []
        #expect(children.compactMap { $0["name"]?.stringValue } == ["scale", "X"])
        #expect(children.first?["kind"]?.int == 12)
        #expect(symbols[0]["range"]?.rangeNumbers.first == 2)
    }

    @Test func completionOffersKeywordsOfTheCallBeingTypedAndEarlierNames() throws {
        let client = client()
        // Type `Z = randn(3, 2, s` at the end of block `use`: the block no longer parses.
        client.notify(
            "textDocument/didChange",
            .object([
                ("textDocument", .object([("uri", .string(FeatureTests.uri)), ("version", .number(2))])),
                (
                    "contentChanges",
                    .array([
                        .object([
                            (
                                "range",
                                .object([("start", TestClient.position(12, 12)), ("end", TestClient.position(12, 12))])
                            ),
                            ("text", .string("\nZ = randn(3, 2, s"))
                        ])
                    ])
                )
            ]))
        let items = try #require(try result(client, "textDocument/completion", 13, 17)["items"]?.arrayValue)
        let labels = items.compactMap { $0["label"]?.stringValue }
        #expect(labels.first == "seed:")
        #expect(labels.contains("sqrt") && labels.contains("sum"))
        #expect(!labels.contains("X"))  // filtered by the prefix `s`
        #expect(labels.contains("scale"))  // a `def` of an earlier block
        // At the start of an empty line: names bound earlier (in earlier blocks and this one).
        let all = try #require(try result(client, "textDocument/completion", 12, 0)["items"]?.arrayValue)
        let names = Set(all.compactMap { $0["label"]?.stringValue })
        #expect(names.isSuperset(of: ["X", "K", "scale", "randn", "Dense", "pi", "for"]))
        #expect(!names.contains("Z"))  // bound below the cursor
        // Keyword arguments of a `def` (its positional parameters take no keyword).
        client.notify(
            "textDocument/didChange",
            .object([
                ("textDocument", .object([("uri", .string(FeatureTests.uri)), ("version", .number(3))])),
                (
                    "contentChanges",
                    .array([
                        .object([
                            (
                                "range",
                                .object([("start", TestClient.position(13, 0)), ("end", TestClient.position(13, 17))])
                            ),
                            ("text", .string("W = scale(X, "))
                        ])
                    ])
                )
            ]))
        let keywords = try #require(try result(client, "textDocument/completion", 13, 13)["items"]?.arrayValue)
        let keywordLabels = keywords.compactMap { $0["label"]?.stringValue }
        #expect(keywordLabels.first == "factor:" && !keywordLabels.contains("v:"))
        // In prose and in comments: nothing.
        #expect(try result(client, "textDocument/completion", 8, 4)["items"] == .array([]))
    }

    @Test func incrementalEditsCountUTF16UnitsAfterNonASCIICharacters() throws {
        let uri = "file:///tmp/utf16.md"
        let client = TestClient()
        client.initialize()
        // `𝒩` is 2 UTF-16 units, `θ` 1: `nme` starts at character 14 of line 2.
        client.open(uri, "```ntk\nθ = 1\nshow [θ, \"𝒩\", nme]\n```\n")
        let before = try #require(client.diagnostics(uri))
        #expect(before.first?["range"]?.rangeNumbers == [2, 15, 2, 18])
        // Replace `nme` by `θ` through its UTF-16 range: the error is gone.
        client.notify(
            "textDocument/didChange",
            .object([
                ("textDocument", .object([("uri", .string(uri)), ("version", .number(2))])),
                (
                    "contentChanges",
                    .array([
                        .object([
                            (
                                "range",
                                .object([("start", TestClient.position(2, 15)), ("end", TestClient.position(2, 18))])
                            ),
                            ("text", .string("θ"))
                        ])
                    ])
                )
            ]))
        #expect(client.diagnostics(uri) == [])
        // Insert a misspelt name after `𝒩"` (character 13): it is found exactly there.
        client.notify(
            "textDocument/didChange",
            .object([
                ("textDocument", .object([("uri", .string(uri)), ("version", .number(3))])),
                (
                    "contentChanges",
                    .array([
                        .object([
                            (
                                "range",
                                .object([("start", TestClient.position(2, 13)), ("end", TestClient.position(2, 13))])
                            ),
                            ("text", .string(", nrom(θ)"))
                        ])
                    ])
                )
            ]))
        let after = try #require(client.diagnostics(uri))
        #expect(after.first?["message"]?.stringValue == "unknown function 'nrom' (did you mean 'norm'?)")
        #expect(after.first?["range"]?.rangeNumbers == [2, 15, 2, 19])
        // A full replacement (no range) works too.
        client.notify(
            "textDocument/didChange",
            .object([
                ("textDocument", .object([("uri", .string(uri)), ("version", .number(4))])),
                ("contentChanges", .array([.object([("text", .string("```ntk\nshow 1\n```\n"))])]))
            ]))
        #expect(client.diagnostics(uri) == [])
    }

    @Test func runBlockRunsTheNotebookThroughTheBlockAndReportsItsOutput() throws {
        let folder = try TemporaryFolder("lsp-run")
        defer { folder.remove() }
        let path = folder.path("nb.md")
        let text =
            "```ntk {#one}\nx = 2\nprint(f\"x is {x}\")\nM = eye(3)\n```\n\n```ntk {#two}\nprint(x * 21)\n```\n\n"
            + "```ntk {#three}\nprint(\"never\")\n```\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let uri = "file://" + path
        let client = TestClient()
        client.initialize()
        client.open(uri, text)
        _ = client.take()
        let lenses = try #require(
            client.request("textDocument/codeLens", .object([("textDocument", .object([("uri", .string(uri))]))])))
        let commands = lenses["result"]?.arrayValue?.compactMap { $0["command"] } ?? []
        #expect(commands.count == 3)
        #expect(commands[1]["arguments"] == .array([.string(uri), .string("two")]))
        #expect(lenses["result"]?.arrayValue?[1]["range"]?.rangeNumbers == [6, 0, 6, 0])
        // Before a run, hover knows where a name is bound but not what it holds.
        let before = try #require(client.request("textDocument/hover", TestClient.at(uri, 3, 0)))
        #expect(before["result"]?["contents"]?["value"]?.stringValue?.contains("Last run") == false)
        let response = try #require(
            client.request(
                "workspace/executeCommand",
                .object([("command", .string("tangent.runBlock")), ("arguments", commands[1]["arguments"] ?? .null)])))
        let output = try #require(response["result"]?["output"]?.stringValue)
        #expect(output.contains("x is 2") && output.contains("42"))
        #expect(!output.contains("never"))
        #expect(response["result"]?["failed"] == .bool(false))
        let shown = client.take().filter { $0["method"] == .string("window/showMessage") }
        #expect(shown.first?["params"]?["message"]?.stringValue == output)
        // After it, what the cache knows of the names the blocks bound.
        let matrix = try #require(client.request("textDocument/hover", TestClient.at(uri, 3, 0)))
        #expect(matrix["result"]?["contents"]?["value"]?.stringValue?.contains("Last run: a 3×3 matrix.") == true)
        let number = try #require(client.request("textDocument/hover", TestClient.at(uri, 7, 6)))
        #expect(number["result"]?["contents"]?["value"]?.stringValue?.contains("Last run: a number.") == true)
        // A second run restores the first block from the cache.
        let again = try #require(
            client.request(
                "workspace/executeCommand",
                .object([("command", .string("tangent.runBlock")), ("arguments", commands[1]["arguments"] ?? .null)])))
        #expect(again["result"]?["output"]?.stringValue?.contains("[one] line 1 (cached)") == true)
        // An unknown block is an error answer.
        let unknown = try #require(
            client.request(
                "workspace/executeCommand",
                .object([
                    ("command", .string("tangent.runBlock")), ("arguments", .array([.string(uri), .string("nope")]))
                ])))
        #expect(unknown["error"]?["code"]?.int == -32602)
    }
}
