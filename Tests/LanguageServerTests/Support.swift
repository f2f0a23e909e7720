import Foundation
import LanguageServer
import Synchronization
import TangentSupport

/// An in-process client: frames nothing, hands message bodies to a `LanguageServer` and keeps
/// what it sends back.
final class TestClient {
    let server: LanguageServer
    private let inbox: Inbox
    private var nextID = 1

    final class Inbox: Sendable {
        let messages = Mutex<[JSON]>([])
    }

    init() {
        let inbox = Inbox()
        self.inbox = inbox
        server = LanguageServer(send: { message in inbox.messages.withLock { $0.append(message) } })
    }

    /// Everything the server sent so far, then forgets it.
    func take() -> [JSON] {
        inbox.messages.withLock { m in
            defer { m = [] }
            return m
        }
    }

    func sendRaw(_ text: String) { server.receive(Array(text.utf8)) }

    func notify(_ method: String, _ params: JSON = .null) {
        sendRaw(RPCMessage.notification(method, params).serialized(pretty: false))
    }

    /// Sends a request and returns the response to it (the other messages stay in the inbox).
    @discardableResult
    func request(_ method: String, _ params: JSON = .null) -> JSON? {
        let id = nextID
        nextID += 1
        let body = JSON.object([
            ("jsonrpc", .string("2.0")), ("id", .number(Double(id))), ("method", .string(method)), ("params", params)
        ])
        sendRaw(body.serialized(pretty: false))
        server.waitForRuns()
        return inbox.messages.withLock { m in
            guard let k = m.firstIndex(where: { $0["id"] == .number(Double(id)) && $0["method"] == nil }) else {
                return nil
            }
            return m.remove(at: k)
        }
    }

    func initialize() {
        _ = request("initialize", .object([("capabilities", .object([]))]))
        notify("initialized", .object([]))
    }

    func open(_ uri: String, _ text: String, version: Int = 1) {
        notify(
            "textDocument/didOpen",
            .object([
                (
                    "textDocument",
                    .object([
                        ("uri", .string(uri)), ("languageId", .string("markdown")),
                        ("version", .number(Double(version))),
                        ("text", .string(text))
                    ])
                )
            ]))
    }

    /// The diagnostics of the last `publishDiagnostics` for `uri` in the inbox (taken out).
    func diagnostics(_ uri: String) -> [JSON]? {
        let published = take().filter {
            $0["method"] == .string("textDocument/publishDiagnostics") && $0["params"]?["uri"] == .string(uri)
        }
        return published.last?["params"]?["diagnostics"]?.arrayValue
    }

    static func position(_ line: Int, _ character: Int) -> JSON {
        .object([("line", .number(Double(line))), ("character", .number(Double(character)))])
    }

    static func at(_ uri: String, _ line: Int, _ character: Int) -> JSON {
        .object([("textDocument", .object([("uri", .string(uri))])), ("position", position(line, character))])
    }
}

extension JSON {
    var int: Int? { if case .number(let v) = self { return Int(exactly: v) } else { return nil } }

    /// `[startLine, startCharacter, endLine, endCharacter]` of a range.
    var rangeNumbers: [Int] {
        [self["start"]?["line"], self["start"]?["character"], self["end"]?["line"], self["end"]?["character"]]
            .map { $0?.int ?? -1 }
    }
}

extension LSPPosition {
    var testJSON: JSON { TestClient.position(line, character) }
}
