import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Bad notebooks too large to commit, built in a temporary folder and run by the built binary
// (`.build/debug/tangent`) in a child process, so that a crash or a hang is a failed test rather
// than a dead test runner. Each case checks the located error, the exit status and that the run
// finishes within a generous limit (the limit guards against hangs; it is not a speed test).
//
// Cases for which Tangent is known to misbehave run inside `withKnownIssue`; see
// CorpusPending/README.md. When the bug is fixed the case reports "known issue was not recorded":
// then delete the `withKnownIssue` wrapper.

/// One run of the binary on a generated notebook: how it ended, the start of standard error and
/// the `--json` report.
struct LargeRun {
    var status: Int32
    var reason: Process.TerminationReason
    var timedOut: Bool
    /// The first 64 KiB of standard error (a diagnostic echoes its source line, which can be huge).
    var errHead: String
    var jsonPath: String

    var ended: String {
        timedOut ? "killed after the time limit" : "\(reason == .exit ? "exit" : "signal") \(status)"
    }

    var transcript: String { "--- \(ended)\n--- stderr (start):\n\(errHead.prefix(2000))" }

    /// `tangent run PATH --json report.json` in `sandbox`, killed after `limit` seconds.
    static func run(_ notebook: String, in sandbox: TemporaryFolder, limit: Double = 600) throws -> LargeRun {
        let errURL = sandbox.root.appendingPathComponent("stderr.txt")
        let jsonPath = sandbox.path("report.json")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let errFile = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = TangentBinary.url
        process.arguments = ["run", notebook, "--json", jsonPath, "--no-cache"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errFile
        try process.run()
        let deadline = Date().addingTimeInterval(limit)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        try errFile.close()
        let reader = try FileHandle(forReadingFrom: errURL)
        defer { try? reader.close() }
        let head = try reader.read(upToCount: 1 << 16) ?? Data()
        return LargeRun(
            status: process.terminationStatus, reason: process.terminationReason, timedOut: timedOut,
            errHead: String(decoding: head, as: UTF8.self), jsonPath: jsonPath)
    }

    /// The run ended normally with `exit`, stderr starts its first error with `PATH:LINE:COL: error: `
    /// and `message`, and the JSON report's first error has the same place.
    func expectLocated(_ path: String, line: Int, column: Int, exit: Int32, message: String) throws {
        #expect(!timedOut && reason == .exit && status == exit, "\(transcript)")
        let header = "\(path):\(line):\(column): error: "
        let firstError = errHead.split(separator: "\n").first { $0.contains(": error: ") }.map(String.init)
        #expect(firstError?.hasPrefix(header) == true, "the first error does not start with '\(header)'\n\(transcript)")
        #expect(firstError?.contains(message) == true, "the first error lacks \"\(message)\"\n\(transcript)")
        let report = try CorpusReport.load(jsonPath)
        #expect(CorpusReport.int(report["exit_code"]) == Int(exit))
        let first = try #require(CorpusReport.errors(report).first, "the JSON report lists no error\n\(transcript)")
        #expect(
            CorpusReport.int(first["line"]) == line && CorpusReport.int(first["column"]) == column,
            "JSON errors[0] is at \(first["line"] ?? "?"):\(first["column"] ?? "?")")
        #expect((first["message"] as? String)?.contains(message) == true)
    }
}

/// Writes a generated notebook piece by piece (the large ones never exist as one Swift string).
struct NotebookWriter {
    let path: String
    private let handle: FileHandle

    init(_ sandbox: TemporaryFolder, _ name: String) throws {
        path = sandbox.path(name)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ text: String) throws { try handle.write(contentsOf: Data(text.utf8)) }

    /// `unit` written `count` times, in chunks.
    func repeating(_ unit: String, _ count: Int) throws {
        let perChunk = max(1, (1 << 20) / max(unit.utf8.count, 1))
        let chunk = Data(String(repeating: unit, count: min(perChunk, count)).utf8)
        var left = count
        while left >= perChunk {
            try handle.write(contentsOf: chunk)
            left -= perChunk
        }
        if left > 0 { try handle.write(contentsOf: Data(String(repeating: unit, count: left).utf8)) }
    }

    func close() throws { try handle.close() }
}

