import Foundation

/// The built `tangent` binary, for process-level tests: exit statuses as the shell sees them,
/// what it prints, and what it leaves on disk. It is `.build/debug/tangent`, located from
/// #filePath; suites that need it are skipped without it (`swift build` first).
package enum TangentBinary {
    package typealias Result = ChildProcess.Result

    package static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
    package static let url = packageRoot.appendingPathComponent(".build/debug/tangent")
    package static var exists: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    /// Runs the binary (or `executable`, another build of it) with output captured in files in
    /// `scratch`; the options are `ChildProcess.run`'s.
    package static func run(
        _ arguments: [String], in directory: URL? = nil, scratch: TemporaryFolder,
        environment: [String: String] = [:], stdout: FileHandle? = nil,
        fileSizeLimitKiB: Int? = nil, executable: URL = url, watchdog: Double? = nil,
        whileRunning: ((Process) -> Void)? = nil
    ) throws -> Result {
        try ChildProcess.run(
            executable, arguments, in: directory, scratch: scratch.root, environment: environment,
            stdout: stdout, fileSizeLimitKiB: fileSizeLimitKiB, watchdog: watchdog,
            whileRunning: whileRunning)
    }
}
