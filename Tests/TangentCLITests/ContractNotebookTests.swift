import Foundation
import TestSupport
import Testing

// The "unseen notebook" contract: notebooks in Contract/ written only from LANGUAGE.md, whose
// expected values come from neural-tangents 0.6.5 and numpy (Contract/make_contract_values.py
// writes Contract/data/), never from Tangent. Each runs `tangent run` in process on a copy in a
// fresh temporary folder, as CorpusTests does; Contract/cli/ holds the notebooks of the
// command-line promises of LANGUAGE.md §1 and §7 (exit codes, statuses, `check` drift).

enum ContractFolder {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Contract", isDirectory: true)

    /// The notebooks that must run with exit 0 and every `expect` holding.
    static let passing = [
        "kernels.md", "layers.md", "empirical.md", "finite_stax.md", "training.md", "predict.md", "images.md",
        "more.md", "pairs.md", "arrays.md", "files.md", "datasets.md", "seeds.md", "moved/seeds_reordered.md"
    ]

    /// A fresh folder holding `files` (relative to Contract/) and `data/`, under `prefix`.
    static func sandbox(_ files: [String], prefix: String = "") throws -> TemporaryFolder {
        let sandbox = try TemporaryFolder("contract")
        for relative in files + ["data"] {
            let target = sandbox.url(prefix + relative)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: directory.appendingPathComponent(relative), to: target)
        }
        return sandbox
    }

    /// Every block of a `--json` report as (id, status, seed, errors).
    static func blocks(_ jsonPath: String) throws -> [[String: Any]] {
        CorpusReport.notebooks(try CorpusReport.load(jsonPath)).flatMap(CorpusReport.blocks)
    }
}

@Suite struct ContractNotebookTests {
    /// Every notebook of Contract/ (outside cli/) is in `passing`.
    @Test func everyNotebookIsListed() throws {
        let walker = try #require(FileManager.default.enumerator(atPath: ContractFolder.directory.path))
        let found = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") && !$0.hasPrefix("cli/") }
        #expect(Set(found) == Set(ContractFolder.passing))
    }

    @Test(arguments: ContractFolder.passing)
    func notebookHoldsItsContract(_ name: String) throws {
        let sandbox = try ContractFolder.sandbox([name])
        defer { sandbox.remove() }
        let json = sandbox.path("report.json")
        let run = CapturedConsole.run(["run", sandbox.path(name), "--json", json])
        let transcript = "--- exit \(run.status)\n--- stdout:\n\(run.out)\n--- stderr:\n\(run.err)"
        #expect(run.status == 0, "\(transcript)")
        #expect(!run.err.contains("error:"), "\(transcript)")
        let blocks = try ContractFolder.blocks(json)
        #expect(!blocks.isEmpty)
        for block in blocks {
            #expect(block["status"] as? String == "ran", "block \(block["id"] ?? "?")\n\(transcript)")
        }
    }

    /// §6: a block's default seed depends on (notebook seed, block id) only: the same blocks in
    /// another order, under another title, in another folder of another project print the same.
    @Test func blockSeedsIgnoreOrderTitleAndPlace() throws {
        let here = try ContractFolder.sandbox(["seeds.md"])
        defer { here.remove() }
        let there = try ContractFolder.sandbox(["moved/seeds_reordered.md"], prefix: "elsewhere/project/")
        defer { there.remove() }
        try FileManager.default.createDirectory(
            at: there.url("elsewhere/project/.git"), withIntermediateDirectories: true)

        let a = CapturedConsole.run(["run", here.path("seeds.md"), "--json", here.path("a.json")])
        let b = CapturedConsole.run([
            "run", there.path("elsewhere/project/moved/seeds_reordered.md"), "--json", there.path("b.json")
        ])
        #expect(a.status == 0 && b.status == 0, "\(a.err)\n\(b.err)")
        func printed(_ out: String, _ prefix: String) -> [String] {
            out.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
        }
        for prefix in ["draw ", "loop "] {
            #expect(printed(a.out, prefix).count == 1)
            #expect(printed(a.out, prefix) == printed(b.out, prefix), "\(a.out)\n\(b.out)")
        }
        func seeds(_ path: String) throws -> [String: String] {
            var seeds: [String: String] = [:]
            for block in try ContractFolder.blocks(path) {
                if let id = block["id"] as? String { seeds[id] = "\(block["seed"] ?? "none")" }
            }
            return seeds
        }
        let sa = try seeds(here.path("a.json"))
        let sb = try seeds(there.path("b.json"))
        for id in ["draw", "loop"] {
            #expect(sa[id] != nil && sa[id] == sb[id], "block \(id): seeds \(sa) vs \(sb)")
        }
        #expect(sa["draw"] != sa["loop"])
    }

