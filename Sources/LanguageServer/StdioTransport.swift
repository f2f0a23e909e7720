import Foundation
import Synchronization
import TangentSupport

/// `tangent lsp`'s connection: message bodies read from a file descriptor (standard input) through
/// `MessageReader`, answers framed onto another (standard output) by one writer at a time (runs
/// answer from their own thread). Returns the exit status: the `exit` notification's, or when the
/// input ends, 0 after `shutdown` and 1 without.
package enum StdioTransport {
    package static func serve(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        let writer = Writer(fd: output)
        let server = LanguageServer(send: { writer.write(MessageWriter.frame($0.serialized(pretty: false))) })
        var reader = MessageReader()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while server.exitCode == nil {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            reader.feed(buffer[0..<n])
            while server.exitCode == nil, let item = reader.next() {
                switch item {
                case .success(let body): server.receive(body)
                case .failure(let error): server.report(error)
                }
            }
        }
        return server.endOfInputStatus
    }

    /// Writes whole frames; a closed pipe is ignored (the client went away).
    private final class Writer: Sendable {
        private let fd: Int32
        private let lock = Mutex(())

        init(fd: Int32) { self.fd = fd }

        func write(_ bytes: [UInt8]) {
            lock.withLock { _ in
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                    if n > 0 {
                        offset += n
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
