import Foundation
import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// Launching programs from the tests: a run to its end with standard input empty and standard
/// output and error captured in files (no pipe can fill up and stall the child), and the
/// processes that the stale-file tests need (one that has exited, one started just now).
package enum ChildProcess {
    /// How a run ended and what it printed.
    package struct Result: Sendable {
        package var status: Int32
        package var reason: Process.TerminationReason
        package var out: String
        package var err: String
        /// True when the watchdog SIGKILLed the run.
        package var watchdogFired = false

        package var transcript: String {
            "--- \(reason == .exit ? "exit" : "signal") \(status)\n--- stdout:\n\(out)\n--- stderr:\n\(err)"
        }
    }

    /// Runs `executable` with `arguments` in `directory` (default: the test's), with
    /// `environment` added to the test's own. Output goes to files in `scratch`, read back and
    /// removed at the end; `stdout` replaces standard output when given.
    ///
    /// - `fileSizeLimitKiB`: runs it as `bash -c 'ulimit -f N; exec …'` with SIGXFSZ at its
    ///   default action (the capture files are then under the limit too: keep the output small).
    /// - `watchdog`: SIGKILLs it when it is still running after that many seconds.
    /// - `whileRunning`: called once it has started, before waiting for it.
    package static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, scratch: URL,
        environment: [String: String] = [:], stdout: FileHandle? = nil,
        fileSizeLimitKiB: Int? = nil, watchdog: Double? = nil,
        whileRunning: ((Process) -> Void)? = nil
    ) throws -> Result {
        let id = UUID().uuidString
        let outURL = scratch.appendingPathComponent("stdout-\(id).txt")
        let errURL = scratch.appendingPathComponent("stderr-\(id).txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outFile = try FileHandle(forWritingTo: outURL)
        let errFile = try FileHandle(forWritingTo: errURL)
        defer {
            try? outFile.close()
            try? errFile.close()
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        if let limit = fileSizeLimitKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            // The test runner may hand down SIGXFSZ ignored (and a shell cannot reset a signal
            // ignored on entry): `env --default-signal` gives the program the default action, as
            // from a login shell.
            process.arguments =
                [
                    "-c", "ulimit -f \(limit); exec env --default-signal=XFSZ \"$0\" \"$@\"",
                    executable.path
                ] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout ?? outFile
        process.standardError = errFile
        // Not `waitUntilExit`, which polls every 50 ms: that was up to 50 ms per launch, and the
        // suites launch the binary hundreds of times.
        let waitForExit = try process.runAndWaiter()
        let fired = Flag()
        if let watchdog {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + watchdog) {
                if process.isRunning {
                    fired.set()
                    kill(pid, SIGKILL)
                }
            }
        }
        whileRunning?(process)
        waitForExit()
        return Result(
            status: process.terminationStatus, reason: process.terminationReason,
            out: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            err: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
            watchdogFired: fired.isSet)
    }

    /// The pid of a process that has exited (and been waited for).
    package static func exitedPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    /// A process started now (`sleep 120`), so later than any file given an old modification
    /// time. Stop it with `stop`.
    package static func startedNow() throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sleep")
        p.arguments = ["120"]
        try p.run()
        return p
    }

    /// SIGKILLs `p` and waits for it (SIGKILL: the test runner may hand down SIGTERM blocked).
    package static func stop(_ p: Process) {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// A flag set from the watchdog's queue.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