    /// §7: a second run of an unchanged notebook reports its blocks `cached` and shows the same
    /// outputs; a folder PATH runs every `.md` under it.
    @Test func secondRunIsCachedAndFoldersRunEveryNotebook() throws {
        let sandbox = try ContractFolder.sandbox(["seeds.md", "moved/seeds_reordered.md"])
        defer { sandbox.remove() }
        let first = CapturedConsole.run(["run", sandbox.root.path, "--json", sandbox.path("1.json")])
        let second = CapturedConsole.run(["run", sandbox.root.path, "--json", sandbox.path("2.json")])
        #expect(first.status == 0 && second.status == 0, "\(first.err)\n\(second.err)")
        let notebooks = CorpusReport.notebooks(try CorpusReport.load(sandbox.path("1.json")))
        #expect(
            Set(notebooks.compactMap { $0["path"] as? String }.map { URL(fileURLWithPath: $0).lastPathComponent }) == [
                "seeds.md", "seeds_reordered.md"
            ])
        #expect(try ContractFolder.blocks(sandbox.path("1.json")).allSatisfy { $0["status"] as? String == "ran" })
        #expect(try ContractFolder.blocks(sandbox.path("2.json")).allSatisfy { $0["status"] as? String == "cached" })
        func printed(_ out: String) -> [String] {
            out.split(separator: "\n").map(String.init).filter { $0.hasPrefix("draw ") || $0.hasPrefix("loop ") }
                .sorted()
        }
        #expect(printed(first.out).count == 4)
        #expect(printed(first.out) == printed(second.out), "\(first.out)\n\(second.out)")
    }

    /// §1, §5, §7: a failed `expect` is exit 1 with `FILE:LINE:COL: error:`, the source line and
    /// a caret, and a `failed` block in the report with the error's place.
    @Test func failedExpectIsExitOneAndLocated() throws {
        let sandbox = try ContractFolder.sandbox(["cli/fails.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("cli/fails.md")
        let run = CapturedConsole.run(["run", file, "--json", sandbox.path("r.json")])
        #expect(run.status == 1, "\(run.err)")
        let lines = run.err.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(
            lines.firstIndex { $0.hasPrefix("\(file):11:") && $0.contains(": error: ") }, "\(run.err)")
        #expect(lines[header + 1] == "expect y == 4", "\(run.err)")
        #expect(lines[header + 2].trimmingCharacters(in: .whitespaces).hasPrefix("^"), "\(run.err)")
        let blocks = try ContractFolder.blocks(sandbox.path("r.json"))
        #expect(blocks.map { $0["status"] as? String } == ["ran", "failed", "skipped"])
        let error = try #require((blocks[1]["errors"] as? [[String: Any]])?.first)
        #expect(error["file"] as? String == file)
        #expect(CorpusReport.int(error["line"]) == 11)
        #expect(CorpusReport.int(error["column"]) != nil)
        #expect(error["message"] is String)
        #expect(CorpusReport.int(blocks[1]["line"]) == 9)
    }

    /// §1, §7: a timeout and an `expect=error` block that does not fail are exit 1; `skip=true`
    /// is `skipped` and exit 0; a missing file or an unknown option is exit 2.
    @Test func exitCodes() throws {
        let sandbox = try ContractFolder.sandbox(["cli/timeout.md", "cli/unexpected_success.md", "cli/skip.md"])
        defer { sandbox.remove() }
        let timeout = CapturedConsole.run(["run", sandbox.path("cli/timeout.md")])
        #expect(timeout.status == 1, "\(timeout.err)")
        // Located at the statement running when time ran out: the loop's condition (line 5) or its body (line 6).
        let timeoutFile = sandbox.path("cli/timeout.md")
        #expect(
            timeout.err.contains("\(timeoutFile):5:") || timeout.err.contains("\(timeoutFile):6:"),
            "not located in the loop: \(timeout.err)")
        let unexpected = CapturedConsole.run(["run", sandbox.path("cli/unexpected_success.md")])
        #expect(unexpected.status == 1, "\(unexpected.err)")
        #expect(unexpected.err.contains("\(sandbox.path("cli/unexpected_success.md")):3:"), "\(unexpected.err)")

        let skip = CapturedConsole.run(["run", sandbox.path("cli/skip.md"), "--json", sandbox.path("s.json")])
        #expect(skip.status == 0, "\(skip.err)")
        #expect(try ContractFolder.blocks(sandbox.path("s.json")).map { $0["status"] as? String } == ["skipped", "ran"])

        let missing = CapturedConsole.run(["run", sandbox.path("cli/no-such-notebook.md")])
        #expect(missing.status == 2)
        #expect(missing.err.contains("error: "))
        for verb in ["run", "update", "check"] {
            let unknown = CapturedConsole.run([verb, sandbox.path("cli/skip.md"), "--no-such-option"])
            #expect(unknown.status == 2, "\(verb): \(unknown.err)")
        }
        let render = CapturedConsole.run(["render", sandbox.path("cli/skip.md")])
        #expect(render.status == 2, "render without --out is a usage error: \(render.err)")
    }

    /// §8: more than 200 active calls is an error located inside the function, with at most ten
    /// `note: called from` lines and then one `note: … N more calls`.
    @Test func deepRecursionIsLocatedWithTenNotes() throws {
        let sandbox = try ContractFolder.sandbox(["cli/recursion.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("cli/recursion.md")
        let run = CapturedConsole.run(["run", file])
        #expect(run.status == 1, "\(run.err)")
        let lines = run.err.split(separator: "\n").map(String.init)
        #expect(lines.first { $0.contains(": error: ") }?.hasPrefix("\(file):6:") == true, "\(run.err)")
        let notes = lines.filter { $0.hasPrefix("\(file):") && $0.contains(": note: ") }
        #expect(notes.count == 11, "\(notes)")
        #expect(notes.prefix(10).allSatisfy { $0.contains("note: called from \(file):") }, "\(notes)")
        #expect(notes.last?.contains("more calls") == true, "\(notes)")
    }

    /// §1, §7: `check` compares within the block's `rtol`/`atol`, else the front matter's: after
    /// the notebook seed changes, the block under the front matter's atol 100 still agrees and the
    /// block with its own tight tolerances is a mismatch.
    @Test func checkHonoursBlockAndFrontMatterTolerances() throws {
        let sandbox = try ContractFolder.sandbox(["cli/tolerance.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("cli/tolerance.md")
        let update = CapturedConsole.run(["update", file])
        #expect(update.status == 0, "\(update.err)")
        let stored = try String(contentsOfFile: file, encoding: .utf8)
        try stored.replacingOccurrences(of: "\nseed: 0\n", with: "\nseed: 1\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let json = sandbox.path("check.json")
        let check = CapturedConsole.run(["check", file, "--json", json])
        #expect(check.status == 3, "\(check.out)\n\(check.err)")
        #expect(try ContractFolder.blocks(json).map { $0["status"] as? String } == ["ran", "mismatch"])
    }

    /// §9: what NT refuses in the infinite-width limit is an error at the kernel call naming the
    /// layer (an activation, LayerNorm or FanInSum after `Flatten` too: NT's Flatten output is
    /// never Gaussian, even on matrices); the finite network accepts the same compositions.
    @Test func refusedCompositionsNameTheLayer() throws {
        let sandbox = try ContractFolder.sandbox(["cli/refusals.md"])
        defer { sandbox.remove() }
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", sandbox.path("cli/refusals.md"), "--json", json])
        #expect(run.status == 0, "\(run.out)\n\(run.err)")
        let expected = [
            "first_activation": "Relu", "after_flatten": "Relu", "layernorm_after_flatten": "LayerNorm",
            "sum_of_flatten": "FanInSum", "after_concat": "Relu", "after_prod": "Erf",
            "layernorm_after_activation": "LayerNorm", "sum_of_activations": "FanInSum"
        ]
        var seen = Set<String>()
        for block in try ContractFolder.blocks(json) {
            guard let id = block["id"] as? String, let layer = expected[id] else { continue }
            seen.insert(id)
            let raised = try #require(block["raised"] as? [String: Any], "block \(id) raised nothing")
            #expect(CorpusReport.int(raised["line"]) == (CorpusReport.int(block["line"]) ?? 0) + 1, "block \(id)")
            let message = raised["message"] as? String ?? ""
            #expect(message.contains("\(layer):"), "block \(id): \(message)")
        }
        #expect(seen == Set(expected.keys))
    }

    /// §7: `update` stores outputs, `check` agrees with them (exit 0) and, once the notebook seed
    /// changes, reports the drift as a `mismatch` with exit 3, writing nothing.
    @Test func checkReportsDrift() throws {
        let sandbox = try ContractFolder.sandbox(["cli/drift.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("cli/drift.md")
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let update = CapturedConsole.run(["update", file, "--json", sandbox.path("update.json")])
        #expect(update.status == 0, "\(update.err)")
        let stored = try String(contentsOfFile: file, encoding: .utf8)
        #expect(stored != original && stored.hasPrefix(original.prefix(60)), "update wrote no outputs")
        #expect(CorpusReport.int(try CorpusReport.load(sandbox.path("update.json"))["exit_code"]) == 0)
        let again = CapturedConsole.run(["update", file])
        #expect(again.status == 0, "\(again.err)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == stored, "a second update changed the notebook")
        let check = CapturedConsole.run(["check", file])
        #expect(check.status == 0, "\(check.err)")

        let drifted = stored.replacingOccurrences(of: "\nseed: 0\n", with: "\nseed: 1\n")
        #expect(drifted != stored)
        try drifted.write(toFile: file, atomically: true, encoding: .utf8)
        let json = sandbox.path("check.json")
        let drift = CapturedConsole.run(["check", file, "--json", json])
        #expect(drift.status == 3, "\(drift.out)\n\(drift.err)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == drifted, "check wrote into the notebook")
        let blocks = try ContractFolder.blocks(json)
        // The block drawing from the block stream drifts; the one with `seed: 1` does not.
        #expect(blocks.map { $0["status"] as? String } == ["mismatch", "ran"])
        let error = try #require((blocks[0]["errors"] as? [[String: Any]])?.first)
        #expect(error["file"] as? String == file)
        #expect(CorpusReport.int(error["line"]) != nil && CorpusReport.int(error["column"]) != nil)
        #expect(CorpusReport.int(try CorpusReport.load(json)["exit_code"]) == 3)

        // `render` runs the notebook and writes an HTML site (a drift is no failure there).
        let site = sandbox.path("site")
        let render = CapturedConsole.run(["render", file, "--out", site])
        #expect(render.status == 0, "\(render.err)")
        let pages = FileManager.default.enumerator(atPath: site)?.compactMap { $0 as? String } ?? []
        #expect(pages.contains { $0.hasSuffix(".html") }, "no HTML page in \(pages)")
    }
}
