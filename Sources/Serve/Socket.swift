import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The few POSIX socket calls the server makes, with `EINTR` retried and `SIGPIPE` avoided
/// (`MSG_NOSIGNAL`): a client that hangs up makes a write fail, never kills the process.
enum Socket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ what: String, _ code: Int32 = errno) { description = "\(what): \(String(cString: strerror(code)))" }
    }

    /// A listening IPv4 TCP socket on `host:port` (port 0: the system picks a free one).
    /// Returns the socket and the port it is bound to.
    static func listen(host: String, port: UInt16) throws(Failure) -> (Int32, UInt16) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let name = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, name, &address.sin_addr) == 1 else {
            throw Failure("'\(host)' is not an IPv4 address (use e.g. 127.0.0.1 or 0.0.0.0)", EINVAL)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("cannot create a socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw Failure("cannot listen on \(host):\(port)", code)
        }
        guard Glibc.listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw Failure("cannot listen on \(host):\(port)", code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: actual.sin_port))
    }

    /// Waits until `fd` is readable; false on timeout or error.
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&p, 1, milliseconds)
            if n < 0 && errno == EINTR { continue }
            return n > 0
        }
    }

    /// Reads what is available (after waiting up to `milliseconds`); nil when the peer closed,
    /// the wait timed out or the read failed.
    static func read(_ fd: Int32, milliseconds: Int32) -> [UInt8]? {
        guard waitReadable(fd, milliseconds: milliseconds) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            return n > 0 ? Array(buffer[..<n]) : nil
        }
    }

    /// Closes after the peer has read what was sent: closing with unread request bytes (a body
    /// the server refused) would reset the connection and could destroy the response in flight.
    static func closeGracefully(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var drained = 0
        while drained < 1 << 20, let bytes = read(fd, milliseconds: 500) { drained += bytes.count }
        close(fd)
    }

    /// Writes every byte; false when the peer has gone (EPIPE, ECONNRESET) or the write failed.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }
}
