import LanguageServer
import TangentSupport
import Testing

@Suite struct ProtocolTests {
    @Test func initializeAnnouncesWhatTheServerDoes() throws {
        let client = TestClient()
        let response = try #require(client.request("initialize", .object([("capabilities", .object([]))])))
        let capabilities = try #require(response["result"]?["capabilities"])
        #expect(capabilities["textDocumentSync"]?["change"]?.int == 2)
        #expect(capabilities["hoverProvider"] == .bool(true))
        #expect(capabilities["definitionProvider"] == .bool(true))
        #expect(capabilities["referencesProvider"] == .bool(true))
        #expect(capabilities["documentSymbolProvider"] == .bool(true))
        #expect(capabilities["completionProvider"] != nil)
        #expect(capabilities["executeCommandProvider"]?["commands"] == .array([.string("tangent.runBlock")]))
        #expect(response["result"]?["serverInfo"]?["name"] == .string("tangent"))
    }

    @Test func requestsBeforeInitializeAreRefusedAndNotificationsDropped() throws {
        let client = TestClient()
        let hover = try #require(client.request("textDocument/hover", TestClient.at("file:///a.md", 0, 0)))
        #expect(hover["error"]?["code"]?.int == -32002)
        client.open("file:///a.md", "```ntk\nshow nope\n```\n")
        #expect(client.diagnostics("file:///a.md") == nil)
        client.initialize()
        client.open("file:///a.md", "```ntk\nshow nope\n```\n")
        #expect(client.diagnostics("file:///a.md")?.count == 1)
    }

    @Test func unknownMethodsAndMalformedMessagesAreAnsweredAndTheSessionGoesOn() throws {
        let client = TestClient()
        client.initialize()
        let unknown = try #require(client.request("textDocument/nonsense", .object([])))
        #expect(unknown["error"]?["code"]?.int == -32601)
        client.sendRaw(#"{"jsonrpc":"2.0","id":7,"method":"#)
        client.sendRaw("[1, 2]")
        client.sendRaw(#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#)
        client.sendRaw(#"{"jsonrpc":"2.0","id":8,"method":42}"#)
        let errors = client.take().compactMap { $0["error"]?["code"]?.int }
        #expect(errors == [-32700, -32600, -32600, -32600])
        // Requests with missing or malformed params are errors, not crashes.
        let hover = try #require(client.request("textDocument/hover", .object([("textDocument", .string("x"))])))
        #expect(hover["error"]?["code"]?.int == -32602)
        let badPosition = try #require(
            client.request(
                "textDocument/hover",
                .object([
                    ("textDocument", .object([("uri", .string("file:///a.md"))])),
                    ("position", .object([("line", .number(-3)), ("character", .number(1.5))]))
                ])))
        #expect(badPosition["error"]?["code"]?.int == -32602)
        // A notification with nonsense params is ignored.
        client.notify("textDocument/didChange", .object([("textDocument", .number(3))]))
        client.open("file:///a.md", "```ntk\nx = 1\n```\n")
        let symbols = try #require(
            client.request(
                "textDocument/documentSymbol", .object([("textDocument", .object([("uri", .string("file:///a.md"))]))]))
        )
        #expect(symbols["result"]?.arrayValue?.count == 1)
    }

    @Test func shutdownThenExitIsZeroAndExitAloneIsOne() throws {
        let polite = TestClient()
        polite.initialize()
        let shutdown = try #require(polite.request("shutdown"))
        #expect(shutdown["result"] == .null)
        #expect(polite.server.exitCode == nil)
        // After shutdown every request is refused.
        let late = try #require(polite.request("textDocument/hover", TestClient.at("file:///a.md", 0, 0)))
        #expect(late["error"]?["code"]?.int == -32600)
        polite.notify("exit")
        #expect(polite.server.exitCode == 0)

        let abrupt = TestClient()
        abrupt.initialize()
        abrupt.notify("exit")
        #expect(abrupt.server.exitCode == 1)
        let ended = TestClient()
        ended.initialize()
        #expect(ended.server.endOfInputStatus == 1)
    }

    @Test func nonNotebookMarkdownAndHugeDocumentsAreHarmless() throws {
        let client = TestClient()
        client.initialize()
        client.open("file:///prose.md", "# Title\n\nSome *prose* with `code` and\n\n```python\nprint(nope)\n```\n")
        #expect(client.diagnostics("file:///prose.md") == [])
        let big = String(repeating: "word ", count: LanguageServer.maxAnalysedBytes / 5 + 10)
        client.open("file:///big.md", big)
        let diagnostics = try #require(client.diagnostics("file:///big.md"))
        #expect(diagnostics.count == 1 && diagnostics[0]["severity"]?.int == 2)
        let hover = try #require(client.request("textDocument/hover", TestClient.at("file:///big.md", 0, 2)))
        #expect(hover["result"] == .null)
    }
}
