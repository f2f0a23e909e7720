import Foundation
import LanguageServer
import TangentSupport
import TestSupport
import Testing

/// `tangent lsp` as editors start it: the built binary, framed JSON-RPC on its standard input
/// and output.
@Suite(.enabled(if: TangentBinary.exists, "needs .build/debug/tangent (swift build)"))
struct ChildProcessTests {
    private func frame(_ message: JSON) -> Data {
        let body = message.serialized(pretty: false)
        return Data("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    private func request(_ id: Int, _ method: String, _ params: JSON = .null) -> Data {
        frame(
            .object([
                ("jsonrpc", .string("2.0")), ("id", .number(Double(id))), ("method", .string(method)),
                ("params", params)
            ]))
    }

    private func notification(_ method: String, _ params: JSON = .null) -> Data {
        frame(RPCMessage.notification(method, params))
    }

    /// Runs `tangent lsp` on `input`; its exit status and the messages it wrote.
    private func serve(_ input: Data, in folder: TemporaryFolder) throws -> (status: Int32, messages: [JSON]) {
        let inURL = folder.url("in.bin")
        let outURL = folder.url("out.bin")
        try input.write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let process = Process()
        process.executableURL = TangentBinary.url
        process.arguments = ["lsp"]
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        var reader = MessageReader()
        reader.feed(Array(try Data(contentsOf: outURL)))
        var messages: [JSON] = []
        while let item = reader.next() {
            if case .success(let body) = item, let json = JSON.parse(String(decoding: body, as: UTF8.self)) {
                messages.append(json)
            }
        }
        return (process.terminationStatus, messages)
    }

    @Test func aSessionThroughTheBinaryEndsWithStatusZero() throws {
        let folder = try TemporaryFolder("lsp-child")
        defer { folder.remove() }
        let uri = "file://" + folder.path("nb.md")
        let text = "# 𝒩\n\n```ntk\nθ = 1\nshow nrom(θ)\n```\n"
        var input = Data()
        input += request(1, "initialize", .object([("capabilities", .object([]))]))
        input += notification("initialized", .object([]))
        input += Data("Content-Length: 12\r\n\r\n{not json!!}".utf8)  // answered, not fatal
        input += Data("Content-Type: nothing\r\n\r\n".utf8)  // a header without a length: skipped
        input += notification(
            "textDocument/didOpen",
            .object([
                (
                    "textDocument",
                    .object([
                        ("uri", .string(uri)), ("languageId", .string("markdown")), ("version", .number(1)),
                        ("text", .string(text))
                    ])
                )
            ]))
        input += request(2, "textDocument/hover", TestClient.at(uri, 4, 10))  // θ
        input += request(3, "no/such/method")
        input += request(4, "shutdown")
        input += notification("exit")
        let (status, messages) = try serve(input, in: folder)
        #expect(status == 0)
        #expect(messages.first { $0["id"]?.int == 1 }?["result"]?["capabilities"] != nil)
        #expect(messages.contains { $0["error"]?["code"]?.int == -32700 })
        #expect(messages.contains { $0["method"] == .string("window/logMessage") })
        let diagnostics = messages.first { $0["method"] == .string("textDocument/publishDiagnostics") }
        let first = try #require(diagnostics?["params"]?["diagnostics"]?.arrayValue?.first)
        #expect(first["message"]?.stringValue == "unknown function 'nrom' (did you mean 'norm'?)")
        #expect(first["range"]?.rangeNumbers == [4, 5, 4, 9])
        #expect(messages.first { $0["id"]?.int == 2 }?["result"]?["contents"] != nil)
        #expect(messages.first { $0["id"]?.int == 3 }?["error"]?["code"]?.int == -32601)
        #expect(messages.first { $0["id"]?.int == 4 }?["result"] == .null)
    }

    @Test func exitWithoutShutdownAndTheEndOfInputAreStatusOne() throws {
        let folder = try TemporaryFolder("lsp-child")
        defer { folder.remove() }
        let abrupt = try serve(request(1, "initialize", .object([])) + notification("exit"), in: folder)
        #expect(abrupt.status == 1)
        let ended = try serve(request(1, "initialize", .object([])), in: folder)
        #expect(ended.status == 1)
        #expect(ended.messages.count == 1)
        let garbage = try serve(Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }), in: folder)
        #expect(garbage.status == 1)
    }

    @Test func theVerbTakesNoOperand() throws {
        let folder = try TemporaryFolder("lsp-child")
        defer { folder.remove() }
        let result = try TangentBinary.run(["lsp", "notebook.md"], scratch: folder)
        #expect(result.status == 2)
        #expect(result.err.contains("'tangent lsp' takes no PATH"))
        let help = try TangentBinary.run(["lsp", "--help"], scratch: folder)
        #expect(help.status == 0 && help.out.contains("Language Server Protocol"))
    }
}
