import Foundation
import Language
import TangentCLI
import TestSupport
import Testing

// The bad-notebook corpus: every notebook in Corpus/ is listed in Corpus/manifest.json with the
// place of its first error (file:line:col), the exit status, a piece of the message and, when it
// matters, a piece of standard output. Each case runs `tangent run PATH --json FILE` in process on
// a copy of the notebook in a fresh temporary folder (nothing is written into the source tree),
// and checks the diagnostic on stderr (header, echoed source line, caret) and in the JSON report.
//
// A case may carry `knownIssue: {bug, checks}`: the named check groups ("exit", "diagnostic",
// "json", "stdout"; all of them when `checks` is absent) run inside `withKnownIssue`, so a known
// bug in Sources/ keeps the suite green; once the bug is fixed the case reports "known issue was
// not recorded" and the `knownIssue` entry should be deleted.

// MARK: - The manifest

struct CorpusCase: Decodable, Sendable, CustomTestStringConvertible {
    struct KnownIssue: Decodable, Sendable {
        var bug: String
        /// Check groups the bug affects; nil means every group.
        var checks: [String]?
    }

    /// What `tangent run` is given, relative to Corpus/: a notebook or a folder.
    var file: String
    /// The notebook holding the first error, relative to Corpus/ (default: `file`).
    var errorFile: String?
    /// Place of the first error; for an exit-0 case, of the error an `expect=error` block raised.
    var line: Int
    var column: Int
    var exit: Int32
    /// A substring of the error message.
    var message: String
    /// A substring of standard output.
    var stdout: String?
    var knownIssue: KnownIssue?

    var testDescription: String { file }
}

/// A command line that must be refused with exit status 2 and the usage text.
struct CorpusUsageCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    /// Arguments; `$CORPUS/` stands for the temporary copy of the corpus folder.
    var args: [String]
    var exit: Int32
    var message: String

    var testDescription: String { name }
}

struct CorpusManifest: Decodable, Sendable {
    var notebooks: [CorpusCase]
    var usage: [CorpusUsageCase]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Corpus", isDirectory: true)
    static let url = directory.appendingPathComponent("manifest.json")

    static func load() throws -> CorpusManifest {
        try JSONDecoder().decode(CorpusManifest.self, from: Data(contentsOf: url))
    }

    /// The manifest, or an empty one when it cannot be read (`manifestIsComplete` then fails).
    static let shared: CorpusManifest = (try? load()) ?? CorpusManifest(notebooks: [], usage: [])
}

// MARK: - Helpers shared with CLITests

/// Copying the corpus into a temporary folder (the folder itself is TestSupport's).
extension TemporaryFolder {
    /// Copies `relative` (a file or folder of Corpus/) to the same relative place in the folder.
    func copy(_ relative: String) throws {
        let source = CorpusManifest.directory.appendingPathComponent(relative)
        let target = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(),
            withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: target)
    }

    /// The corpus `data/` folder (the files `load` reads), beside the notebooks.
    func copyData() throws {
        if FileManager.default.fileExists(atPath: CorpusManifest.directory.appendingPathComponent("data").path) {
            try copy("data")
        }
    }
}

/// Reading the `--json` report.
enum CorpusReport {
    static func load(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any],
            "the JSON report is not an object")
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let i as Int: return i
        case let d as Double: return d == d.rounded() ? Int(d) : nil
        case let n as NSNumber: return n.intValue
        default: return nil
        }
    }

    static func notebooks(_ report: [String: Any]) -> [[String: Any]] {
        report["notebooks"] as? [[String: Any]] ?? []
    }

    static func blocks(_ notebook: [String: Any]) -> [[String: Any]] {
        notebook["blocks"] as? [[String: Any]] ?? []
    }

    /// Every error of the report in order: a notebook's own `errors` (if the report has them),
    /// then its blocks' errors.
    static func errors(_ report: [String: Any]) -> [[String: Any]] {
        notebooks(report).flatMap { nb in
            (nb["errors"] as? [[String: Any]] ?? []) + blocks(nb).flatMap { $0["errors"] as? [[String: Any]] ?? [] }
        }
    }
}

