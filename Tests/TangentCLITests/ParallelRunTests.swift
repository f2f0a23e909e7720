import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// Reports and transcripts with the times taken out, so two runs can be compared.
enum Untimed {
    /// The memory a message says is available changes from run to run.
    static func memory(_ s: String) -> String {
        s.replacingOccurrences(
            of: #"only [0-9.]+ [GM]iB of memory"#, with: "only M of memory", options: .regularExpression)
    }

    /// The JSON report without its `seconds` and `peak_memory_bytes` fields (and the version,
    /// which merge rewrites).
    static func report(_ path: String) throws -> NSDictionary {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(strip(try JSONSerialization.jsonObject(with: data)) as? NSDictionary)
    }

    private static func strip(_ value: Any) -> Any {
        if let d = value as? [String: Any] {
            return d.filter { !["seconds", "peak_memory_bytes", "tangent"].contains($0.key) }.mapValues(strip)
        }
        if let a = value as? [Any] { return a.map(strip) }
        if let text = value as? String { return memory(text) }
        return value
    }

    /// Terminal text without `(1.23 s)` and XML without `time="..."`.
    static func text(_ s: String) -> String {
        s.replacingOccurrences(of: #"\([0-9.]+ s\)"#, with: "(T s)", options: .regularExpression)
            .replacingOccurrences(of: #" time="[0-9.]+""#, with: "", options: .regularExpression)
            .replacingOccurrences(
                of: #"only [0-9.]+ [GM]iB of memory"#, with: "only M of memory", options: .regularExpression)
    }
}

@Suite struct ParallelRunTests {
    /// `-j 4` prints, reports and exits exactly as `-j 1` does: each notebook's output is held
    /// back until the notebooks before it have printed theirs.
    @Test(arguments: ["run", "check", "update"])
    func jobsDoNotChangeWhatIsPrintedOrReported(_ verb: String) throws {
        var seen: [(status: Int32, out: String, err: String, json: NSDictionary, junit: String)] = []
        for jobs in ["1", "4"] {
            let sandbox = try TemporaryFolder("corpus")
            defer { sandbox.remove() }
            for name in try FileManager.default.contentsOfDirectory(atPath: CorpusManifest.directory.path)
            where name != "manifest.json" {
                try sandbox.copy(name)
            }
            let r = CapturedConsole.run([
                verb, sandbox.root.path, "--no-cache", "-j", jobs,
                "--json", sandbox.path("report.json"), "--junit", sandbox.path("report.xml")
            ])
            let prefix = sandbox.root.path + "/"
            seen.append(
                (
                    r.status, Untimed.text(r.out).replacingOccurrences(of: prefix, with: ""),
                    Untimed.text(r.err).replacingOccurrences(of: prefix, with: "")
                        .replacingOccurrences(of: sandbox.root.path, with: "ROOT"),
                    try Untimed.report(sandbox.path("report.json")),
                    Untimed.text(try String(contentsOfFile: sandbox.path("report.xml"), encoding: .utf8))
                        .replacingOccurrences(of: prefix, with: "")
                        .replacingOccurrences(of: sandbox.root.path, with: "ROOT")
                ))
        }
        #expect(seen[0].status == 2)
        #expect(seen[0].status == seen[1].status)
        #expect(seen[0].out == seen[1].out)
        #expect(seen[0].err == seen[1].err)
        #expect(seen[0].junit == seen[1].junit)
        let paths = { (d: NSDictionary) in
            (d["notebooks"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        }
        #expect(paths(seen[0].json).count > 60)
        #expect(
            paths(seen[0].json).map { ($0 as NSString).lastPathComponent }
                == paths(seen[1].json).map { ($0 as NSString).lastPathComponent })
        #expect(seen[0].json["summary"] as? NSDictionary == seen[1].json["summary"] as? NSDictionary)
    }

    /// Notebooks of one project run side by side share `.tangent/cache`: every entry written by
    /// `-j 4` must serve the next run.
    @Test func parallelRunsFillOneCacheCompletely() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try Data().write(to: sandbox.root.appendingPathComponent("tangent.toml"))
        for k in 0..<12 {
            let text =
                "# Notebook \(k)\n\n```ntk {#a}\nX = randn(40, 8)\nK = X @ X.T\nshow trace(K)\n```\n\n"
                + "```ntk {#b}\nshow K[0, 0] + \(k)\n```\n"
            try text.write(toFile: sandbox.path("nb\(k).md"), atomically: true, encoding: .utf8)
        }
        let first = CapturedConsole.run([
            "run", sandbox.root.path, "-j", "4", "--quiet", "--json", sandbox.path("1.json")
        ])
        #expect(first.status == 0, "\(first.err)")
        let second = CapturedConsole.run([
            "run", sandbox.root.path, "-j", "4", "--quiet", "--json", sandbox.path("2.json")
        ])
        #expect(second.status == 0, "\(second.err)")
        let blocks = { (path: String) throws -> [String] in
            CorpusReport.notebooks(try CorpusReport.load(path)).flatMap(CorpusReport.blocks).compactMap {
                $0["status"] as? String
            }
        }
        #expect(try blocks(sandbox.path("1.json")) == Array(repeating: "ran", count: 24))
        #expect(try blocks(sandbox.path("2.json")) == Array(repeating: "cached", count: 24))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.path(".tangent/cache")).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func orderedWorkDeliversEveryResultInOrder() {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var delivered: [Int] = []
        }
        for jobs in [1, 2, 5, 64] {
            let log = Log()
            let results = OrderedWork.run(
                count: 40, jobs: jobs,
                { i in
                    usleep(UInt32((i * 7919) % 13) * 300)  // finish out of order
                    return i * i
                },
                deliver: { i, r in
                    #expect(r == i * i)
                    log.lock.withLock { log.delivered.append(i) }
                })
            #expect(results == (0..<40).map { $0 * $0 })
            #expect(log.delivered == Array(0..<40))
        }
        #expect(OrderedWork.run(count: 0, jobs: 3, { $0 }, deliver: { _, _ in }) == [])
    }

    /// Each of the notebooks running at once gets an even share of the cores, at least one
    /// thread, never more than OpenBLAS was set to use.
    @Test func blasThreadsShareTheCores() {
        for cores in 1...24 {
            for jobs in 1...24 {
                for current in [1, 2, 3, 8, 64] {
                    let t = Session.blasThreads(jobs: jobs, cores: cores, current: current)
                    #expect(t >= 1 && t <= current)
                    if jobs <= cores { #expect(jobs * t <= cores, "cores \(cores) jobs \(jobs): \(t) threads each") }
                    if jobs == 1 { #expect(t == min(cores, current)) }
                }
            }
        }
    }

    @Test func jobsDefaultToTheCoresAndNeverExceedTheNotebooks() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(Session.jobs(requested: nil, notebooks: 10_000) == cores)
        #expect(Session.jobs(requested: 8, notebooks: 3) == 3)
        #expect(Session.jobs(requested: 8, notebooks: 0) == 1)
        #expect(Session.jobs(requested: 1, notebooks: 50) == 1)
    }

    @Test(arguments: [["-j", "3"], ["-j3"], ["--jobs", "3"], ["--jobs=3"]])
    func jobsOptionSpellings(_ spelling: [String]) throws {
        #expect(try Options.parse(["check", "nb.md"] + spelling).jobs == 3)
    }

    @Test(arguments: [
        (["check", "nb.md", "-j", "0"], "-j needs a positive whole number"),
        (["check", "nb.md", "--jobs", "many"], "--jobs needs a positive whole number"),
        (["check", "nb.md", "-j"], "option '-j' needs a value"),
        (["check", "nb.md", "--shard", "5/4"], "I must be between 1 and N"),
        (["check", "nb.md", "--timings", "t.json"], "--timings only balances --shard"),
        (["render", "nb.md", "--out", "site", "--shard", "1/2"], "cannot take --shard")
    ])
    func badParallelOptionsAreUsageErrors(_ arguments: [String], _ message: String) {
        let error = #expect(throws: UsageError.self) { try Options.parse(arguments) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        let r = CapturedConsole.run(arguments)
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("error: ") && r.err.contains(message), "\(r.err)")
    }
}
