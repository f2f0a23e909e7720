import Foundation
import TestSupport
import Testing

@testable import TangentCLI

@Suite struct ShardingCLITests {
    /// A folder of `count` small notebooks of different lengths (two in a subfolder).
    static func collection(in sandbox: TemporaryFolder, count: Int) throws -> URL {
        let folder = sandbox.root.appendingPathComponent("nbs")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for k in 0..<count {
            let prose = String(repeating: "Some prose about kernels. ", count: 1 + (k * 37) % 50)
            let text =
                "# Notebook \(k)\n\n\(prose)\n\n```ntk {#a}\nX = randn(\(4 + k % 5), 3)\nshow trace(X @ X.T)\n```\n"
            try text.write(
                to: folder.appendingPathComponent(k < 2 ? "sub/nb\(k).md" : "nb\(k).md"), atomically: true,
                encoding: .utf8)
        }
        return folder
    }

    static func paths(_ report: String) throws -> [String] {
        CorpusReport.notebooks(try CorpusReport.load(report)).compactMap { $0["path"] as? String }
    }

    @Test(arguments: [1, 3, 4, 20])
    func shardsSplitTheCollection(_ n: Int) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let folder = try ShardingCLITests.collection(in: sandbox, count: 15)
        let full = CapturedConsole.run(["run", folder.path, "--quiet", "--json", sandbox.path("full.json")])
        #expect(full.status == 0, "\(full.err)")
        let all = try ShardingCLITests.paths(sandbox.path("full.json"))
        #expect(all.count == 15)

        for timings in [nil, sandbox.path("full.json")] {
            var picked: [String] = []
            for i in 1...n {
                let report = sandbox.path("shard-\(i).json")
                let r = CapturedConsole.run(
                    ["run", folder.path, "--shard", "\(i)/\(n)", "--json", report]
                        + (timings.map { ["--timings", $0] } ?? []))
                #expect(r.status == 0, "\(r.err)")
                let mine = try ShardingCLITests.paths(report)
                let basis = timings == nil ? "balanced by file size" : "balanced by the seconds in \(timings!)"
                #expect(r.out.hasPrefix("shard \(i)/\(n): \(mine.count) of 15 notebooks, \(basis)\n"), "\(r.out)")
                // A shard keeps the collection's order.
                #expect(mine == all.filter { mine.contains($0) })
                picked += mine
            }
            #expect(picked.count == all.count, "a notebook is in two shards or none")
            #expect(Set(picked) == Set(all))
        }
    }

    /// A `./`-prefixed or doubled-slash PATH picks the same shards as the plain one, and a
    /// timings report written with one spelling applies to the other. (The built binary, run in
    /// the sandbox: relative paths need a working directory of their own.)
    @Test(.enabled(if: TangentBinary.exists, "no .build/debug/tangent"))
    func shardsDoNotDependOnHowThePathIsSpelled() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        _ = try ShardingCLITests.collection(in: sandbox, count: 9)
        let full = try TangentBinary.run(
            ["run", "./nbs", "--quiet", "--json", "full.json"], in: sandbox.root, scratch: sandbox)
        #expect(full.status == 0, "\(full.transcript)")
        let plain = try TangentBinary.run(
            ["run", "nbs", "--shard", "2/3", "--timings", "full.json", "--json", "p.json"],
            in: sandbox.root, scratch: sandbox)
        #expect(plain.out.contains("balanced by the seconds in full.json\n"), "\(plain.transcript)")
        let expected = try ShardingCLITests.paths(sandbox.path("p.json"))
        for spelling in ["./nbs/", "nbs//", "nbs/./"] {
            let r = try TangentBinary.run(
                ["run", spelling, "--shard", "2/3", "--timings", "full.json", "--json", "s.json"],
                in: sandbox.root, scratch: sandbox)
            #expect(r.out.contains("balanced by the seconds in full.json\n"), "\(r.transcript)")
            #expect(try ShardingCLITests.paths(sandbox.path("s.json")).map(Sharding.key) == expected.map(Sharding.key))
        }
    }

    @Test func emptyShardWritesAnEmptyReport() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let folder = try ShardingCLITests.collection(in: sandbox, count: 2)
        var empty = 0
        for i in 1...5 {
            let r = CapturedConsole.run([
                "check", folder.path, "--shard", "\(i)/5", "--json", sandbox.path("s\(i).json")
            ])
            let paths = try ShardingCLITests.paths(sandbox.path("s\(i).json"))
            if paths.isEmpty {
                empty += 1
                #expect(r.status == 0)
                #expect(r.out.contains("shard \(i)/5: 0 of 2 notebooks"))
            }
        }
        #expect(empty == 3)
    }

    @Test func badTimingsFileIsAnInputError() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let folder = try ShardingCLITests.collection(in: sandbox, count: 3)
        try "{\"exit_code\": 0}".write(toFile: sandbox.path("t.json"), atomically: true, encoding: .utf8)
        let r = CapturedConsole.run(["check", folder.path, "--shard", "1/2", "--timings", sandbox.path("t.json")])
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("\(sandbox.path("t.json")): error: "), "\(r.err)")
        let missing = CapturedConsole.run([
            "check", folder.path, "--shard", "1/2", "--timings", sandbox.path("none.json")
        ])
        #expect(missing.status == 2)
        #expect(missing.err == "\(sandbox.path("none.json")): error: cannot read the file\n")
    }
}
