import Foundation
import Notebook
import TangentSupport
import TestSupport
import Testing

@testable import TangentCLI

/// `tangent cache` (size, entries, prune, clear) and `--explain` (issue 20 item 3).
@Suite struct CacheCommandTests {
    let notebook = "```ntk {#a}\nx = ones(200, 200)\nshow sum(x)\n```\n\n```ntk {#b}\nshow 2 * sum(x)\n```\n"

    func project() throws -> (TemporaryFolder, String) {
        let folder = try TemporaryFolder("cache-cli")
        try Data().write(to: folder.root.appendingPathComponent("tangent.toml"))
        let nb = folder.root.appendingPathComponent("nb.md").path
        try notebook.write(toFile: nb, atomically: true, encoding: .utf8)
        return (folder, nb)
    }

    @Test func explainPrintsWhyEachBlockRanOrWasRestored() throws {
        let (folder, nb) = try project()
        defer { folder.remove() }
        let first = CapturedConsole.run(["run", nb, "--explain"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("\(nb)#a: ran: no entry\n\(nb)#b: ran: no entry\n"), "\(first.out)")
        let second = CapturedConsole.run(["run", nb, "--explain", "-q"])
        #expect(
            second.out.hasPrefix("\(nb)#a: restored from the cache\n\(nb)#b: restored from the cache\n1 notebook"),
            "\(second.out)")
        try notebook.replacingOccurrences(of: "show 2 *", with: "show 3 *").write(
            toFile: nb, atomically: true, encoding: .utf8)
        let edited = CapturedConsole.run(["update", nb, "--explain", "-q"])
        #expect(edited.out.contains("\(nb)#a: restored from the cache\n\(nb)#b: ran: edited\n"), "\(edited.out)")
        let off = CapturedConsole.run(["run", nb, "--explain", "--no-cache", "-q"])
        #expect(off.out.hasPrefix("\(nb)#a: ran: --no-cache\n\(nb)#b: ran: --no-cache\n1 notebook"), "\(off.out)")
        let check = CapturedConsole.run(["check", nb, "--explain", "-q"])
        #expect(check.out.contains("\(nb)#a: ran: check runs every block (--cached restores)"), "\(check.out)")
        // Without --explain, nothing of it.
        #expect(!CapturedConsole.run(["run", nb]).out.contains("restored from the cache"))
    }

    @Test func cacheShowsPrunesAndClears() throws {
        let (folder, nb) = try project()
        defer { folder.remove() }
        #expect(CapturedConsole.run(["run", nb, "-q"]).status == 0)
        let root = folder.root.path
        let cacheFolder = folder.root.appendingPathComponent(".tangent/cache").path
        let budget = CacheBudget(cache: BlockCache(projectRoot: folder.root))
        let size = budget.size()
        #expect(size > 8 * 200 * 200)
        let shown = CapturedConsole.run(["cache", root])
        #expect(shown.status == 0, "\(shown.err)")
        #expect(
            shown.out.hasPrefix(
                "\(cacheFolder): \(ByteCount.formatted(size)) of \(ByteCount.formatted(1 << 30)), 2 entries with values\n"
            ),
            "\(shown.out)")
        #expect(shown.out.contains(" entry        nb.md#a\n") && shown.out.contains(" entry        nb.md#b\n"))
        // `show` is the default action, and the path defaults to the current folder's project.
        #expect(CapturedConsole.run(["cache", "show", root]).out == shown.out)

        let pruned = CapturedConsole.run(["cache", "prune", root])
        #expect(pruned.out.contains("0 entries evicted"), "\(pruned.out)")
        #expect(budget.size() == size)

        let cleared = CapturedConsole.run(["cache", "clear", root])
        #expect(cleared.out == "cleared \(cacheFolder): \(ByteCount.formatted(size)) freed\n")
        #expect(budget.items().isEmpty)
        #expect(CapturedConsole.run(["run", nb, "--explain", "-q"]).out.contains("#a: ran: no entry"))

        #expect(CapturedConsole.run(["cache", "show", root, "extra"]).status == 2)
        #expect(CapturedConsole.run(["cache", "--bogus"]).status == 2)
    }

    /// A repository that ships `.tangent/cache` as a link to another folder: `clear` and `prune`
    /// remove nothing there.
    @Test func clearNeverFollowsALinkedCacheFolder() throws {
        let (folder, _) = try project()
        defer { folder.remove() }
        let victim = folder.root.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: victim.appendingPathComponent("precious.block"))
        try FileManager.default.createDirectory(
            at: folder.root.appendingPathComponent(".tangent"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.root.appendingPathComponent(".tangent/cache").path, withDestinationPath: victim.path)
        #expect(CapturedConsole.run(["cache", "clear", folder.root.path]).status == 0)
        #expect(CapturedConsole.run(["cache", "prune", folder.root.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: victim.appendingPathComponent("precious.block").path))
    }
}
