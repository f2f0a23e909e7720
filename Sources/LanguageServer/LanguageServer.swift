import Foundation
import Language
import Synchronization
import TangentSupport

/// The language server: the LSP lifecycle (`initialize`, `shutdown`, `exit`), the open
/// documents, their analyses and the answers to each request. It is fed one message body at a
/// time and sends what it has to say through `send`; no request, however malformed, ends the
/// session (it is answered with an error), and nothing runs unless `tangent.runBlock` asks.
package final class LanguageServer {
    package typealias Send = @Sendable (JSON) -> Void

    private enum State {
        case uninitialized, running, shutDown
    }

    /// Documents larger than this are not analysed (a warning says so).
    package static let maxAnalysedBytes = 16 << 20

    private let send: Send
    private var state = State.uninitialized
    private var documents = DocumentStore()
    private var analyses: [String: NotebookAnalysis] = [:]
    private var parseCaches: [String: BlockParseCache] = [:]
    /// Runs from the editor: one at a time (they share the project's cache), each on a thread
    /// with the main thread's 8 MiB of stack, so a block runs as under `tangent run` (Dispatch
    /// threads get 512 KiB).
    private let runLock = NSLock()
    private let runs = DispatchGroup()
    static let runStackSize = 8 << 20
    /// What the cache knew of each document's names after its last run (hover shows it); the
    /// run's thread writes it.
    private let cachedValues = Shared<[String: [String: String]]>([:])

    /// A value the run threads and the server share.
    private final class Shared<Value: Sendable>: Sendable {
        private let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    /// Set by the `exit` notification: 0 after `shutdown`, 1 without.
    package private(set) var exitCode: Int32?
    /// The status to exit with when the input ends: 0 after `shutdown`, else 1.
    package var endOfInputStatus: Int32 { exitCode ?? (state == .shutDown ? 0 : 1) }

    package init(send: @escaping Send) {
        self.send = send
    }

    /// Handles one message body.
    package func receive(_ body: [UInt8]) {
        switch RPCMessage.parse(body) {
        case .success(let message): handle(message)
        case .failure(let error): send(RPCMessage.error(id: .null, error))
        }
    }

    /// Says a framing problem in the client's log (the bytes were skipped).
    package func report(_ error: MessageReader.FramingError) {
        log(error.message)
    }

    /// Waits for the runs started from the editor to finish (tests).
    package func waitForRuns() { runs.wait() }

    private func log(_ message: String, type: Int = 1) {
        send(RPCMessage.notification("window/logMessage", .fields(("type", .int(type)), ("message", .string(message)))))
    }

    package func handle(_ message: RPCMessage) {
        switch message {
        case .response: return
        case .notification(let method, let params): notification(method, params)
        case .request(let id, let method, let params):
            switch request(method, params, id: id) {
            case .success(let result?): send(RPCMessage.result(id: id, result))
            case .success(nil): break  // answered later (a run)
            case .failure(let error): send(RPCMessage.error(id: id, error))
            }
        }
    }

    // MARK: Lifecycle and requests

    /// The answer to a request; `.success(nil)` when it will be sent later.
    private func request(_ method: String, _ params: JSON, id: JSON) -> Result<JSON?, RPCError> {
        switch state {
        case .uninitialized where method != "initialize":
            return .failure(RPCError(.serverNotInitialized, "the server is not initialized (send 'initialize' first)"))
        case .shutDown:
            return .failure(RPCError(.invalidRequest, "the server is shut down; only 'exit' is accepted"))
        default: break
        }
        switch method {
        case "initialize":
            guard state == .uninitialized else {
                return .failure(RPCError(.invalidRequest, "the server is already initialized"))
            }
            state = .running
            return .success(LanguageServer.initializeResult)
        case "shutdown":
            state = .shutDown
            return .success(.null)
        case "textDocument/hover":
            let uri = params["textDocument"]?["uri"]?.stringValue ?? ""
            let values = cachedValues.withLock { $0[uri] } ?? [:]
            return withDocument(params, empty: .null) { a, d, p in Hover.hover(a, d, at: p, cachedValues: values) }
        case "textDocument/completion":
            return withDocument(params, empty: .array([])) { a, d, p in Completion.items(a, d, at: p) }
        case "textDocument/definition":
            return withDocument(params, empty: .null) { a, d, p in Navigation.definition(a, d, at: p) }
        case "textDocument/references":
            let declaration = params["context"]?["includeDeclaration"] != .bool(false)
            return withDocument(params, empty: .array([])) { a, d, p in
                Navigation.references(a, d, at: p, includeDeclaration: declaration)
            }
        case "textDocument/documentSymbol":
            return withDocument(params, needsPosition: false, empty: .array([])) { a, d, _ in
                DocumentSymbols.symbols(a, d)
            }
        case "textDocument/codeLens":
            return withDocument(params, needsPosition: false, empty: .array([])) { a, d, _ in CodeLens.lenses(a, d) }
        case "workspace/executeCommand":
            return executeCommand(params, id: id)
        default:
            return .failure(RPCError(.methodNotFound, "unknown method '\(method)'"))
        }
    }

    static var initializeResult: JSON {
        .fields(
            (
                "capabilities",
                .fields(
                    (
                        "textDocumentSync",
                        .fields(("openClose", .bool(true)), ("change", .int(2)), ("save", .bool(true)))
                    ),
                    ("hoverProvider", .bool(true)),
                    ("completionProvider", .fields(("triggerCharacters", .array([.string("("), .string(",")])))),
                    ("definitionProvider", .bool(true)),
                    ("referencesProvider", .bool(true)),
                    ("documentSymbolProvider", .bool(true)),
                    ("codeLensProvider", .fields(("resolveProvider", .bool(false)))),
                    ("executeCommandProvider", .fields(("commands", .array([.string(CodeLens.runBlock)]))))
                )
            ),
            ("serverInfo", .fields(("name", .string("tangent")), ("version", .string(TangentInfo.version)))))
    }

    /// Answers a request about an open document at a position (`textDocument`, `position`).
    private func withDocument(
        _ params: JSON, needsPosition: Bool = true, empty: JSON,
        _ answer: (NotebookAnalysis, TextDocument, LSPPosition) -> JSON
    ) -> Result<JSON?, RPCError> {
        guard let uri = params["textDocument"]?["uri"]?.stringValue else {
            return .failure(RPCError(.invalidParams, "textDocument.uri is missing"))
        }
        let position = LSPPosition(params["position"])
        if needsPosition && position == nil {
            return .failure(RPCError(.invalidParams, "position is missing or malformed"))
        }
        guard let document = documents[uri], let analysis = analyses[uri] else { return .success(empty) }
        return .success(answer(analysis, document, position ?? LSPPosition(line: 0, character: 0)))
    }

    /// `tangent.runBlock [uri, blockID]`: answered when the run is done, with its output (also
    /// shown as a `window/showMessage`).
    private func executeCommand(_ params: JSON, id: JSON) -> Result<JSON?, RPCError> {
        guard params["command"]?.stringValue == CodeLens.runBlock else {
            return .failure(RPCError(.invalidParams, "unknown command; the server has '\(CodeLens.runBlock)'"))
        }
        let arguments = params["arguments"]?.arrayValue ?? []
        guard arguments.count == 2, let uri = arguments[0].stringValue, let block = arguments[1].stringValue else {
            return .failure(RPCError(.invalidParams, "\(CodeLens.runBlock) takes [uri, blockID]"))
        }
        guard let path = FileURI.path(of: uri) else {
            return .failure(RPCError(.invalidParams, "only a saved file (a file:// URI) can be run, got '\(uri)'"))
        }
        guard let text = documents[uri]?.text else {
            return .failure(RPCError(.invalidParams, "the document \(uri) is not open"))
        }
        let send = self.send
        runs.enter()
        let thread = Thread { [runs, runLock, cachedValues] in
            defer { runs.leave() }
            runLock.lock()
            defer { runLock.unlock() }
            switch BlockRun.run(text: text, path: path, blockID: block) {
            case .success(let outcome):
                let values = CachedValues.describe(text: text, path: path)
                cachedValues.withLock { $0[uri] = values }
                send(
                    RPCMessage.notification(
                        "window/showMessage",
                        .fields(("type", .int(outcome.failed ? 1 : 3)), ("message", .string(outcome.text)))))
                send(
                    RPCMessage.result(
                        id: id,
                        .fields(
                            ("block", .string(outcome.blockID)), ("failed", .bool(outcome.failed)),
                            ("output", .string(outcome.text)))))
            case .failure(let error):
                send(RPCMessage.error(id: id, error))
            }
        }
        thread.stackSize = LanguageServer.runStackSize
        thread.start()
        return .success(nil)
    }

    // MARK: Notifications

    private func notification(_ method: String, _ params: JSON) {
        if method == "exit" {
            exitCode = state == .shutDown ? 0 : 1
            return
        }
        // Before `initialize` (and after `shutdown`) notifications are dropped, as LSP says.
        guard state == .running else { return }
        switch method {
        case "textDocument/didOpen":
            guard let item = params["textDocument"], let uri = item["uri"]?.stringValue,
                let text = item["text"]?.stringValue
            else { return log("didOpen without textDocument.uri and text") }
            documents.open(TextDocument(uri: uri, version: item["version"]?.intValue ?? 0, text: text))
            analyse(uri)
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.stringValue,
                let changes = params["contentChanges"]?.arrayValue
            else { return log("didChange without textDocument.uri and contentChanges") }
            guard documents.change(uri, version: params["textDocument"]?["version"]?.intValue, changes: changes) else {
                return log("didChange of \(uri), which is not open")
            }
            analyse(uri)
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.stringValue else { return }
            documents.close(uri)
            analyses[uri] = nil
            parseCaches[uri] = nil
            publish(uri, version: nil, [])
        default:
            break  // `initialized`, `didSave`, `$/cancelRequest`, `$/setTrace` and the unknown.
        }
    }

    /// Analyses a document again and publishes its diagnostics.
    private func analyse(_ uri: String) {
        guard let document = documents[uri] else { return }
        let path = FileURI.path(of: uri) ?? uri
        let size = document.text.utf8.count
        if size > LanguageServer.maxAnalysedBytes {
            let analysis = NotebookAnalysis(text: "", path: path)
            analyses[uri] = analysis
            let range = JSON.fields(
                ("start", LSPPosition(line: 0, character: 0).json), ("end", LSPPosition(line: 0, character: 0).json))
            let message =
                "this file is \(ByteCount.formatted(size)); files over \(ByteCount.formatted(LanguageServer.maxAnalysedBytes)) are not analysed"
            publish(
                uri, version: document.version,
                [
                    .fields(
                        ("range", range), ("severity", .int(2)), ("source", .string("tangent")),
                        ("message", .string(message)))
                ])
            return
        }
        var cache = parseCaches[uri] ?? BlockParseCache()
        let analysis = NotebookAnalysis(text: document.text, path: path, cache: &cache)
        parseCaches[uri] = cache
        analyses[uri] = analysis
        publish(uri, version: document.version, analysis.diagnostics.map { diagnostic($0, document) })
    }

    private func diagnostic(_ d: Diagnostic, _ document: TextDocument) -> JSON {
        let severity: Int
        switch d.severity {
        case .error: severity = 1
        case .warning: severity = 2
        case .note: severity = 3
        }
        var fields: [(String, JSON)] = [
            ("range", document.json(d.range)), ("severity", .int(severity)), ("source", .string("tangent")),
            ("message", .string(d.message))
        ]
        if !d.notes.isEmpty {
            fields.append(
                (
                    "relatedInformation",
                    .array(
                        d.notes.map { note in
                            .fields(
                                (
                                    "location",
                                    .fields(("uri", .string(document.uri)), ("range", document.json(note.range)))
                                ),
                                ("message", .string(note.message)))
                        })
                ))
        }
        return .object(fields)
    }

    private func publish(_ uri: String, version: Int?, _ diagnostics: [JSON]) {
        var params: [(String, JSON)] = [("uri", .string(uri))]
        if let version { params.append(("version", .int(version))) }
        params.append(("diagnostics", .array(diagnostics)))
        send(RPCMessage.notification("textDocument/publishDiagnostics", .object(params)))
    }
}
