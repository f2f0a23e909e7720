import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook

@Suite struct NotebookParsingTests {
    let text = """
        ---
        title: "Kernels"
        seed: 7
        rtol: 1e-6
        author: someone
        ---
        # Heading

        ```python
        not run
        ```

        ```ntk {#setup seed=3 rtol=1e-8 atol=0 timeout=60}
        x = 1
        ```

        > ```ntk {expect=error skip=true}
        > y = oops
        > ```

        ```ntkfoo
        prose
        ```

        ~~~~ ntk
        z = 2
        ~~~~
        """

    @Test func frontMatterBlocksAndAttributes() throws {
        let nb = try Notebook.parse(text, path: "k.md")
        #expect(nb.frontMatter.title == "Kernels")
        #expect(nb.frontMatter.seed == 7)
        #expect(nb.frontMatter.rtol == 1e-6)
        #expect(nb.frontMatter.fields["author"] == "someone")
        #expect(nb.title == "Kernels")
        #expect(nb.cells.map(\.id) == ["setup", "b2", "b3"])
        let setup = nb.cells[0]
        #expect(setup.fenceLine == 13 && setup.codeLine == 14 && setup.endLine == 15)
        #expect(setup.attributes.seed == 3 && setup.attributes.rtol == 1e-8 && setup.attributes.atol == 0)
        #expect(setup.attributes.timeout == 60)
        let quoted = nb.cells[1]
        #expect(quoted.attributes.expectError && quoted.attributes.skip)
        #expect(quoted.source.lines[0].text == "y = oops")
        #expect(quoted.source.lines[0].columnOffset == 2)
        #expect(nb.cells[2].fence.character == "~" && nb.cells[2].fence.length == 4)
    }

    @Test func titleFallsBackToHeadingThenFileName() throws {
        #expect(try Notebook.parse("intro\n\n## The NTK\n", path: "a/b.md").title == "The NTK")
        #expect(try Notebook.parse("no heading", path: "a/intro.md").title == "intro")
    }

    @Test(arguments: [
        ("---\ntitle: x\n", "never closed", 1, 1),
        ("---\nseed: -1\n---\n", "'seed' must be a whole number", 2, 7),
        ("---\nrtol: big\n---\n", "'rtol' must be a non-negative number", 2, 7),
        ("```ntk {#a rtoll=1}\n```\n", "unknown block attribute 'rtoll' (did you mean 'rtol'?)", 1, 12),
        ("```ntk {expect=wrong}\n```\n", "only takes the value 'error'", 1, 9),
        ("```ntk {skip=yes}\n```\n", "'skip' must be true or false", 1, 9),
        ("```ntk {#1bad}\n```\n", "block id '1bad'", 1, 9),
        ("```ntk {#a\n```\n", "never closed", 1, 8),
        ("```ntk seed=1\n```\n", "attributes go in braces", 1, 8),
        ("```ntk {#a}\n```\n\n```ntk {#a}\n```\n", "duplicate block id 'a'", 4, 1)
    ])
    func structuralErrorsAreLocated(text: String, message: String, line: Int, column: Int) {
        do {
            _ = try Notebook.parse(text, path: "n.md")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.range.start == SourceLocation(line: line, column: column), "\(error.range.start)")
        }
    }

    @Test func frontMatterIsNotProse() throws {
        let nb = try Notebook.parse("---\ntitle: T\n---\n\ntext\n", path: "n.md")
        #expect(nb.document.root.children.count == 1)
        if case .paragraph = nb.document.root.children[0].kind {
        } else {
            Issue.record("front matter leaked into prose")
        }
    }
}