/// Line `n` (1-based) of a file as the user sees it: split at "\n", without a trailing "\r",
/// decoded leniently so that a file that is not UTF-8 still has lines.
func corpusSourceLine(_ path: String, _ n: Int) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    guard n >= 1, n <= lines.count else { return nil }
    var bytes = Array(lines[n - 1])
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}

// MARK: - Tests

@Suite struct CorpusTests {
    @Test func manifestIsComplete() throws {
        let manifest = try CorpusManifest.load()
        #expect(manifest.notebooks.count >= 170)
        var listed = Set<String>()
        for c in manifest.notebooks {
            let url = CorpusManifest.directory.appendingPathComponent(c.file)
            #expect(FileManager.default.fileExists(atPath: url.path), "\(c.file) is in the manifest but missing")
            listed.insert(c.errorFile ?? c.file)
        }
        #expect(Set(manifest.notebooks.map(\.file)).count == manifest.notebooks.count, "a notebook is listed twice")
        // Every top-level notebook of the corpus has an expectation.
        let names = try FileManager.default.contentsOfDirectory(atPath: CorpusManifest.directory.path)
        for name in names where name.hasSuffix(".md") {
            #expect(listed.contains(name), "Corpus/\(name) has no entry in manifest.json")
        }
        // Line endings and bytes that a careless checkout could change.
        let crlf = try Data(contentsOf: CorpusManifest.directory.appendingPathComponent("crlf.md"))
        #expect(crlf.contains(Data("\r\n".utf8)), "Corpus/crlf.md lost its CRLF line endings")
        let latin1 = try Data(contentsOf: CorpusManifest.directory.appendingPathComponent("non_utf8.md"))
        #expect(String(data: latin1, encoding: .utf8) == nil, "Corpus/non_utf8.md became valid UTF-8")
    }

