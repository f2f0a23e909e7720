import Foundation
import TestSupport
import Testing

@testable import TangentCLI

@Suite struct ReportMergeTests {
    /// The corpus (good, failing, mismatching and unreadable notebooks, one in a subfolder)
    /// checked in N shards and merged: the same JSON and JUnit report, and exit status, as one
    /// `check` over all of it, apart from the times.
    @Test(arguments: [1, 2, 3, 7])
    func mergedShardsReportWhatOneRunReports(_ shards: Int) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let corpus = sandbox.root.appendingPathComponent("corpus")
        try FileManager.default.copyItem(at: CorpusManifest.directory, to: corpus)
        let full = CapturedConsole.run([
            "check", corpus.path, "--json", sandbox.path("full.json"), "--junit", sandbox.path("full.xml")
        ])
        #expect(full.status == 2)

        var reports: [String] = []
        var picked: [String] = []
        for i in 1...shards {
            let report = sandbox.path("shard-\(i).json")
            let r = CapturedConsole.run(["check", corpus.path, "--shard", "\(i)/\(shards)", "--json", report])
            #expect(r.out.hasPrefix("shard \(i)/\(shards): "), "\(r.out)")
            let json = try CorpusReport.load(report)
            #expect(CorpusReport.int(json["exit_code"]) == Int(r.status))
            picked += CorpusReport.notebooks(json).compactMap { $0["path"] as? String }
            reports.append(report)
        }
        // Disjoint and complete.
        let all = CorpusReport.notebooks(try CorpusReport.load(sandbox.path("full.json"))).compactMap {
            $0["path"] as? String
        }
        #expect(picked.count == all.count)
        #expect(Set(picked) == Set(all))

        let merged = CapturedConsole.run(
            ["report", "merge"] + reports.reversed()
                + ["--json", sandbox.path("merged.json"), "--junit", sandbox.path("merged.xml")])
        #expect(merged.status == full.status, "\(merged.err)")
        #expect(merged.out.hasPrefix("\(shards) report\(shards == 1 ? "" : "s"), "), "\(merged.out)")
        #expect(try Untimed.report(sandbox.path("merged.json")) == Untimed.report(sandbox.path("full.json")))
        let xml = { (name: String) throws in
            Untimed.text(try String(contentsOfFile: sandbox.path(name), encoding: .utf8))
        }
        #expect(try xml("merged.xml") == xml("full.xml"))
    }

    static func minimal(exitCode: Int, notebooks: String = "[]") -> String {
        "{\"tangent\": \"0.2.0\", \"command\": \"check\", \"exit_code\": \(exitCode), \"notebooks\": \(notebooks)}"
    }

    /// Exit statuses from the most to the least severe, as docs/language.md#command-line and
    /// `Session` rank them.
    static let severity: [Int32] = [2, 1, 3, 0]

    @Test func mergeExitsWithTheMostSevereStatus() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        for a in ReportMergeTests.severity {
            for b in ReportMergeTests.severity {
                try ReportMergeTests.minimal(exitCode: Int(a)).write(
                    toFile: sandbox.path("a.json"), atomically: true, encoding: .utf8)
                try ReportMergeTests.minimal(exitCode: Int(b)).write(
                    toFile: sandbox.path("b.json"), atomically: true, encoding: .utf8)
                let r = CapturedConsole.run([
                    "report", "merge", sandbox.path("a.json"), sandbox.path("b.json"), "--json", sandbox.path("m.json")
                ])
                let expected = ReportMergeTests.severity.first { $0 == a || $0 == b }!
                #expect(r.status == expected, "\(a) and \(b)")
                #expect(CorpusReport.int(try CorpusReport.load(sandbox.path("m.json"))["exit_code"]) == Int(expected))
            }
        }
    }

    @Test(arguments: [
        ("{", "not valid JSON"),
        ("[1, 2]", "expected an object"),
        (
            "{\"tangent\": \"0.2.0\", \"command\": \"check\", \"exit_code\": 0}",
            "'notebooks' is missing or not an array"
        ),
        (minimal(exitCode: 7), "'exit_code' is 7"),
        (
            minimal(
                exitCode: 0,
                notebooks:
                    "[{\"path\": \"a.md\", \"status\": \"ok\", \"blocks\": [{\"id\": \"x\", \"line\": 3, \"status\": \"exploded\"}]}]"
            ),
            "'notebooks[0].blocks[0].status' is 'exploded'"
        ),
        (
            minimal(exitCode: 0, notebooks: "[{\"status\": \"ok\", \"blocks\": []}]"),
            "'notebooks[0].path' is missing or not a string"
        ),
        (
            minimal(
                exitCode: 1,
                notebooks: "[{\"path\": \"a.md\", \"status\": \"ok\", \"blocks\": [], \"errors\": [{\"line\": 2}]}]"),
            "'notebooks[0].errors[0].message' is missing"
        )
    ])
    func malformedReportsAreRefused(_ text: String, _ message: String) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try ReportMergeTests.minimal(exitCode: 0).write(
            toFile: sandbox.path("good.json"), atomically: true, encoding: .utf8)
        try text.write(toFile: sandbox.path("bad.json"), atomically: true, encoding: .utf8)
        let r = CapturedConsole.run([
            "report", "merge", sandbox.path("good.json"), sandbox.path("bad.json"), "--json", sandbox.path("m.json")
        ])
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("\(sandbox.path("bad.json")): error: ") && r.err.contains(message), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("m.json")))
    }

    @Test func overlappingShardsAreRefused() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let one = ReportMergeTests.minimal(
            exitCode: 0, notebooks: "[{\"path\": \"a.md\", \"status\": \"ok\", \"blocks\": []}]")
        try one.write(toFile: sandbox.path("1.json"), atomically: true, encoding: .utf8)
        try one.write(toFile: sandbox.path("2.json"), atomically: true, encoding: .utf8)
        let r = CapturedConsole.run(["report", "merge", sandbox.path("1.json"), sandbox.path("2.json")])
        #expect(r.status == 2)
        #expect(
            r.err
                == "\(sandbox.path("2.json")): error: notebook 'a.md' is also in '\(sandbox.path("1.json"))' (do the shards overlap?)\n"
        )
    }

    @Test func missingReportIsAnInputError() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let r = CapturedConsole.run(["report", "merge", sandbox.path("nowhere.json")])
        #expect(r.status == 2)
        #expect(r.err == "\(sandbox.path("nowhere.json")): error: cannot read the file\n")
    }

    @Test func helpPrintsTheUsage() {
        let r = CapturedConsole.run(["report", "merge", "--help"])
        #expect(r.status == 0 && r.out == ReportCommand.usage + "\n" && r.err.isEmpty)
    }

    @Test(arguments: [
        (["report"], "needs a command: merge"),
        (["report", "mrege", "a.json"], "unknown report command 'mrege'"),
        (["report", "merge"], "needs at least one JSON report"),
        (["report", "merge", "a.json", "--xml", "out.xml"], "unknown option '--xml'"),
        (["report", "merge", "a.json", "--json"], "option '--json' needs a value")
    ])
    func badMergeCommandLinesAreUsageErrors(_ arguments: [String], _ message: String) {
        let r = CapturedConsole.run(arguments)
        #expect(r.status == 2)
        #expect(
            r.err.hasPrefix("error: ") && r.err.contains(message) && r.err.contains(ReportCommand.usage), "\(r.err)")
    }
}
