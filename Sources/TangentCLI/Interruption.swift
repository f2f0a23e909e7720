import Foundation
import NTKCore

#if canImport(Glibc)
import Glibc
import TangentSupport
#endif

/// SIGINT and SIGTERM: stop at once, but first remove the temporary files of writes in
/// progress (every file Tangent writes goes through a temporary file and a rename, so each
/// destination is left either as it was or wholly new), then exit 130 or 143 like a shell.
/// A command that has its own orderly shutdown (`tangent serve`) waits for the signal instead.
///
/// The signal handler only writes the signal number to a pipe (an async-signal-safe call);
/// a thread reading the pipe does the rest, outside signal context.
package enum Interruption {
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var waiter: ((Int32) -> Void)?
    private static let lock = NSLock()

    /// Installs the handlers (from the executable's main; not in library use or tests). Once.
    package static func install() {
        lock.lock()
        defer { lock.unlock() }
        if installed { return }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        installed = true
        pipeWrite = fds[1]
        let readEnd = fds[0]
        let thread = Thread {
            while true {
                var number: Int32 = 0
                let n = read(readEnd, &number, MemoryLayout<Int32>.size)
                if n < 0 && errno == EINTR { continue }
                if n != MemoryLayout<Int32>.size { return }
                lock.lock()
                let taker = waiter
                waiter = nil
                lock.unlock()
                if let taker {
                    taker(number)
                    continue
                }
                let name = number == SIGINT ? "interrupted" : "terminated"
                // On a terminal, the status line of a long block goes first.
                let erase = isatty(2) == 1 ? "\r\u{1B}[K" : ""
                let message = "\(erase)\ntangent: \(name); removing temporary files and stopping\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                // Kernel workers first: they remove their own temporary files on SIGTERM.
                KernelProcess.stopAll()
                TemporaryFiles.removeAllAndExit(128 + number)
            }
        }
        // A parent may hand down a mask that blocks these signals (the Swift test runner
        // does; the handler would never run): unblock them before the thread starts, so every
        // thread inherits that.
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

    /// Blocks until the next SIGINT or SIGTERM and returns its number, instead of exiting on
    /// it (installing the handlers if needed).
    package static func waitForSignal() -> Int32 {
        install()
        let arrived = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var number = SIGTERM
        lock.lock()
        waiter = {
            number = $0
            arrived.signal()
        }
        lock.unlock()
        arrived.wait()
        return number
    }
}