@Suite struct RunnerTests {
    func runNotebook(_ text: String, name: String = "nb.md") throws -> NotebookResult {
        let folder = try TemporaryFolder("runner")
        defer { folder.remove() }
        let url = folder.url(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return Runner(notebookURL: url).run(try Notebook.parse(text, path: name))
    }

    @Test func blocksShareStateTopToBottom() throws {
        let r = try runNotebook("```ntk\nx = 2\n```\ntext\n```ntk\nshow x * 3\n```\n")
        #expect(r.blocks.map(\.status) == [.ran, .ran])
        guard case .value(.number(6), nil, _) = r.blocks[1].outputs.first else {
            Issue.record("output")
            return
        }
    }

    @Test func expectErrorPassesOnlyWhenTheBlockFails() throws {
        let ok = try runNotebook("```ntk {expect=error}\nx = cholesky([[1, 2], [2, 1]])\n```\n```ntk\ny = 1\n```\n")
        #expect(ok.blocks.map(\.status) == [.ran, .ran])
        #expect(ok.blocks[0].failedAsExpected)
        let bad = try runNotebook("```ntk {expect=error}\nx = 1\n```\n")
        #expect(bad.blocks[0].status == .failed)
        #expect(bad.blocks[0].error?.message.contains("expect=error") == true)
        #expect(bad.blocks[0].error?.range.start.line == 1)
    }

    @Test func aFailureSkipsItsDependents() throws {
        let r = try runNotebook(
            "```ntk\nx = nope\n```\n\n```ntk\ny = 1\n```\n```ntk {skip=true}\nz = 1\n```\n```ntk\nw = x\n```\n")
        #expect(r.blocks.map(\.status) == [.failed, .ran, .skipped, .skipped])
        #expect(r.blocks[0].error?.range.start == SourceLocation(line: 2, column: 5))
        #expect(r.failed)
    }

    /// A `skip=true` block is not run: a later block reading a name an earlier block bound
    /// runs with that value; one reading a name only the skipped block makes skips, saying why.
    @Test func aSkippedBlockLeavesEarlierBindingsAlone() throws {
        let r = try runNotebook(
            "```ntk\nx = 1\n```\n```ntk {skip=true}\nx = 100\ny = 2\n```\n"
                + "```ntk\nexpect x == 1\nz = x\n```\n```ntk\nw = y\n```\n")
        #expect(r.blocks.map(\.status) == [.ran, .skipped, .ran, .skipped])
        #expect(r.blocks[3].note == "not run: it reads 'y', which skipped block 'b2' did not produce")
        #expect(!r.failed)
        let failing = try runNotebook(
            "```ntk\nx = 1\n```\n```ntk {skip=true}\nx = 100\n```\n```ntk\nexpect x == 100\n```\n")
        #expect(failing.blocks.map(\.status) == [.ran, .skipped, .failed], "the expect is checked, not skipped")
    }

    @Test func seedsDependOnIDButNotOrder() throws {
        let a = try runNotebook("```ntk {#p}\nx = randn(1, 1)\n```\n```ntk {#q}\nx = randn(1, 1)\n```\n")
        let b = try runNotebook("```ntk {#q}\nx = randn(1, 1)\n```\n```ntk {#p}\nx = randn(1, 1)\n```\n")
        #expect(a.blocks[0].seed == b.blocks[1].seed)
        #expect(a.blocks[0].seed != a.blocks[1].seed)
        let s1 = Seeds.blockSeed(notebookSeed: 0, blockID: "b1")
        #expect(s1 != Seeds.blockSeed(notebookSeed: 1, blockID: "b1"))
        #expect(s1 != Seeds.blockSeed(notebookSeed: 0, blockID: "b2"))
    }

    /// The derivation docs/guide.md prints in Python (FNV-1a, then SplitMix64's finaliser),
    /// run by CPython: a reader recomputes a block's seed from the guide alone.
    @Test(arguments: [
        (UInt64(0), "b1", UInt64(8_941_362_386_371_682_164)),
        (7, "fit", 13_795_657_348_231_579_222),
        (0, "données", 4_145_794_974_210_102_345)
    ])
    func blockSeedMatchesTheGuide(notebookSeed: UInt64, id: String, expected: UInt64) {
        #expect(Seeds.blockSeed(notebookSeed: notebookSeed, blockID: id) == expected)
    }

    /// docs/language.md#blocks (seeds): moving, renaming or copying a notebook out of its project
    /// does not change its numbers.
    @Test func seedsSurviveAMoveOutOfTheProject() throws {
        let fm = FileManager.default
        let folder = try TemporaryFolder("move")
        defer { folder.remove() }
        let base = folder.root
        let project = base.appendingPathComponent("course")
        try fm.createDirectory(at: project.appendingPathComponent("notebooks/week1"), withIntermediateDirectories: true)
        try Data().write(to: project.appendingPathComponent("tangent.toml"))
        let text = "---\nseed: 3\n---\n```ntk {#data}\nshow randn(2, 2)\n```\n```ntk\nshow uniform(1, 3)\n```\n"
        let inside = project.appendingPathComponent("notebooks/week1/intro.md")
        let moved = base.appendingPathComponent("downloads/renamed.md")
        try fm.createDirectory(at: moved.deletingLastPathComponent(), withIntermediateDirectories: true)
        var results: [NotebookResult] = []
        for url in [inside, moved] {
            try Data(text.utf8).write(to: url)
            results.append(Runner(notebookURL: url).run(try Notebook.parse(text, path: url.path)))
        }
        #expect(results[0].blocks.map(\.seed) == results[1].blocks.map(\.seed))
        #expect(
            results[0].blocks.map(\.seed) == [
                Seeds.blockSeed(notebookSeed: 3, blockID: "data"),
                Seeds.blockSeed(notebookSeed: 3, blockID: "b2")
            ])
        for (a, b) in zip(results[0].blocks, results[1].blocks) {
            guard case .value(.matrix(let x), _, _)? = a.outputs.first,
                case .value(.matrix(let y), _, _)? = b.outputs.first
            else {
                Issue.record("no matrix output")
                continue
            }
            #expect(x.storage == y.storage)
        }
    }

    @Test func blockSeedAttributeIsNumpySeed() throws {
        let r = try runNotebook("```ntk {seed=0}\nshow uniform(1, 1)\n```\n")
        #expect(r.blocks[0].seed == 0)
        // numpy.random.default_rng(0).random()
        guard case .value(.matrix(let m), _, _) = r.blocks[0].outputs[0] else {
            Issue.record("output")
            return
        }
        #expect(m.storage == [0.6369616873214543])
    }

    @Test func projectRootIsTheNearestMarkedFolder() throws {
        let folder = try TemporaryFolder("root")
        defer { folder.remove() }
        let root = folder.root
        let sub = root.appendingPathComponent("docs/part")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("tangent.toml"))
        let nb = sub.appendingPathComponent("n.md")
        #expect(ProjectRoot.relativePath(of: nb) == "docs/part/n.md")
        try FileManager.default.removeItem(at: root.appendingPathComponent("tangent.toml"))
        // Without a marker (and outside any git checkout) the notebook's folder is the root.
        if !FileManager.default.fileExists(atPath: "/tmp/.git") {
            #expect(ProjectRoot.relativePath(of: nb) == "n.md")
        }
    }
}
