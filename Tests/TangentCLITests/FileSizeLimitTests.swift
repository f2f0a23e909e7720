import Foundation
import TestSupport
import Testing

/// Under a file-size limit (`ulimit -f`) a write that would pass it fails with "File too large"
/// (EFBIG) instead of SIGXFSZ killing the process: a clear error, the usual exit status, and
/// no temporary file left behind.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct FileSizeLimitTests {
    /// The limit the runs get, in KiB (what `ulimit -f` takes in bash).
    static let limitKiB = 64

    /// A block that prints a string of 16 · 2^13 = 128 KiB: more than the limit, well under the
    /// output cap. Doubling by lines: the language has no loops.
    static let bigPrint: String = {
        var code = "s = \"0123456789abcdef\"\n"
        for _ in 0..<13 { code += "s = s + s\n" }
        return "# Big\n\n```ntk\n" + code + "print(s)\n```\n"
    }()

    static func expectNoTemporaryFiles(_ sandbox: TemporaryFolder, _ r: TangentBinary.Result) {
        let left = sandbox.temporaryFiles()
        #expect(left.isEmpty, "temporary files left: \(left)\n\(r.transcript)")
    }

    @Test func updateOfANotebookThatWouldPassTheLimitExits2() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        try Self.bigPrint.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["update", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox, fileSizeLimitKiB: Self.limitKiB
        )
        #expect(r.reason == .exit && r.status == 2, "\(r.transcript)")
        #expect(
            r.err.contains("\(nb): error: ") && r.err.contains("cannot write file: File too large"), "\(r.transcript)")
        #expect(try String(contentsOfFile: nb, encoding: .utf8) == Self.bigPrint, "the notebook changed")
        Self.expectNoTemporaryFiles(sandbox, r)
    }

    @Test func saveOfABigMatrixIsALocatedBlockFailure() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        // 200 × 100 doubles: 160 000 bytes of .npy data, over 64 KiB.
        let line = "save(zeros(200, 100), \"big.npy\")"
        try "# Save\n\n```ntk\n\(line)\n```\n".write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["run", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox, fileSizeLimitKiB: Self.limitKiB)
        #expect(r.reason == .exit && r.status == 1, "\(r.transcript)")
        let column = try #require(DiagnosticText.column(of: "\"big.npy\"", in: line))
        #expect(
            r.err.contains("\(nb):4:\(column): error: cannot save 'big.npy': cannot write file: File too large"),
            "\(r.transcript)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("big.npy")))
        Self.expectNoTemporaryFiles(sandbox, r)
    }

    @Test func aJSONReportThatWouldPassTheLimitExits2() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        let report = sandbox.path("report.json")
        try Self.bigPrint.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["run", nb, "--no-cache", "--quiet", "--json", report], in: sandbox.root, scratch: sandbox,
            fileSizeLimitKiB: Self.limitKiB)
        #expect(r.reason == .exit && r.status == 2, "\(r.transcript)")
        #expect(
            r.err.contains("error: cannot write the JSON report '\(report)': cannot write file: File too large"),
            "\(r.transcript)")
        #expect(!FileManager.default.fileExists(atPath: report))
        Self.expectNoTemporaryFiles(sandbox, r)
    }

    @Test func renderOfAPageThatWouldPassTheLimitExits2() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        let site = sandbox.path("site")
        try Self.bigPrint.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["render", nb, "--no-cache", "--quiet", "--out", site], in: sandbox.root, scratch: sandbox,
            fileSizeLimitKiB: Self.limitKiB)
        #expect(r.reason == .exit && r.status == 2, "\(r.transcript)")
        #expect(
            r.err.contains("error: cannot render the site into '\(site)': cannot write file: File too large"),
            "\(r.transcript)")
        Self.expectNoTemporaryFiles(sandbox, r)
    }
}
