import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A request head as the server reads it. Only GET and HEAD are answered, so no body is read:
/// a request that announces one is refused and its connection closed.
package struct HTTPRequest: Sendable {
    package var method: String
    /// The request target as sent (percent-encoded, with any query).
    package var target: String
    /// `HTTP/1.0` or `HTTP/1.1`.
    package var version: String
    package var headers: [(name: String, value: String)]

    /// The value of the first header with this name (names compare case-insensitively).
    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether the connection stays open after the response (HTTP/1.1 unless `close`).
    package var keepAlive: Bool {
        let tokens = (header("Connection") ?? "").lowercased().split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return version == "HTTP/1.1" ? !tokens.contains("close") : tokens.contains("keep-alive")
    }

    /// Whether the client announced a body (which this server never reads).
    package var hasBody: Bool {
        if header("Transfer-Encoding") != nil { return true }
        if let length = header("Content-Length") { return Int(length.trimmingCharacters(in: .whitespaces)) != 0 }
        return false
    }

    /// Parses a request head (the bytes before the blank line); nil when it is malformed.
    package static func parse(_ head: [UInt8]) -> HTTPRequest? {
        guard let text = String(bytes: head, encoding: .utf8) else { return nil }
        var lines = text.components(separatedBy: "\r\n")
        // A robust server ignores empty lines before the request line (RFC 9112 §2.2).
        while lines.first == "" { lines.removeFirst() }
        guard let requestLine = lines.first else { return nil }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].allSatisfy({ $0.isLetter && $0.isUppercase }),
            parts[2].hasPrefix("HTTP/1.")
        else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else { return nil }
            headers.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return HTTPRequest(
            method: String(parts[0]), target: String(parts[1]), version: String(parts[2]), headers: headers)
    }
}

/// A response: status, headers and either a body or a stream that writes the body as it comes
/// (Server-Sent Events); a streamed response closes the connection when the stream ends.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]
    package var stream: (@Sendable (ResponseStream) -> Void)?

    package init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        stream: (@Sendable (ResponseStream) -> Void)? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = stream
    }

    /// A short plain-text response (errors: 400, 403, 404, 405...).
    package static func text(_ status: Int, _ message: String, headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        HTTPResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array((message + "\n").utf8))
    }

    package static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// The status line and headers, with `Content-Length` (unless streamed), `Date` and `Connection`.
    func head(keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if stream == nil { text += "Content-Length: \(body.count)\r\n" }
        text += "Date: \(HTTPResponse.httpDate())\r\n"
        text += "Connection: \(keepAlive && stream == nil ? "keep-alive" : "close")\r\n\r\n"
        return Array(text.utf8)
    }

    /// The current time as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

/// The open connection a streamed response writes to.
package struct ResponseStream: Sendable {
    let socket: Int32
    let isStopping: @Sendable () -> Bool

    /// Writes the bytes; false when the client has gone (or the server is stopping).
    package func write(_ text: String) -> Bool {
        !isStopping() && Socket.sendAll(socket, Array(text.utf8))
    }
}
