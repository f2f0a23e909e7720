import Foundation
import Testing

@testable import TangentCLI

/// The CI examples (docs/examples/, quoted in docs/ci.md) stay runnable: every `tangent`
/// command line in them parses, with the CI system's variables filled in, and the files the
/// docs link to exist.
@Suite struct CIExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let files = ["docs/examples/github-actions-shards.yml", "docs/examples/slurm-shards.sh", "docs/ci.md"]

    /// The `tangent ...` command lines of a file (of a Markdown file, those in code blocks),
    /// joined across `\` continuations, with the variables replaced by values a CI job would
    /// give them, split into words.
    static func commands(in path: String) throws -> [[String]] {
        var text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        if path.hasSuffix(".md") {
            text = text.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element).joined(
                separator: "\n")
        }
        text = text.replacingOccurrences(of: "\\\n", with: " ")
        let values = [
            "${{ matrix.shard }}": "2", "${{ env.SHARDS }}": "4", "\"$shard/$shards\"": "3/8",
            "\"${timings[@]}\"": "--timings ci/timings.json", "\"${SLURM_CPUS_PER_TASK:-1}\"": "4",
            "\"reports/shard-$shard.json\"": "reports/shard-3.json", "$job": "17"
        ]
        return text.split(separator: "\n").compactMap { line -> [String]? in
            guard !line.contains("name:"),
                let start = line.range(of: "tangent check ") ?? line.range(of: "tangent report merge ")
            else { return nil }
            var command = String(line[start.lowerBound...])
            for (variable, value) in values { command = command.replacingOccurrences(of: variable, with: value) }
            command = command.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "`", with: "")
            return command.split(separator: " ").map(String.init).dropFirst().map { $0 }
        }
    }

    @Test(arguments: files)
    func commandLinesParse(_ path: String) throws {
        let commands = try CIExamplesTests.commands(in: path)
        #expect(commands.contains { $0.first == "check" && $0.contains("--shard") }, "no sharded check in \(path)")
        #expect(commands.contains { $0.starts(with: ["report", "merge"]) }, "no merge in \(path)")
        for words in commands {
            if words.first == "report" {
                #expect(throws: Never.self, "\(words)") { _ = try ReportCommand.parse(Array(words.dropFirst())) }
            } else {
                let options = try Options.parse(words)
                #expect(options.verb == .check && options.shard != nil && options.jsonPath != nil, "\(words)")
            }
        }
    }

    @Test func slurmArrayMatchesItsDefaultShardCount() throws {
        let script = try String(
            contentsOf: CIExamplesTests.root.appendingPathComponent("docs/examples/slurm-shards.sh"), encoding: .utf8)
        #expect(script.contains("#SBATCH --array=1-8") && script.contains("SLURM_ARRAY_TASK_COUNT:-8"))
        #expect(script.contains("SLURM_ARRAY_TASK_ID"))
    }

    @Test func workflowMatrixHasSHARDSEntries() throws {
        let workflow = try String(
            contentsOf: CIExamplesTests.root.appendingPathComponent("docs/examples/github-actions-shards.yml"),
            encoding: .utf8)
        let shards = try #require(workflow.firstMatch(of: /SHARDS: (\d+)/).flatMap { Int($0.1) })
        #expect(workflow.contains("shard: [\((1...shards).map(String.init).joined(separator: ", "))]"))
    }

    @Test(arguments: ["docs/ci.md", "docs/guide.md"])
    func linkedFilesExist(_ path: String) throws {
        let text = try String(contentsOf: CIExamplesTests.root.appendingPathComponent(path), encoding: .utf8)
        let folder = CIExamplesTests.root.appendingPathComponent(path).deletingLastPathComponent()
        for match in text.matches(of: /\]\(([^)#:]+)\)/) {
            let target = folder.appendingPathComponent(String(match.1)).standardizedFileURL
            #expect(
                FileManager.default.fileExists(atPath: target.path), "\(path) links to \(match.1), which is missing")
        }
    }
}