    /// CorpusPending/ (cases Tangent gets wrong today, outside the test target) lists every
    /// notebook it holds in its manifest, and none of them is also in the corpus.
    @Test func pendingManifestIsComplete() throws {
        struct Pending: Decodable { var notebooks: [CorpusCase] }
        let folder = CorpusManifest.directory.deletingLastPathComponent().appendingPathComponent("CorpusPending")
        let pending = try JSONDecoder().decode(
            Pending.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let listed = Set(pending.notebooks.map(\.file))
        #expect(listed.count == pending.notebooks.count, "a pending notebook is listed twice")
        let names = Set(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
                $0.hasSuffix(".md") && $0 != "README.md"
            })
        #expect(
            names == listed, "CorpusPending/ and its manifest differ: \(names.symmetricDifference(listed).sorted())")
        let corpus = Set(try CorpusManifest.load().notebooks.map(\.file))
        #expect(
            corpus.isDisjoint(with: listed),
            "in both Corpus/ and CorpusPending/: \(corpus.intersection(listed).sorted())")
    }

    /// Every builtin has a case `builtin_NAME.md` whose error is on a line that calls it.
    @Test func everyBuiltinHasACase() throws {
        let manifest = try CorpusManifest.load()
        let names = BuiltinCatalog.entries.map { String($0.signature.prefix { $0 != "(" }) }
        #expect(names.count >= 60)
        for name in names {
            let file = "builtin_\(name).md"
            guard let c = manifest.notebooks.first(where: { $0.file == file }) else {
                Issue.record("no corpus case \(file) for the builtin \(name)()")
                continue
            }
            #expect(c.exit == 1, "\(file) should fail at run time")
            let line = corpusSourceLine(CorpusManifest.directory.appendingPathComponent(file).path, c.line) ?? ""
            #expect(line.contains("\(name)("), "\(file): line \(c.line) does not call \(name)(): '\(line)'")
        }
    }

    @Test(arguments: CorpusManifest.shared.notebooks)
    func notebook(_ c: CorpusCase) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try sandbox.copy(c.file)
        try sandbox.copyData()
        let target = sandbox.path(c.file)
        let jsonPath = sandbox.path("report/report.json")
        let expectedFile = sandbox.path(c.errorFile ?? c.file)

        let run = CapturedConsole.run(["run", target, "--json", jsonPath])
        let transcript = "--- exit \(run.status)\n--- stdout:\n\(run.out)\n--- stderr:\n\(run.err)"

        try checking("exit", c) {
            #expect(run.status == c.exit, "exit status\n\(transcript)")
        }
        if c.exit == 0 {
            try checkGood(c, run: run, jsonPath: jsonPath, expectedFile: expectedFile, transcript: transcript)
        } else {
            try checking("diagnostic", c) {
                checkDiagnostic(c, stderr: run.err, expectedFile: expectedFile, transcript: transcript)
            }
            try checking("json", c) {
                try checkReport(c, jsonPath: jsonPath, expectedFile: expectedFile, transcript: transcript)
            }
        }
        if let piece = c.stdout {
            try checking("stdout", c) {
                #expect(run.out.contains(piece), "stdout lacks \"\(piece)\"\n\(transcript)")
            }
        }
    }

    @Test(arguments: CorpusManifest.shared.usage)
    func usage(_ u: CorpusUsageCase) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        var arguments: [String] = []
        for arg in u.args {
            guard arg.hasPrefix("$CORPUS/") else {
                arguments.append(arg)
                continue
            }
            let relative = String(arg.dropFirst("$CORPUS/".count))
            if FileManager.default.fileExists(atPath: CorpusManifest.directory.appendingPathComponent(relative).path) {
                try sandbox.copy(relative)
            }
            arguments.append(sandbox.path(relative))
        }
        let run = CapturedConsole.run(arguments)
        let transcript = "--- exit \(run.status)\n--- stdout:\n\(run.out)\n--- stderr:\n\(run.err)"
        #expect(run.status == u.exit, "exit status\n\(transcript)")
        #expect(run.err.contains("error: "), "no 'error:' on stderr\n\(transcript)")
        #expect(run.err.contains(u.message), "stderr lacks \"\(u.message)\"\n\(transcript)")
        #expect(run.err.contains("usage: tangent run"), "the usage text is not printed\n\(transcript)")
        // Nothing was run, so no JSON report was written.
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("out.json")))
    }

    // MARK: Checks

    /// Runs a group of checks, inside `withKnownIssue` when the manifest says a bug affects it.
    private func checking(_ group: String, _ c: CorpusCase, _ body: () throws -> Void) throws {
        if let known = c.knownIssue, known.checks?.contains(group) ?? true {
            withKnownIssue(Comment(rawValue: "\(group): \(known.bug)")) { try body() }
        } else {
            try body()
        }
    }

    /// `FILE:LINE:COL: error: message`, then the source line, then a caret under the column.
    private func checkDiagnostic(_ c: CorpusCase, stderr: String, expectedFile: String, transcript: String) {
        let header = "\(expectedFile):\(c.line):\(c.column): error: "
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let i = lines.firstIndex(where: { $0.hasPrefix(header) }) else {
            Issue.record("stderr has no line starting with '\(header)'\n\(transcript)")
            return
        }
        #expect(lines[i].contains(c.message), "message lacks \"\(c.message)\"\n\(transcript)")
        #expect(
            lines.first(where: { $0.contains(": error: ") }) == lines[i],
            "another error is reported before the expected one\n\(transcript)")
        let source = corpusSourceLine(expectedFile, c.line)
        // Long lines are echoed as a window around the column; control characters as '?'.
        let (shown, expectedCaret) = Diagnostic.excerpt(of: source ?? "", column: c.column)
        #expect(
            i + 1 < lines.count && lines[i + 1] == shown,
            "the source line is not echoed as '\(shown.prefix(300))'\n\(transcript)")
        guard i + 2 < lines.count else {
            Issue.record("no caret line\n\(transcript)")
            return
        }
        let caretLine = Array(lines[i + 2])
        let sourceChars = Array(shown)
        guard let caret = caretLine.firstIndex(of: "^") else {
            Issue.record("no '^' on the line after the source line\n\(transcript)")
            return
        }
        #expect(
            caret == expectedCaret,
            "the caret is at offset \(caret), not \(expectedCaret) (column \(c.column))\n\(transcript)")
        // The padding is blank and copies the source's tabs, so the caret lines up in a terminal.
        let padIsAligned = caretLine[..<caret].enumerated().allSatisfy { k, ch in
            k < sourceChars.count && sourceChars[k] == "\t" ? ch == "\t" : ch == " "
        }
        #expect(padIsAligned, "the caret padding does not mirror the source line\n\(transcript)")
        #expect(caretLine[(caret + 1)...].allSatisfy { $0 == "~" }, "unexpected text after the caret\n\(transcript)")
    }

    /// errors[0] of the report is the expected place; every block after the failed one is skipped.
    private func checkReport(_ c: CorpusCase, jsonPath: String, expectedFile: String, transcript: String) throws {
        let report = try CorpusReport.load(jsonPath)
        #expect(CorpusReport.int(report["exit_code"]) == Int(c.exit), "exit_code in the report")
        let first = try #require(CorpusReport.errors(report).first, "the JSON report lists no error\n\(transcript)")
        #expect(first["file"] as? String == expectedFile)
        #expect(CorpusReport.int(first["line"]) == c.line, "errors[0].line is \(first["line"] ?? "nil")")
        #expect(CorpusReport.int(first["column"]) == c.column, "errors[0].column is \(first["column"] ?? "nil")")
        #expect(
            (first["message"] as? String)?.contains(c.message) == true,
            "errors[0].message is \(first["message"] ?? "nil")")

        guard c.exit == 1 else { return }  // input errors (exit 2) have no blocks to run
        let notebook = try #require(
            CorpusReport.notebooks(report).first { $0["path"] as? String == expectedFile },
            "no notebook '\(expectedFile)' in the report")
        let blocks = CorpusReport.blocks(notebook)
        let failed = try #require(blocks.firstIndex { $0["status"] as? String == "failed" }, "no failed block")
        #expect(notebook["status"] as? String == "failed")
        #expect(
            blocks[..<failed].allSatisfy { $0["status"] as? String == "ran" }, "a block before the failure did not run")
        #expect(failed + 1 < blocks.count, "corpus notebooks have a block after the failing one")
        // Later blocks that read what the failed block binds are skipped; independent ones run.
        for (k, b) in blocks.enumerated() where k > failed {
            let status = b["status"] as? String
            #expect(
                status == "skipped" || status == "ran",
                "block \(b["id"] ?? "?") after the failure is \(status ?? "nil")")
        }
    }

    /// A notebook that must pass: no error anywhere; its `expect=error` block raised at line:col.
    private func checkGood(
        _ c: CorpusCase, run: (status: Int32, out: String, err: String), jsonPath: String,
        expectedFile: String, transcript: String
    ) throws {
        #expect(!run.err.contains("error:"), "a passing notebook printed an error\n\(transcript)")
        let report = try CorpusReport.load(jsonPath)
        #expect(CorpusReport.int(report["exit_code"]) == 0)
        #expect(CorpusReport.errors(report).isEmpty, "a passing notebook has errors in the report")
        let blocks = CorpusReport.notebooks(report).flatMap(CorpusReport.blocks)
        #expect(!blocks.isEmpty && blocks.allSatisfy { $0["status"] as? String == "ran" }, "not every block ran")
        let expected = try #require(blocks.first { $0["expected_error"] as? Bool == true }, "no expect=error block")
        let raised = try #require(expected["raised"] as? [String: Any], "the expect=error block has no 'raised'")
        #expect(raised["file"] as? String == expectedFile)
        #expect(CorpusReport.int(raised["line"]) == c.line)
        #expect(CorpusReport.int(raised["column"]) == c.column)
        #expect((raised["message"] as? String)?.contains(c.message) == true)
        #expect(
            run.out.contains("failed as expected"), "stdout does not say the block failed as expected\n\(transcript)")
    }
}
