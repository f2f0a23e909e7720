import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook

/// A throwaway project folder (with a tangent.toml, so it is its own project root).
struct Project {
    let folder: TemporaryFolder
    var root: URL { folder.root }
    init() throws {
        folder = try TemporaryFolder("cache")
        try Data().write(to: root.appendingPathComponent("tangent.toml"))
    }
    func remove() { folder.remove() }

    func run(_ text: String, cache: Bool = true) throws -> NotebookResult {
        let url = root.appendingPathComponent("nb.md")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let result = Runner(notebookURL: url, useCache: cache).run(try Notebook.parse(text, path: "nb.md"))
        // Entries are written in the background; the process waits for them at exit.
        CacheWriter.shared.finish()
        return result
    }
}

@Suite struct CacheTests {
    let notebook =
        "```ntk {#a}\nx = randn(3, 3)\nshow sum(x)\n```\n\n```ntk {#b}\ny = 2\n```\n\n```ntk {#c}\nshow x @ x.T\n```\n"

    @Test func unchangedBlocksAreServedFromTheCache() throws {
        let p = try Project()
        defer { p.remove() }
        let first = try p.run(notebook)
        #expect(first.blocks.map(\.status) == [.ran, .ran, .ran])
        let second = try p.run(notebook)
        #expect(second.blocks.map(\.status) == [.cached, .cached, .cached])
        #expect(second.blocks.map(\.outputs) == first.blocks.map(\.outputs))
    }

    @Test func onlyBlocksWhoseInputsChangedRerun() throws {
        let p = try Project()
        defer { p.remove() }
        _ = try p.run(notebook)
        // b changes, but c does not read y: c stays cached. a is unchanged.
        let edited = notebook.replacingOccurrences(of: "y = 2", with: "y = 3")
        let r = try p.run(edited)
        #expect(r.blocks.map(\.status) == [.cached, .ran, .cached])
        // a changes x: c reads x, so it re-runs.
        let r2 = try p.run(edited.replacingOccurrences(of: "randn(3, 3)", with: "randn(3, 2)"))
        #expect(r2.blocks.map(\.status) == [.ran, .cached, .ran])
    }

    @Test func seedChangesInvalidate() throws {
        let p = try Project()
        defer { p.remove() }
        _ = try p.run(notebook)
        let r = try p.run("---\nseed: 5\n---\n" + notebook)
        #expect(r.blocks[0].status == .ran)
        #expect(r.blocks[1].status == .ran)  // its own seed changed too (it has one, even unused)
    }

    @Test func loadedFilesAreInputs() throws {
        let p = try Project()
        defer { p.remove() }
        let text = "```ntk\nA = load(\"a.csv\")\nshow A\n```\n"
        try "1,2\n".write(to: p.root.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        _ = try p.run(text)
        #expect(try p.run(text).blocks[0].status == .cached)
        try "1,3\n".write(to: p.root.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        let r = try p.run(text)
        #expect(r.blocks[0].status == .ran)
    }

    @Test func savedFilesMustStillExist() throws {
        let p = try Project()
        defer { p.remove() }
        let text = "```ntk\nsave(eye(2), \"out/i.npy\")\n```\n"
        _ = try p.run(text)
        #expect(try p.run(text).blocks[0].status == .cached)
        try FileManager.default.removeItem(at: p.root.appendingPathComponent("out/i.npy"))
        #expect(try p.run(text).blocks[0].status == .ran)
        #expect(FileManager.default.fileExists(atPath: p.root.appendingPathComponent("out/i.npy").path))
    }

    @Test func damagedEntriesAreIgnoredAndRebuilt() throws {
        let p = try Project()
        defer { p.remove() }
        _ = try p.run(notebook)
        let dir = p.root.appendingPathComponent(".tangent/cache")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".block") }
        #expect(files.count == 3)
        for (k, name) in files.enumerated() {
            let url = dir.appendingPathComponent(name)
            var bytes = [UInt8](try Data(contentsOf: url))
            if k == 0 {
                bytes = Array(bytes.prefix(bytes.count / 2))
            }  // truncated
            else if k == 1 {
                bytes[bytes.count - 3] ^= 0x40
            }  // one flipped bit
            else {
                bytes = Array("garbage".utf8)
            }  // not an entry
            try Data(bytes).write(to: url)
        }
        let r = try p.run(notebook)
        #expect(r.blocks.map(\.status) == [.ran, .ran, .ran])
        #expect(try p.run(notebook).blocks.map(\.status) == [.cached, .cached, .cached])
    }

