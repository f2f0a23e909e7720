import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A deliberately raw HTTP client for the tests: it sends targets exactly as written (no
/// normalisation of `..` as URLSession would do) and reads responses off a plain socket.
package enum RawHTTP {
    package struct Failure: Error, CustomStringConvertible { package var description: String }

    package struct Response {
        package var status: Int
        /// Header names lowercased.
        package var headers: [String: String]
        package var body: [UInt8]
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// A connected socket to 127.0.0.1:port; reads give up after `timeout` seconds.
    package static func connect(_ port: UInt16, timeout: Int = 10) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var t = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard r == 0 else {
            close(fd)
            throw Failure(description: "connect to port \(port): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    package static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Everything until the server closes the connection (or the read times out).
    package static func readToEnd(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return out }
            out += buffer[..<n]
        }
    }

    /// Sends raw request text on a new connection and reads the one response.
    package static func exchange(_ port: UInt16, _ request: String) throws -> Response {
        let fd = try connect(port)
        defer { close(fd) }
        send(fd, request)
        var bytes = readToEnd(fd)
        guard let r = parse(&bytes, bodyless: request.hasPrefix("HEAD ")) else {
            throw Failure(
                description:
                    "no HTTP response to \(request.debugDescription): \(String(decoding: bytes, as: UTF8.self).debugDescription)"
            )
        }
        return r
    }

    package static func get(_ port: UInt16, _ target: String, method: String = "GET") throws -> Response {
        try exchange(port, "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    }

    /// Parses one response off the front of `bytes` (its body sized by Content-Length, or the
    /// rest of the bytes), removing it.
    package static func parse(_ bytes: inout [UInt8], bodyless: Bool = false) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator }) else {
            return nil
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, lines[0].hasPrefix("HTTP/1.1 "), let status = Int(statusParts[1]) else {
            return nil
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let start = end + 4
        let length = bodyless ? 0 : headers["content-length"].flatMap(Int.init) ?? (bytes.count - start)
        guard bytes.count >= start + length else { return nil }
        let body = Array(bytes[start..<(start + length)])
        bytes.removeFirst(start + length)
        return Response(status: status, headers: headers, body: body)
    }
}

/// Reads a `text/event-stream` response line by line: the data of each event in turn.
package final class EventStreamClient {
    private let fd: Int32
    private var pending: [UInt8] = []
    package private(set) var status = 0

    package init(port: UInt16, path: String = "/__tangent/events") throws {
        // Short reads so `nextData` can keep to its deadline.
        fd = try RawHTTP.connect(port, timeout: 1)
        RawHTTP.send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        let deadline = Date(timeIntervalSinceNow: 10)
        if let line = readLine(until: deadline), line.hasPrefix("HTTP/1.1 ") {
            status = Int(line.split(separator: " ")[1]) ?? 0
            while let header = readLine(until: deadline), !header.isEmpty {}
        }
    }

    deinit { close(fd) }

    /// The data of the next event, or nil when none arrives before the deadline.
    package func nextData(within seconds: Double) -> String? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while let line = readLine(until: deadline) {
            if line.hasPrefix("data: ") { return String(line.dropFirst(6)) }
        }
        return nil
    }

    private func readLine(until deadline: Date) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            if Date() >= deadline { return nil }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return nil }
            if n > 0 { pending += buffer[..<n] }
        }
    }
}

/// Polls `condition` until it holds or `seconds` pass (no fixed sleeps in the tests).
package func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
