import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Process-level tests of the built `tangent` binary: exit statuses as the shell sees them,
// `--json` files, usage, and a standard output that is closed before the run writes to it.
// The binary is `.build/debug/tangent` (located from #filePath); without it these tests are
// skipped: run `swift build` first. (TangentBinary is in TestSupport.)

@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct CLITests {
    @Test func goodNotebookExitsZeroAndWritesJSON() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try sandbox.copy("expect_error_good.md")
        let notebook = sandbox.path("expect_error_good.md")
        let json = sandbox.path("out/report.json")

        let r = try TangentBinary.run(["run", notebook, "--json", json], scratch: sandbox)
        #expect(r.reason == .exit && r.status == 0, "\(r.transcript)")
        #expect(r.out.contains("ridge trace 2.2"), "\(r.transcript)")
        #expect(!r.err.contains("error:"), "\(r.transcript)")

        let report = try CorpusReport.load(json)
        #expect(CorpusReport.int(report["exit_code"]) == 0)
        #expect(report["command"] as? String == "run")
        let notebooks = CorpusReport.notebooks(report)
        #expect(notebooks.count == 1)
        #expect(notebooks.first?["path"] as? String == notebook)
        #expect(notebooks.first?["status"] as? String == "ok")
        #expect(CorpusReport.errors(report).isEmpty)
    }

    @Test func badNotebookExitsOneWithLocatedError() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try sandbox.copy("name_linspce.md")

        // A relative path is shown as given, relative to the working directory.
        let r = try TangentBinary.run(
            ["run", "name_linspce.md", "--json", "report.json"],
            in: sandbox.root, scratch: sandbox)
        #expect(r.reason == .exit && r.status == 1, "\(r.transcript)")
        let header = "name_linspce.md:6:5: error: unknown function 'linspce' (did you mean 'linspace'?)"
        let lines = r.err.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex(of: header), "no '\(header)'\n\(r.transcript)")
        #expect(
            lines.count > i + 2 && lines[i + 1] == "x = linspce(0, 1, 10)" && lines[i + 2] == "    ^~~~~~~",
            "\(r.transcript)")

        let report = try CorpusReport.load(sandbox.path("report.json"))
        #expect(CorpusReport.int(report["exit_code"]) == 1)
        let first = try #require(CorpusReport.errors(report).first)
        #expect(first["file"] as? String == "name_linspce.md")
        #expect(CorpusReport.int(first["line"]) == 6)
        #expect(CorpusReport.int(first["column"]) == 5)
        let blocks = CorpusReport.notebooks(report).flatMap(CorpusReport.blocks)
        #expect(blocks.map { $0["status"] as? String } == ["failed", "skipped"])
    }

    @Test func helpExitsZero() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let r = try TangentBinary.run(["--help"], scratch: sandbox)
        #expect(r.reason == .exit && r.status == 0, "\(r.transcript)")
        #expect(r.out.contains("usage: tangent run"), "\(r.transcript)")
        #expect(r.err.isEmpty, "\(r.transcript)")
    }

    @Test func noArgumentsExitsTwoWithUsage() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let r = try TangentBinary.run([], scratch: sandbox)
        #expect(r.reason == .exit && r.status == 2, "\(r.transcript)")
        #expect(r.err.contains("usage: tangent run"), "\(r.transcript)")
    }

    /// `tangent run nb.md | head`: standard output is a pipe nobody reads any more. The run must
    /// neither die of SIGPIPE nor crash on the failed write (docs/language.md#command-line; a run
    /// never exits on a signal); it finishes and writes its JSON report.
    @Test func closedStandardOutputDoesNotKillTheRun() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try sandbox.copy("expect_error_good.md")
        let json = sandbox.path("report.json")

        // A pipe whose read end is closed before the child starts: every write gets EPIPE/SIGPIPE.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let writeEnd = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        let r = try TangentBinary.run(
            ["run", sandbox.path("expect_error_good.md"), "--json", json],
            scratch: sandbox, stdout: writeEnd)
        try? writeEnd.close()

        #expect(r.reason == .exit, "the run ended on a signal\n\(r.transcript)")
        #expect(r.status == 0, "\(r.transcript)")
        #expect(!r.err.contains("Fatal error"), "\(r.transcript)")
        #expect(FileManager.default.fileExists(atPath: json), "no JSON report")
        if FileManager.default.fileExists(atPath: json) {
            #expect(throws: Never.self) { _ = try CorpusReport.load(json) }
        }
    }
}