@Suite(.serialized, .enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct LargeInputTests {
    static let megabytes100 = 100 * 1024 * 1024

    /// A 100 MiB line of code (a string literal of 100 MiB, then a bad character): refused as a
    /// whole, at its first column, before it is lexed (lines of code are limited to 1 MiB).
    @Test func hundredMegabyteLineOfCode() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = try NotebookWriter(sandbox, "long_line.md")
        try nb.write("# One long line\n\n```ntk\ns = \"")
        try nb.repeating("a", Self.megabytes100)
        try nb.write("\" + $\n```\n\n```ntk\nshow s\n```\n")
        try nb.close()
        let run = try LargeRun.run(nb.path, in: sandbox)
        try run.expectLocated(nb.path, line: 4, column: 1, exit: 1, message: "this line of code is 100 MiB long")
    }

    /// A 100 MiB line of prose before a block with an unknown name.
    @Test func hundredMegabyteLineOfProse() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = try NotebookWriter(sandbox, "long_prose.md")
        try nb.write("# One long paragraph\n\n")
        try nb.repeating("word ", Self.megabytes100 / 5)
        try nb.write("\n\n```ntk\ny = x + 1\n```\n\n```ntk\nshow y\n```\n")
        try nb.close()
        let run = try LargeRun.run(nb.path, in: sandbox)
        try run.expectLocated(nb.path, line: 6, column: 5, exit: 1, message: "unknown name 'x'")
    }

    /// 10 000 blocks; the last one reads a name no block binds.
    @Test func tenThousandBlocks() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = try NotebookWriter(sandbox, "many_blocks.md")
        try nb.write("# Ten thousand blocks\n\n")
        var text = ""
        for k in 0..<9_999 { text += "```ntk\nx\(k) = \(k)\n```\n\n" }
        try nb.write(text)
        try nb.write("```ntk\ny = x9998 + z\n```\n")
        try nb.close()
        // Block k (0-based) opens at line 3 + 4k; the last one (k = 9999) has its code on line 40 000.
        let run = try LargeRun.run(nb.path, in: sandbox)
        try run.expectLocated(nb.path, line: 40_000, column: 13, exit: 1, message: "unknown name 'z'")
        let report = try CorpusReport.load(run.jsonPath)
        let blocks = CorpusReport.notebooks(report).flatMap(CorpusReport.blocks)
        #expect(blocks.count == 10_000)
        #expect(blocks.dropLast().allSatisfy { $0["status"] as? String == "ran" })
        #expect(blocks.last?["status"] as? String == "failed")
    }

    /// An expression nested 100 000 levels deep is refused at level 201, never by the stack.
    @Test(arguments: [
        ("parentheses", "(", "1", ")"),
        ("brackets", "[", "1", "]"),
        ("calls", "abs(", "1", ")"),
        ("unary minus", "-", "1", ""),
        ("not", "not ", "true", "")
    ])
    func hundredThousandDeepExpression(_ kind: String, _ open: String, _ core: String, _ close: String) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let depth = 100_000
        let nb = try NotebookWriter(sandbox, "deep.md")
        try nb.write("# Deep \(kind)\n\n```ntk\nx = ")
        try nb.repeating(open, depth)
        try nb.write(core)
        try nb.repeating(close, depth)
        try nb.write("\n```\n\n```ntk\nshow x\n```\n")
        try nb.close()
        // The error is at the 201st opener: column 4 + 200 openers + 1.
        let column = 4 + 200 * open.count + 1
        let run = try LargeRun.run(nb.path, in: sandbox)
        try run.expectLocated(nb.path, line: 4, column: column, exit: 1, message: "expression is nested too deeply")
    }

    /// A chain of 100 000 additions (deep tree, no recursion in the parser) is refused too.
    @Test func hundredThousandTermSum() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = try NotebookWriter(sandbox, "long_sum.md")
        try nb.write("# A long sum\n\n```ntk\nx = 1")
        try nb.repeating(" + 1", 100_000)
        try nb.write("\n```\n\n```ntk\nshow x\n```\n")
        try nb.close()
        let run = try LargeRun.run(nb.path, in: sandbox)
        try run.expectLocated(nb.path, line: 4, column: 5, exit: 1, message: "expression is nested too deeply")
    }

    /// Markdown nested 100 000 levels deep in the prose: refused at the line where it goes
    /// deeper than `MarkdownDocument.maxDepth` (it used to overflow the stack converting
    /// cmark's tree), and 400 levels (800 nodes deep for lists) still read normally.
    @Test(arguments: [
        ("block quotes", ">", " quote"),
        ("list items", "- ", "item"),
        ("emphasis", "*", "x")
    ])
    func hundredThousandDeepMarkdown(_ kind: String, _ unit: String, _ core: String) throws {
        for (depth, refused) in [(100_000, true), (400, false)] {
            let sandbox = try TemporaryFolder("corpus")
            defer { sandbox.remove() }
            let nb = try NotebookWriter(sandbox, "deep_markdown.md")
            try nb.write("# Deep \(kind)\n\n")
            try nb.repeating(unit, depth)
            try nb.write(core)
            if kind == "emphasis" { try nb.repeating(unit, depth) }
            try nb.write("\n\n```ntk\ny = x + 1\n```\n\n```ntk\nshow y\n```\n")
            try nb.close()
            let run = try LargeRun.run(nb.path, in: sandbox)
            if refused {
                #expect(run.status == 2, "\(kind): \(run.status)")
                #expect(
                    run.errHead.contains(":3:") && run.errHead.contains("nested more than 1000 levels deep"),
                    "\(kind): \(run.transcript)")
            } else {
                try run.expectLocated(nb.path, line: 6, column: 5, exit: 1, message: "unknown name 'x'")
            }
        }
    }
}
