import Foundation
import TestSupport
import Testing

@testable import TangentCLI

#if canImport(Glibc)
import Glibc
#endif

/// Output streams: each block's output (and right after it, its error) appears as soon as the
/// block ends, the notebook first in line streams under `-j N` while the others wait to
/// appear whole and in order; the status line of a long block shows on a terminal and is
/// erased, and reaches a pipe only with `--progress`. No time is asserted: a block that never
/// ends on its own stands for a slow one, and every wait has a watchdog.
@Suite(.serialized, .enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct StreamingOutputTests {
    /// How long a wait may take before the test gives up (a hang, never a measured time).
    static let watchdog = 120.0

    /// A block that prints, then one that runs until its timeout (`seconds`), then one after.
    static func notebook(slowTimeout seconds: Int) -> String {
        """
        # Streaming

        ```ntk {#first}
        print("first output")
        ```

        ```ntk {#slow timeout=\(seconds)}
        i = 0
        while 1 > 0:
            i = i + 1
        ```

        ```ntk {#after}
        print("after the slow block")
        ```
        """
    }

    static let quick = """
        # Quick

        ```ntk {#quick}
        print("b quick")
        ```
        """

    /// What a running process writes to one descriptor, read as it comes.
    final class LiveOutput: @unchecked Sendable {
        private let condition = NSCondition()
        private var bytes: [UInt8] = []
        private var ended = false

        init(reading fd: Int32) {
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    condition.lock()
                    if n > 0 { bytes += buffer[0..<n] } else { ended = true }
                    condition.broadcast()
                    condition.unlock()
                    if n <= 0 { break }
                }
                _ = close(fd)
            }.start()
        }

        var text: String {
            condition.lock()
            defer { condition.unlock() }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// Waits until the text contains `needle`; false when the watchdog fires or it ends first.
        func wait(for needle: String) -> Bool {
            wait { String(decoding: $0.bytes, as: UTF8.self).contains(needle) }
        }

        /// Waits for the end of the output.
        func waitForEnd() -> Bool { wait { $0.ended } }

        private func wait(_ done: (LiveOutput) -> Bool) -> Bool {
            let end = Date(timeIntervalSinceNow: StreamingOutputTests.watchdog)
            condition.lock()
            defer { condition.unlock() }
            while !done(self) {
                if ended || !condition.wait(until: end) { return done(self) }
            }
            return true
        }
    }

    /// Starts the binary in `folder` with standard output and error on one pipe.
    static func start(_ arguments: [String], in folder: TemporaryFolder) throws -> (Process, LiveOutput) {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = TangentBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = folder.root
        process.environment = ProcessInfo.processInfo.environment.merging(["CI": ""]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe.fileHandleForWriting
        process.standardError = pipe.fileHandleForWriting
        try process.run()
        try pipe.fileHandleForWriting.close()
        return (process, LiveOutput(reading: dup(pipe.fileHandleForReading.fileDescriptor)))
    }

    /// Stops a run that would not end on its own and waits for it.
    static func stop(_ process: Process, _ output: LiveOutput) {
        if process.isRunning { process.terminate() }
        #expect(output.waitForEnd())
        process.waitUntilExit()
    }

    @Test(arguments: [["--no-cache"], ["--no-cache", "-j", "2", "b.md"]])
    func aBlocksOutputAppearsBeforeTheNextBlockEnds(_ extra: [String]) throws {
        let folder = try TemporaryFolder("stream")
        defer { folder.remove() }
        try Self.notebook(slowTimeout: 600).write(to: folder.url("a.md"), atomically: true, encoding: .utf8)
        try Self.quick.write(to: folder.url("b.md"), atomically: true, encoding: .utf8)
        let (process, output) = try Self.start(["run", "a.md"] + extra, in: folder)
        defer { Self.stop(process, output) }
        #expect(output.wait(for: "first output\n"), "\(output.text)")
        // The slow block never ends on its own: its output, and all of b.md (which waits for
        // a.md to be printed whole), is still to come.
        #expect(process.isRunning)
        #expect(output.text.hasPrefix("=== a.md\n--- [first] line 3"))
        #expect(!output.text.contains("after the slow block"))
        #expect(!output.text.contains("b quick"))
    }

    @Test func twoJobsKeepNotebooksWholeAndInOrderWithErrorsUnderTheirBlock() throws {
        let folder = try TemporaryFolder("stream")
        defer { folder.remove() }
        try Self.notebook(slowTimeout: 2).write(to: folder.url("a.md"), atomically: true, encoding: .utf8)
        try Self.quick.write(to: folder.url("b.md"), atomically: true, encoding: .utf8)
        let (process, output) = try Self.start(["run", "a.md", "b.md", "--no-cache", "-j", "2"], in: folder)
        #expect(output.waitForEnd())
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let text = output.text
        let marks = [
            "=== a.md", "first output", "--- [slow] line 7: FAILED", "a.md:", "error: block timed out after 2 s",
            "--- [after] line 13", "after the slow block", "=== b.md", "b quick", "2 notebooks"
        ]
        let places = marks.map { text.range(of: $0)?.lowerBound }
        #expect(!places.contains(nil), "\(text)")
        let found = places.compactMap { $0 }
        #expect(found == found.sorted(), "\(text)")
    }

    @Test(arguments: [false, true])
    func progressReachesAPipeOnlyWithTheOption(_ asked: Bool) throws {
        let folder = try TemporaryFolder("stream")
        defer { folder.remove() }
        try Self.notebook(slowTimeout: 3).write(to: folder.url("a.md"), atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["run", folder.path("a.md"), "--no-cache"] + (asked ? ["--progress"] : []), scratch: folder,
            environment: ["CI": ""], watchdog: Self.watchdog)
        #expect(r.status == 1, "\(r.transcript)")
        // The slow block runs its 3 s: a status is due at 1 s, once a second after that.
        let lines = r.err.split(separator: "\n").filter { $0.hasPrefix("[a.md slow] ") }
        if asked {
            #expect(!lines.isEmpty, "\(r.transcript)")
            #expect(lines.allSatisfy { $0.hasSuffix(" s") }, "\(r.transcript)")
        } else {
            #expect(lines.isEmpty, "\(r.transcript)")
        }
        #expect(!r.err.contains("\u{1B}") && !r.out.contains("\u{1B}") && !r.out.contains("[a.md slow]"))
    }

    @Test(arguments: [[:], ["TANGENT_IN_PROCESS": "1"]])
    func trainingStepsReachTheStatus(_ environment: [String: String]) throws {
        let folder = try TemporaryFolder("stream")
        defer { folder.remove() }
        // Training, then a loop that keeps the block running until its timeout, so the status
        // (which keeps the block's last progress) is due whatever the speed of training.
        let text = """
            # Training

            ```ntk {#fit timeout=2}
            X = randn(10, 3)
            Y = randn(10, 1)
            net = mlp(depth: 1, width: 8)
            p = train(net, init(net, X), X, Y, steps: 50, learning_rate: 0.1)
            while 1 > 0:
                p = p
            ```
            """
        try text.write(to: folder.url("a.md"), atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["run", folder.path("a.md"), "--no-cache", "--progress"], scratch: folder,
            environment: environment.merging(["CI": ""]) { $1 }, watchdog: Self.watchdog)
        #expect(r.status == 1, "\(r.transcript)")
        let status = #/\[a\.md fit\] [0-9.]+ s step ([0-9]+)/50 loss [0-9.e+-]+/#
        let steps = r.err.split(separator: "\n").compactMap { try? status.wholeMatch(in: $0).map { Int($0.1)! } }
        #expect(!steps.isEmpty && steps.allSatisfy { (0...50).contains($0) }, "\(r.transcript)")
    }

    @Test func theStatusIsLiveOnlyOnATerminalAndPlainOnlyWhenAsked() {
        func mode(_ progress: Bool, quiet: Bool = false, tty: Bool, _ env: [String: String] = [:]) -> String {
            switch ProgressDisplay.mode(progress: progress, quiet: quiet, stderrIsTerminal: tty, environment: env) {
            case .live: "live"
            case .lines: "lines"
            case nil: "none"
            }
        }
        #expect(mode(false, tty: true) == "live")
        #expect(mode(false, tty: false) == "none")
        #expect(mode(true, tty: false) == "lines")
        #expect(mode(false, quiet: true, tty: true) == "none")
        #expect(mode(true, quiet: true, tty: true) == "live")
        #expect(mode(false, tty: true, ["CI": "true"]) == "none")
        #expect(mode(false, tty: true, ["TERM": "dumb"]) == "none")
        #expect(mode(true, tty: true, ["CI": "true"]) == "lines")
    }

    /// A file name is untrusted: its escape sequences never reach the terminal.
    @Test func theStatusLineShowsControlCharactersAsQuestionMarks() {
        let text = ProgressDisplay.status(
            label: "evil\u{1b}]0;title\u{07}.md b1", seconds: 2, detail: "step 1\u{9b}2J", others: 0)
        #expect(text == "[evil?]0;title?.md b1] 2.0 s step 1?2J")
    }

    @Test func progressReadsAsStepsAndTiles() {
        #expect(
            ProgressText.detail(.step(done: 3400, total: 10000, loss: 0.0123)) == "step 3400/10000 loss 0.0123")
        #expect(ProgressText.detail(.tile(done: 12, total: 40)) == "tile 12/40")
        #expect(ProgressText.detail(.pair(done: 900, total: 19900)) == "pair 900/19900")
        #expect(
            ProgressDisplay.status(label: "nb.md b3", seconds: 12.43, detail: "tile 12/40", others: 1)
                == "[nb.md b3] 12.4 s tile 12/40 (+1 running)")
    }

    /// The screen a terminal shows after `raw`: `\r` returns to the line's start, `ESC[K`
    /// erases to its end, `\n` starts a new line.
    static func screen(_ raw: String) -> [String] {
        var lines: [String] = []
        var line: [Unicode.Scalar] = []
        var column = 0
        // Scalars, not characters: "\r\n" is one Character.
        var rest = Substring.UnicodeScalarView(raw.unicodeScalars)
        while let c = rest.first {
            if rest.starts(with: "\u{1B}[K".unicodeScalars) {
                line.removeSubrange(min(column, line.count)...)
                rest = rest.dropFirst(3)
                continue
            }
            rest = rest.dropFirst()
            switch c {
            case "\r": column = 0
            case "\n":
                lines.append(String(String.UnicodeScalarView(line)))
                (line, column) = ([], 0)
            default:
                if column < line.count { line[column] = c } else { line.append(c) }
                column += 1
            }
        }
        if !line.isEmpty { lines.append(String(String.UnicodeScalarView(line))) }
        return lines
    }

    @Test func screenFollowsCarriageReturnsAndErasures() {
        #expect(Self.screen("abc\r\u{1B}[Kxy\nsecond\r\nthird") == ["xy", "second", "third"])
        #expect(Self.screen("status\rab\n") == ["abatus"])
    }

    /// A pseudo-terminal: its controlling side and the terminal a program writes to.
    /// (`posix_openpt` and friends are not in Swift's Glibc module: /dev/ptmx and the Linux
    /// ioctls they are made of, TIOCSPTLCK to unlock and TIOCGPTN for the terminal's number.)
    static func openTerminal() -> (master: Int32, slave: Int32)? {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            _ = close(master)
            return nil
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            _ = close(master)
            return nil
        }
        return (master, slave)
    }

    @Test func theStatusLineIsShownOnATerminalAndErased() throws {
        let folder = try TemporaryFolder("stream")
        defer { folder.remove() }
        try Self.notebook(slowTimeout: 3).write(to: folder.url("a.md"), atomically: true, encoding: .utf8)
        let (master, slave) = try #require(Self.openTerminal())
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        let process = Process()
        process.executableURL = TangentBinary.url
        process.arguments = ["run", "a.md", "--no-cache"]
        process.currentDirectoryURL = folder.root
        process.environment = ProcessInfo.processInfo.environment.merging(["CI": "", "TERM": "xterm"]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        _ = close(slave)
        let output = LiveOutput(reading: master)  // ends with EIO once the terminal has no writer
        #expect(output.waitForEnd())
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let raw = output.text
        #expect(raw.contains("\r\u{1B}[K[a.md slow] "), "the status line was never shown: \(raw)")
        let screen = Self.screen(raw)
        #expect(!screen.contains { $0.contains("[a.md slow]") }, "\(screen)")
        #expect(screen.contains("after the slow block"), "\(screen)")
        #expect(screen.last?.hasPrefix("1 notebook, 3 blocks") == true, "\(screen)")
    }
}
