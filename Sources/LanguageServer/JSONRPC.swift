import TangentSupport

/// JSON-RPC 2.0 as LSP uses it: a message body is a request (`id` and `method`), a notification
/// (`method` only) or a response (`id` and `result` or `error`). Anything else is answered with
/// the protocol's error codes, never fatal.
package enum RPCMessage: Equatable, Sendable {
    case request(id: JSON, method: String, params: JSON)
    case notification(method: String, params: JSON)
    case response(id: JSON)

    /// Reads a message body; the error, when it is not one, is the answer to send (id null).
    package static func parse(_ body: [UInt8]) -> Result<RPCMessage, RPCError> {
        guard let text = String(validating: body, as: UTF8.self) else {
            return .failure(RPCError(.parseError, "the message is not UTF-8"))
        }
        let json: JSON
        do throws(JSON.SyntaxError) {
            json = try JSON.parseLocated(text)
        } catch {
            return .failure(RPCError(.parseError, "malformed JSON at \(error.line):\(error.column): \(error.reason)"))
        }
        guard case .object = json else { return .failure(RPCError(.invalidRequest, "a message must be an object")) }
        let id = json["id"]
        if let id {
            switch id {
            case .number, .string, .null: break
            default: return .failure(RPCError(.invalidRequest, "an id must be a number or a string"))
            }
        }
        guard let methodValue = json["method"] else {
            if let id, json["result"] != nil || json["error"] != nil { return .success(.response(id: id)) }
            return .failure(RPCError(.invalidRequest, "a message needs a method"))
        }
        guard let method = methodValue.stringValue else {
            return .failure(RPCError(.invalidRequest, "a method must be a string"))
        }
        let params = json["params"] ?? .null
        if let id { return .success(.request(id: id, method: method, params: params)) }
        return .success(.notification(method: method, params: params))
    }

    /// The body of a successful response.
    package static func result(id: JSON, _ result: JSON) -> JSON {
        .object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)])
    }

    /// The body of an error response.
    package static func error(id: JSON, _ error: RPCError) -> JSON {
        .object([
            ("jsonrpc", .string("2.0")), ("id", id),
            ("error", .object([("code", .number(Double(error.code.rawValue))), ("message", .string(error.message))]))
        ])
    }

    /// The body of a notification from the server.
    package static func notification(_ method: String, _ params: JSON) -> JSON {
        .object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)])
    }
}

/// An error answer: JSON-RPC's and LSP's codes.
package struct RPCError: Error, Equatable, Sendable {
    package enum Code: Int, Sendable {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        case internalError = -32603
        case serverNotInitialized = -32002
        case requestFailed = -32803
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension JSON {
    /// A whole number that fits an `Int`.
    var intValue: Int? {
        guard case .number(let v) = self, v == v.rounded(), abs(v) < 1e15 else { return nil }
        return Int(v)
    }

    /// Builds an object from pairs.
    static func fields(_ pairs: (String, JSON)...) -> JSON { .object(pairs) }

    static func int(_ n: Int) -> JSON { .number(Double(n)) }
}
