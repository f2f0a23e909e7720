import Foundation
import Notebook
import TangentSupport
import TestSupport
import Testing

/// Hostile JSON wherever the binary reads JSON: stored output regions (`check`, `export`),
/// `.ipynb` files (`import`), reports (`report merge`, `--timings`) and a site's manifests
/// (`render`). Each used to crash the process (a 100 000-deep `[` overflowed the stack, exit
/// 139; a lone surrogate escape trapped, exit 132); now each ends with its usual status and a
/// clear message.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct JSONHostileInputTests {
    static let deep = String(repeating: "[", count: 100_000)

    /// A stored data line's JSON (named, so that test names stay short).
    enum StoredData: String, CaseIterable, Sendable {
        case deepNesting, loneSurrogate

        var json: String {
            switch self {
            case .deepNesting: JSONHostileInputTests.deep
            case .loneSurrogate: #"[{"kind":"text","text":"\uD800\u0041","line":0}]"#
            }
        }
    }

    /// A report file's text.
    enum HostileReport: String, CaseIterable, Sendable {
        case deepNesting, highSurrogateThenLetter, overflowingNumber

        var text: String {
            let start = #"{"tangent": "0", "command": "run", "exit_code": 0, "notebooks": [], "x": "#
            switch self {
            case .deepNesting: return JSONHostileInputTests.deep
            case .highSurrogateThenLetter: return start + #""\uD800\u0041"}"#
            case .overflowingNumber: return start + "1e400}"
            }
        }
    }

    static let notebook = """
        # Hostile

        ```ntk {#a}
        show 1 + 1
        ```

        """

    func write(_ text: String, _ path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// Ended by `exit` with `status`; never a crash signal or a trap's status.
    func expectExit(_ r: TangentBinary.Result, _ status: Int32, _ comment: String = "") {
        #expect(r.reason == .exit && r.status == status, "\(comment)\n\(r.transcript.prefix(4000))")
        #expect(![132, 134, 139].contains(r.status), "\(comment): crashed")
    }

    /// Writes the notebook at `relative`, lets `tangent update` store its outputs, then puts
    /// `json` in the data line and a hash that matches the edited region (so only the JSON is wrong).
    /// Returns the 1-based line of the begin marker.
    @discardableResult
    func notebookWithStoredJSON(_ json: String, at relative: String, in sandbox: TemporaryFolder) throws -> Int {
        let path = sandbox.path(relative)
        try write(JSONHostileInputTests.notebook, path)
        let updated = try TangentBinary.run(["update", path], scratch: sandbox)
        expectExit(updated, 0, "update")
        var lines = try read(path).components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:begin id=a ") })
        let end = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:end id=a") })
        let data = try #require(
            lines.indices.first { $0 > begin && $0 < end && lines[$0].hasPrefix(OutputRegion.dataPrefix) })
        lines[data] = OutputRegion.dataPrefix + json + " -->"
        lines[begin] = OutputRegion.beginMarker(id: "a", hash: OutputRegion.hash(Array(lines[(begin + 1)..<end])))
        try write(lines.joined(separator: "\n"), path)
        return begin + 1
    }

    @Test(arguments: StoredData.allCases)
    func checkReportsUnreadableStoredOutputs(_ data: StoredData) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let line = try notebookWithStoredJSON(data.json, at: "nb.md", in: sandbox)
        let r = try TangentBinary.run(["check", "nb.md"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 3, "check")
        #expect(
            r.err.contains("nb.md:\(line):1: mismatch: the stored outputs of block 'a' cannot be read"),
            "\(r.err.prefix(2000))")
    }

    /// `-j 2` compares on Dispatch threads, whose stacks are smaller than the main thread's.
    @Test func parallelCheckReportsEveryNotebook() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try notebookWithStoredJSON(JSONHostileInputTests.deep, at: "nbs/one.md", in: sandbox)
        try notebookWithStoredJSON(JSONHostileInputTests.deep, at: "nbs/two.md", in: sandbox)
        let r = try TangentBinary.run(["check", "nbs", "-j", "2"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 3, "check -j 2")
        for name in ["one", "two"] {
            #expect(
                r.err.contains("nbs/\(name).md:7:1: mismatch: the stored outputs of block 'a' cannot be read"),
                "\(r.err.prefix(2000))")
        }
    }

    @Test func exportWarnsAndLeavesTheOutputsOut() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try notebookWithStoredJSON(JSONHostileInputTests.deep, at: "nb.md", in: sandbox)
        let r = try TangentBinary.run(["export", "nb.md", "--to", "ipynb"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 0, "export")
        #expect(
            r.err.contains("block 'a': its output region has no readable 'tangent:data' line"), "\(r.err.prefix(2000))")
        let ipynb = try #require(JSON.parse(try read(sandbox.path("nb.ipynb"))))
        let code = ipynb["cells"]?.arrayValue?.first { $0["cell_type"]?.stringValue == "code" }
        #expect(code?["outputs"]?.arrayValue?.isEmpty == true)
    }

    @Test func importOfDeepNestingIsLocatedAtTheBracketBeyondTheLimit() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let prefix = ##"{"cells": "# A title\n", "x": "##
        try write(prefix + JSONHostileInputTests.deep, sandbox.path("nb.ipynb"))
        let r = try TangentBinary.run(["import", "nb.ipynb"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 2, "import")
        // The object is the first level, so the limit is passed by the `[` numbered nestingLimit.
        let column = prefix.count + JSON.nestingLimit
        #expect(r.err.contains("nb.ipynb:1:\(column): error: malformed JSON"), "\(r.err.prefix(2000))")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("nb.md")), "nothing is written")
    }

    @Test func importOfALoneSurrogateIsLocatedAtItsEscape() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let first = #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {},"#
        let second = #" "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["a \uD800\u0041"]}]}"#
        try write(first + "\n" + second + "\n", sandbox.path("nb.ipynb"))
        let r = try TangentBinary.run(["import", "nb.ipynb"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 2, "import")
        let column = try #require(second.range(of: #"\uD800"#)).lowerBound.utf16Offset(in: second) + 1
        #expect(r.err.contains("nb.ipynb:2:\(column): error: malformed JSON"), "\(r.err.prefix(2000))")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("nb.md")), "nothing is written")
    }

    /// A good report to merge with the hostile one.
    func goodReport(in sandbox: TemporaryFolder) throws -> String {
        try write(JSONHostileInputTests.notebook, sandbox.path("nb.md"))
        let run = try TangentBinary.run(["run", "nb.md", "--json", "good.json"], in: sandbox.root, scratch: sandbox)
        expectExit(run, 0, "run --json")
        return "good.json"
    }

    @Test(arguments: HostileReport.allCases)
    func reportMergeRefusesTheReport(_ hostile: HostileReport) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let good = try goodReport(in: sandbox)
        try write(hostile.text, sandbox.path("bad.json"))
        let r = try TangentBinary.run(
            ["report", "merge", good, "bad.json", "--json", "merged.json"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 2, "report merge")
        #expect(r.err.contains("bad.json: error: not valid JSON"), "\(r.err.prefix(2000))")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("merged.json")), "nothing is written")
    }

    @Test func timingsFileIsRefused() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try write(JSONHostileInputTests.notebook, sandbox.path("nb.md"))
        try write(JSONHostileInputTests.deep, sandbox.path("timings.json"))
        let r = try TangentBinary.run(
            ["run", "nb.md", "--shard", "1/2", "--timings", "timings.json"], in: sandbox.root, scratch: sandbox)
        expectExit(r, 2, "run --timings")
        #expect(r.err.contains("timings.json: error: not valid JSON"), "\(r.err.prefix(2000))")
    }

    /// The site's manifest and math cache are Tangent's own records of the previous render: a
    /// damaged one counts as missing (nothing is deleted on its word) and is written afresh.
    @Test func renderOverHostileSiteManifests() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try write(JSONHostileInputTests.notebook, sandbox.path("nbs/nb.md"))
        let first = try TangentBinary.run(
            ["render", "nbs", "--out", "site", "--quiet"], in: sandbox.root, scratch: sandbox)
        expectExit(first, 0, "first render")
        let manifest = sandbox.path("site/.tangent-site.json")
        let before = try #require(JSON.parse(try read(manifest))?.arrayValue)
        #expect(!before.isEmpty)
        try write("keep me", sandbox.path("site/mine.txt"))
        for hostile in [JSONHostileInputTests.deep, #"["mine.txt", "\uD800\u0041"]"#] {
            try write(hostile, manifest)
            try write(hostile, sandbox.path("site/.tangent-math.json"))
            let r = try TangentBinary.run(
                ["render", "nbs", "--out", "site", "--quiet"], in: sandbox.root, scratch: sandbox)
            expectExit(r, 0, "render over a hostile manifest")
            #expect(try JSON.parse(try read(manifest)) == .array(before), "the manifest is written afresh")
            #expect(
                FileManager.default.fileExists(atPath: sandbox.path("site/mine.txt")),
                "a file the render did not write stays")
        }
    }
}
