import Foundation
import TestSupport
import Testing

/// SIGINT and SIGTERM at random moments during `update` and `render`: the process exits
/// 130 / 143 (or 0 when it finished first), leaves no temporary files, and every file it
/// wrote is whole (the notebook old or new; each page a complete HTML document).
@Suite(.serialized) struct SignalTests {
    static func notebookText(blocks: Int) -> String {
        var text = "# Signals\n\nSome prose with math $x^2$.\n\n"
        for k in 0..<blocks {
            text +=
                "Block \(k).\n\n```ntk {#b\(k)}\nA = randn(120, 120)\nB = A @ A.T @ A @ A.T\nshow B[0:3, 0:3], \"b \(k)\"\nprint(\"trace\", trace(B))\n```\n\n"
        }
        return text
    }

    /// Microseconds one run of `arguments` takes (measured, so the signals land during runs).
    static func duration(of arguments: [String], scratch: TemporaryFolder) throws -> UInt32 {
        let clock = ContinuousClock()
        let d = try clock.measure { _ = try TangentBinary.run(arguments, scratch: scratch) }
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return UInt32(max(5_000, min(2_000_000, seconds * 1e6)))
    }

    /// Starts `arguments`, sends `signal` after a random delay, returns the exit status.
    static func interrupt(
        _ arguments: [String], with signal: Int32, within micros: UInt32,
        using g: inout SystemRandomNumberGenerator
    ) throws -> (status: Int32, reason: Process.TerminationReason) {
        let process = Process()
        process.executableURL = TangentBinary.url
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32.random(in: 0...micros, using: &g))
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func interruptedUpdateLeavesOldOrNewAndNoTemporaryFiles(signal: Int32) throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let path = sandbox.path("nb.md")
        let original = Data(Self.notebookText(blocks: 30).utf8)
        try original.write(to: URL(fileURLWithPath: path))
        let first = try TangentBinary.run(["update", path, "--no-cache", "--quiet"], scratch: sandbox)
        #expect(first.status == 0, "\(first.transcript)")
        let updated = try Data(contentsOf: URL(fileURLWithPath: path))

        try original.write(to: URL(fileURLWithPath: path))
        let span = try Self.duration(of: ["update", path, "--no-cache", "--quiet"], scratch: sandbox)
        var g = SystemRandomNumberGenerator()
        var stopped = 0
        var finished = 0
        var early = 0
        for attempt in 0..<25 {
            try original.write(to: URL(fileURLWithPath: path))
            let (status, reason) = try Self.interrupt(
                ["update", path, "--no-cache", "--quiet"], with: signal,
                within: span, using: &g)
            // A signal in the first milliseconds, before main installs the handlers, takes the
            // default action; nothing has been written yet then (checked below like the rest).
            if reason == .uncaughtSignal {
                #expect(status == signal)
                early += 1
            } else {
                #expect(status == 128 + signal || status == 0, "attempt \(attempt): exit \(status)")
                if status == 0 { finished += 1 } else { stopped += 1 }
            }
            let now = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(now == original || now == updated, "attempt \(attempt): the notebook is torn")
            #expect(sandbox.temporaryFiles().isEmpty, "attempt \(attempt): \(sandbox.temporaryFiles())")
        }
        #expect(stopped > 0, "no signal arrived before the run ended: the test exercised nothing")
        print(
            "SignalTests: update, signal \(signal), 25 signals over 0–\(span / 1000) ms: \(stopped) stopped with \(128 + signal), \(finished) finished first, \(early) arrived before the handlers"
        )
    }

    @Test func interruptedRenderLeavesWholePagesAndRendersAgain() throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        for k in 0..<6 {
            try Self.notebookText(blocks: 4).write(toFile: sandbox.path("nb\(k).md"), atomically: true, encoding: .utf8)
        }
        let site = sandbox.root.appendingPathComponent("site")
        let arguments = ["render", sandbox.root.path, "--out", site.path, "--no-cache", "--quiet"]
        let span = try Self.duration(of: arguments, scratch: sandbox)
        var g = SystemRandomNumberGenerator()
        var stopped = 0
        for attempt in 0..<12 {
            let signal = attempt % 2 == 0 ? SIGINT : SIGTERM
            let (status, reason) = try Self.interrupt(arguments, with: signal, within: span, using: &g)
            #expect(
                (reason == .exit && (status == 128 + signal || status == 0))
                    || (reason == .uncaughtSignal && status == signal),
                "attempt \(attempt): \(reason) \(status)")
            if reason == .exit && status != 0 { stopped += 1 }
            #expect(sandbox.temporaryFiles().isEmpty, "attempt \(attempt): \(sandbox.temporaryFiles())")
            for page in (FileManager.default.enumerator(atPath: site.path)?.compactMap { $0 as? String } ?? [])
            where page.hasSuffix(".html") {
                let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
                #expect(html.hasSuffix("</html>\n"), "attempt \(attempt): \(page) is not a whole page")
            }
        }
        #expect(stopped > 0)
        print("SignalTests: render, 12 signals over 0–\(span / 1000) ms: \(stopped) stopped")
        // Whatever state the interruptions left, the next render recognises the folder and completes.
        let last = try TangentBinary.run(["render", sandbox.root.path, "--out", site.path, "--quiet"], scratch: sandbox)
        #expect(last.status == 0, "\(last.transcript)")
    }
}
