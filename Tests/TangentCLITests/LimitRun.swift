import Foundation

/// Runs the built binary with extra environment variables and, optionally, under a file-size
/// limit (`bash -c 'ulimit -f N; exec tangent …'`, N in KiB, SIGXFSZ at its default action), capturing its output in files in
/// the sandbox (so the limit applies to them too: keep what the run prints small).
enum LimitRun {
    static func run(_ arguments: [String], in sandbox: CorpusSandbox, environment: [String: String] = [:],
                    fileSizeLimitKiB: Int? = nil) throws -> TangentBinary.Result {
        let id = UUID().uuidString
        let outURL = sandbox.root.appendingPathComponent("stdout-\(id).txt")
        let errURL = sandbox.root.appendingPathComponent("stderr-\(id).txt")
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
            // ignored on entry): `env --default-signal` gives the binary the default action, as
            // from a login shell.
            process.arguments = ["-c", "ulimit -f \(limit); exec env --default-signal=XFSZ \"$0\" \"$@\"",
                                 TangentBinary.url.path] + arguments
        } else {
            process.executableURL = TangentBinary.url
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = sandbox.root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outFile
        process.standardError = errFile
        try process.run()
        process.waitUntilExit()
        return TangentBinary.Result(status: process.terminationStatus, reason: process.terminationReason,
                                    out: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                                    err: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Every `*.tmp` file anywhere under `folder` (hidden folders included), relative paths.
    static func temporaryFiles(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") }.sorted()
    }

    /// `column` (1-based) of the first occurrence of `needle` in `line`.
    static func column(of needle: String, in line: String) -> Int? {
        guard let r = line.range(of: needle) else { return nil }
        return line.distance(from: line.startIndex, to: r.lowerBound) + 1
    }
}
