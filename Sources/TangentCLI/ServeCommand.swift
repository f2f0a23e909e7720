import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `tangent serve PATH... [--port N] [--host ADDR] [--out DIR]`: a live preview of the site
/// until SIGINT or SIGTERM, which stop it with status 130 or 143 (128 + the signal).
enum ServeCommand {
    static func main(_ arguments: [String], console: Console) -> Int32 {
        let options: ServeOptions
        do {
            options = try ServeOptions.parse(arguments)
        } catch {
            console.err("error: \(error.message)\n\(Options.usage)\n")
            return ExitCode.usage.rawValue
        }
        let preview: LivePreview
        do {
            preview = try LivePreview(options, console: console)
        } catch {
            console.err("error: \(error.message)\n")
            return ExitCode.usage.rawValue
        }
        // Handled only once serving: a Ctrl-C during the first render just ends the process.
        let signals = TerminationSignals()
        console.out("serving \(preview.url)\n")
        let received = signals.wait()
        preview.stop()
        return 128 + received
    }
}

/// SIGINT and SIGTERM turned into a byte on a pipe (the only safe thing a handler can do), so
/// the main thread can wait for them and shut down in order.
struct TerminationSignals {
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1
    private let pipeRead: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        pipeRead = fds[0]
        TerminationSignals.pipeWrite = fds[1]
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGINT, SIGTERM] {
            signal(s) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(TerminationSignals.pipeWrite, &byte, 1)
            }
            sigaddset(&set, s)
        }
        // A parent may start us with them blocked (the Swift test runner does); this thread,
        // at least, takes them.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Blocks until a signal arrives; returns its number.
    func wait() -> Int32 {
        var byte: UInt8 = 0
        while read(pipeRead, &byte, 1) != 1 {
            if errno != EINTR { return SIGTERM }
        }
        return Int32(byte)
    }
}
