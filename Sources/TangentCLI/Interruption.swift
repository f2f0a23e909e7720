import Foundation
import NTKCore
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM: stop at once, but first remove the temporary files of writes in
/// progress (every file Tangent writes goes through a temporary file and a rename, so each
/// destination is left either as it was or wholly new), then exit 130 or 143 like a shell.
///
/// The signal handler only writes the signal number to a pipe (an async-signal-safe call);
/// a thread reading the pipe does the cleanup, outside signal context.
public enum Interruption {
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1

    /// Installs the handlers (once, from the executable's main; not in library use or tests).
    public static func install() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        pipeWrite = fds[1]
        let readEnd = fds[0]
        let thread = Thread {
            var number: Int32 = 0
            while true {
                let n = read(readEnd, &number, MemoryLayout<Int32>.size)
                if n == MemoryLayout<Int32>.size { break }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
            }
            let name = number == SIGINT ? "interrupted" : "terminated"
            let message = "\ntangent: \(name); removing temporary files and stopping\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            TemporaryFiles.removeAllAndExit(128 + number)
        }
        // A parent may hand down a mask that blocks these signals (the handler would never
        // run); unblock them before the thread starts, so every thread inherits that.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        thread.start()
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var n = number
                _ = write(Interruption.pipeWrite, &n, MemoryLayout<Int32>.size)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
    }
}