    @Test func failedBlocksAreNotCached() throws {
        let p = try Project()
        defer { p.remove() }
        let text = "```ntk\nx = nope\n```\n"
        _ = try p.run(text)
        #expect(try p.run(text).blocks[0].status == .failed)
    }

    @Test func cacheFolderIgnoresItself() throws {
        let p = try Project()
        defer { p.remove() }
        _ = try p.run(notebook)
        let ignore = try String(contentsOf: p.root.appendingPathComponent(".tangent/.gitignore"), encoding: .utf8)
        #expect(ignore.contains("*"))
    }
}

@Suite struct DependencyTests {
    @Test func staticReadsAndWrites() throws {
        let d = Dependencies.of(try Parser.parse(SourceText("a = b + c\nshow a\nd = f(a, key: e)[0]\nc = 1")))
        // A called name is a read too: a binding may shadow a builtin
        // (docs/language.md#functions-and-scope).
        #expect(d.reads == ["b", "c", "e", "f"])
        #expect(d.writes == ["a", "c", "d"])
        let approx = Dependencies.approximate(SourceText("x = (1 +\ny == z\nw = sum(q)"))
        #expect(approx.writes == ["x", "w"])
        #expect(approx.reads.contains("q") && approx.reads.contains("y"))
    }

    @Test func onlyDependentsOfAFailedBlockAreSkipped() throws {
        let p = try Project()
        defer { p.remove() }
        let r = try p.run(
            "```ntk\nx = nope\n```\n```ntk\ny = 1\n```\n```ntk\nz = x\n```\n```ntk\nw = z + y\n```\n```ntk\nshow y\n```\n",
            cache: false)
        #expect(r.blocks.map(\.status) == [.failed, .ran, .skipped, .skipped, .ran])
        #expect(r.blocks[2].note?.contains("reads 'x'") == true)
    }

    @Test func timeoutsAreLocatedFailures() throws {
        let p = try Project()
        defer { p.remove() }
        let r = try p.run("```ntk {timeout=0.000001}\nx = 1\ny = 2\n```\n", cache: false)
        #expect(r.blocks[0].status == .failed)
        #expect(r.blocks[0].error?.message.contains("timed out after") == true)
    }
}

@Suite struct CachedExpectedErrorTests {
    @Test func anExpectedErrorServedFromTheCacheIsStillAnExpectedError() throws {
        let p = try Project()
        defer { p.remove() }
        let text = "```ntk {expect=error}\nL = cholesky([[1, 2], [2, 1]])\n```\n"
        let first = try p.run(text)
        let second = try p.run(text)
        #expect(second.blocks[0].status == .cached)
        #expect(second.blocks[0].failedAsExpected)
        #expect(second.blocks[0].error?.message == first.blocks[0].error?.message)
    }
}

@Suite struct CachedLocationTests {
    @Test func cachedOutputsFollowTheirBlockWhenItMoves() throws {
        let p = try Project()
        defer { p.remove() }
        let body = "```ntk {#b}\nx = 1\nshow x\n```\n"
        let first = try p.run("intro\n\n" + body)
        let moved = try p.run("intro\n\nmore prose\n\nand more\n\n" + body)
        #expect(moved.blocks[0].status == .cached)
        guard case .value(_, _, let r1) = first.blocks[0].outputs[0],
            case .value(_, _, let r2) = moved.blocks[0].outputs[0]
        else {
            Issue.record("outputs")
            return
        }
        #expect(r2.start.line == r1.start.line + 4)
    }
}
