import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets: one thread accepts, one thread serves each
/// connection (persistent connections; a streamed response keeps its thread until the client
/// goes). It answers whatever the handler returns and knows nothing about sites.
package final class HTTPServer: Sendable {
    package typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    package let host: String
    /// The port it listens on (the system's choice when it was asked for port 0).
    package let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let state = Mutex(State())
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    private struct State {
        var started = false
        var stopping = false
        var connections: Set<Int32> = []
    }

    /// A request head larger than this is refused (431).
    static let maxHeadBytes = 32_768
    /// How long a connection may sit idle before the server closes it.
    static let idleMilliseconds: Int32 = 15_000

    package struct ListenError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Binds and listens; requests are served once `start()` is called.
    package init(host: String, port: UInt16, handler: @escaping Handler) throws(ListenError) {
        do {
            (listener, self.port) = try Socket.listen(host: host, port: port)
        } catch {
            throw ListenError(description: error.description)
        }
        self.host = host
        self.handler = handler
    }

    /// `http://HOST:PORT/`.
    package var url: String { "http://\(host):\(port)/" }

    /// Starts accepting connections on a thread of its own.
    package func start() {
        let first = state.withLock { s in
            defer { s.started = true }
            return !s.started && !s.stopping
        }
        guard first else { return }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "tangent-serve-accept"
        thread.start()
    }

    /// Stops accepting, closes the listening socket and every open connection; returns when the
    /// port is free again.
    package func stop() {
        let (first, started) = state.withLock { s -> (Bool, Bool) in
            guard !s.stopping else { return (false, s.started) }
            s.stopping = true
            for fd in s.connections { shutdown(fd, Int32(SHUT_RDWR)) }
            return (true, s.started)
        }
        guard first else { return }
        if started {
            shutdown(listener, Int32(SHUT_RDWR))
            acceptLoopEnded.wait()
        } else {
            close(listener)
        }
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptLoopEnded.signal()
        }
        while !isStopping {
            guard Socket.waitReadable(listener, milliseconds: 250) else { continue }
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                // Out of descriptors: let open connections finish before trying again.
                if errno == EMFILE || errno == ENFILE { usleep(50_000) }
                continue
            }
            // Not inherited by the node process that typesets math during a rebuild.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let tracked = state.withLock { s -> Bool in
                guard !s.stopping else { return false }
                s.connections.insert(fd)
                return true
            }
            guard tracked else {
                close(fd)
                break
            }
            // A client that stops reading cannot hold a thread forever.
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let thread = Thread { [self] in
                serve(fd)
                state.withLock { _ = $0.connections.remove(fd) }
                Socket.closeGracefully(fd)
            }
            thread.name = "tangent-serve-connection"
            thread.start()
        }
    }

    /// Serves requests on one connection until it closes, idles out, or asks to close.
    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        while !isStopping {
            guard let end = readHead(fd, into: &buffer) else {
                if buffer.count > HTTPServer.maxHeadBytes {
                    _ = send(HTTPResponse.text(431, "request head too large"), to: fd, method: "GET", keepAlive: false)
                }
                return
            }
            let head = Array(buffer[..<end])
            buffer.removeFirst(end + 4)
            guard let request = HTTPRequest.parse(head) else {
                _ = send(HTTPResponse.text(400, "malformed request"), to: fd, method: "GET", keepAlive: false)
                return
            }
            if request.version != "HTTP/1.1" && request.version != "HTTP/1.0" {
                _ = send(HTTPResponse.text(505, "only HTTP/1.0 and HTTP/1.1"), to: fd, method: "GET", keepAlive: false)
                return
            }
            if request.method != "GET" && request.method != "HEAD" {
                _ = send(
                    HTTPResponse.text(405, "only GET and HEAD", headers: [("Allow", "GET, HEAD")]),
                    to: fd, method: request.method, keepAlive: false)
                return
            }
            if request.hasBody {
                _ = send(
                    HTTPResponse.text(400, "GET and HEAD requests take no body"), to: fd, method: request.method,
                    keepAlive: false)
                return
            }
            let response = handler(request)
            let keepAlive = request.keepAlive && response.stream == nil
            guard send(response, to: fd, method: request.method, keepAlive: keepAlive) else { return }
            if let stream = response.stream, request.method != "HEAD" {
                stream(ResponseStream(socket: fd, isStopping: { [self] in isStopping }))
                return
            }
            if !keepAlive { return }
        }
    }

    /// Reads until the buffer holds a complete head; returns the index of its `\r\n\r\n`.
    private func readHead(_ fd: Int32, into buffer: inout [UInt8]) -> Int? {
        var searched = 0
        while true {
            if buffer.count >= 4 {
                var i = max(0, searched - 3)
                while i + 3 < buffer.count {
                    if buffer[i] == 13, buffer[i + 1] == 10, buffer[i + 2] == 13, buffer[i + 3] == 10 {
                        return i > HTTPServer.maxHeadBytes ? nil : i
                    }
                    i += 1
                }
                searched = buffer.count
            }
            if buffer.count > HTTPServer.maxHeadBytes { return nil }
            guard let more = Socket.read(fd, milliseconds: HTTPServer.idleMilliseconds) else { return nil }
            buffer += more
        }
    }

    /// Writes the response head and (except for HEAD) its body; false when the client has gone.
    private func send(_ response: HTTPResponse, to fd: Int32, method: String, keepAlive: Bool) -> Bool {
        var bytes = response.head(keepAlive: keepAlive)
        if method != "HEAD" { bytes += response.body }
        return Socket.sendAll(fd, bytes)
    }
}
