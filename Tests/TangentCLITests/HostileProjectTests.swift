import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A repository is untrusted input (courses run `tangent` on students' pull requests): symbolic
/// links planted at every path Tangent writes — cache entries and folders, site pages, assets,
/// the site manifest, figures, `save` targets, `import`/`export` targets — must never make it
/// create, replace or delete anything outside the project. Each test runs the real binary in a
/// temporary project beside an "outside" folder whose `bashrc` plays `~/.bashrc`, and checks
/// that the outside folder is exactly as it was (same names, same bytes) afterwards.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct HostileProjectTests {
    static let bashrc = "export PATH=/usr/bin  # the victim's own file\n"

    /// The binary under test: `.build/debug/tangent`, or `TANGENT_HOSTILE_BINARY` (another
    /// build, e.g. of an older commit, to show that these tests fail there).
    static let binary =
        ProcessInfo.processInfo.environment["TANGENT_HOSTILE_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? TangentBinary.url

    /// A project (with `.git`) and an outside folder holding `bashrc` and an empty `folder/`.
    struct Layout {
        let sandbox: TemporaryFolder
        var project: URL { sandbox.root.appendingPathComponent("project") }
        var outside: URL { sandbox.root.appendingPathComponent("outside") }
        var bashrc: String { outside.appendingPathComponent("bashrc").path }
        var outsideFolder: String { outside.appendingPathComponent("folder").path }

        init() throws {
            sandbox = try TemporaryFolder("corpus")
            for dir in [project.appendingPathComponent(".git"), outside.appendingPathComponent("folder")] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            try HostileProjectTests.bashrc.write(toFile: bashrc, atomically: false, encoding: .utf8)
        }

        func path(_ relative: String) -> String { project.appendingPathComponent(relative).path }

        func write(_ relative: String, _ text: String) throws {
            try FileManager.default.createDirectory(
                at: project.appendingPathComponent(relative).deletingLastPathComponent(),
                withIntermediateDirectories: true)
            try text.write(toFile: path(relative), atomically: false, encoding: .utf8)
        }

        /// Replaces whatever is at `relative` by a symbolic link to `target`.
        func link(_ relative: String, to target: String) throws {
            try? FileManager.default.removeItem(atPath: path(relative))
            try FileManager.default.createDirectory(
                at: project.appendingPathComponent(relative).deletingLastPathComponent(),
                withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
        }

        func isLink(_ relative: String) -> Bool {
            var info = stat()
            return lstat(path(relative), &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
        }

        func isPlainFile(_ relative: String) -> Bool {
            var info = stat()
            return lstat(path(relative), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }

        /// Every name under the outside folder with its bytes (links and folders by kind),
        /// read without following any link.
        func outsideSnapshot() -> [String: String] {
            HostileProjectTests.snapshot(outside.path)
        }

        /// The outside names that appeared, disappeared or changed since `before`.
        func changedOutside(since before: [String: String]) -> [String] {
            let now = outsideSnapshot()
            return Set(now.keys).union(before.keys).filter { now[$0] != before[$0] }.sorted()
        }

        /// Runs the binary under test in the project folder.
        func run(_ arguments: [String]) throws -> TangentBinary.Result {
            try TangentBinary.run(arguments, in: project, scratch: sandbox, executable: HostileProjectTests.binary)
        }
    }

    static func snapshot(_ root: String) -> [String: String] {
        var out: [String: String] = [:]
        func visit(_ relative: String) {
            let full = relative.isEmpty ? root : root + "/" + relative
            var info = stat()
            guard lstat(full, &info) == 0 else { return }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                out[relative + "/"] = "folder"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? [] {
                    visit(relative.isEmpty ? name : relative + "/" + name)
                }
            case S_IFLNK:
                out[relative] = "link to " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?")
            default:
                out[relative] =
                    (FileManager.default.contents(atPath: full)).map { String(decoding: $0, as: UTF8.self) }
                    ?? "unreadable"
            }
        }
        visit("")
        return out
    }

    /// A notebook whose block binds a large value (its own `.value` side file in the cache).
    static let cachedNotebook =
        "# Cache\n\n```ntk {#big}\nX = randn(200, 200)\nshow X[0, 0]\n```\n\n```ntk {#small}\ny = 2\nshow y\n```\n"

    // MARK: The cache (item 8)

    @Test func linksAtCacheEntryNamesAreReplacedNotFollowed() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("nb.md", Self.cachedNotebook)
        let first = try t.run(["run", "nb.md"])
        #expect(first.status == 0, "\(first.transcript)")
        let cache = t.path(".tangent/cache")
        let names = try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
        #expect(names.contains { $0.hasSuffix(".block") } && names.contains { $0.hasSuffix(".value") }, "\(names)")
        // Every entry and side file, and the .gitignore, becomes a link to the victim; one more
        // name is a dangling link into the outside folder.
        for (k, name) in names.enumerated() {
            try t.link(".tangent/cache/" + name, to: k == 0 ? t.outsideFolder + "/planted" : t.bashrc)
        }
        try t.link(".tangent/.gitignore", to: t.bashrc)
        let before = t.outsideSnapshot()
        let second = try t.run(["run", "nb.md"])
        #expect(second.status == 0, "\(second.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        for name in names { #expect(t.isPlainFile(".tangent/cache/" + name), "\(name) should be a new plain file") }
        #expect(t.isPlainFile(".tangent/.gitignore"))
        // And the entries written so are used by the next run.
        let third = try t.run(["run", "nb.md"])
        #expect(third.status == 0 && third.out.contains("cached"), "\(third.transcript)")
    }

    @Test(arguments: [".tangent", ".tangent/cache"])
    func aLinkedCacheFolderIsNotWrittenThrough(_ linked: String) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("nb.md", Self.cachedNotebook)
        if linked != ".tangent" {
            try FileManager.default.createDirectory(atPath: t.path(".tangent"), withIntermediateDirectories: true)
        }
        try t.link(linked, to: t.outsideFolder)
        let before = t.outsideSnapshot()
        let r = try t.run(["run", "nb.md"])
        #expect(r.status == 0, "a cache that cannot be written must not fail the run: \(r.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        // A dangling link (to a folder that does not exist yet) is not followed either.
        try t.link(linked, to: t.outside.appendingPathComponent("new-folder").path)
        let dangling = try t.run(["run", "nb.md"])
        #expect(dangling.status == 0, "\(dangling.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
    }

    @Test func aLinkedCacheFolderInsideTheProjectIsHarmlessAndUsed() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("nb.md", Self.cachedNotebook)
        try FileManager.default.createDirectory(atPath: t.path("elsewhere"), withIntermediateDirectories: true)
        try t.link(".tangent", to: "elsewhere")
        let r = try t.run(["run", "nb.md"])
        #expect(r.status == 0, "\(r.transcript)")
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: t.path("elsewhere/cache"))) ?? []).contains {
                $0.hasSuffix(".block")
            })
    }

    // MARK: The site (item 9)

    static let siteNotebook = "# Site\n\nMath $x^2$.\n\n```ntk {#a}\nshow 2\n```\n"

    @Test func linksAtSitePagesAndAPlantedManifestTouchNothingOutside() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("notes/nb.md", Self.siteNotebook)
        try t.write("notes/other.md", Self.siteNotebook)
        let first = try t.run(["render", "notes", "--out", "site"])
        #expect(first.status == 0, "\(first.transcript)")
        // Pages and the math cache become links to the victim; a manifest names the victim
        // through a linked folder, through `..`, by absolute path, and names a link.
        for page in ["nb.html", "index.html", "search-index.js", ".tangent-math.json"] {
            try t.link("site/" + page, to: t.bashrc)
        }
        try t.link("site/victims", to: t.outside.path)
        try t.link("site/gone.html", to: t.bashrc)
        try t.write("site/other.html", "stale page")
        let manifest = [
            "nb.html", "index.html", "other.html", "victims/bashrc", "../../outside/bashrc", t.bashrc, "gone.html"
        ]
        try t.write(
            "site/.tangent-site.json",
            String(decoding: try JSONSerialization.data(withJSONObject: manifest), as: UTF8.self))
        try FileManager.default.removeItem(atPath: t.path("notes/other.md"))
        let before = t.outsideSnapshot()
        let second = try t.run(["render", "notes", "--out", "site"])
        #expect(second.status == 0, "\(second.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        for page in ["nb.html", "index.html", "search-index.js"] { #expect(t.isPlainFile("site/" + page), "\(page)") }
        #expect(
            !FileManager.default.fileExists(atPath: t.path("site/other.html")), "a stale plain page is still removed")
        #expect(t.isLink("site/gone.html") && t.isLink("site/victims"), "links named by the manifest are not removed")
    }

    @Test(arguments: [
        "assets", "assets/katex", "assets/katex/fonts", "assets/tangent.css", "assets/katex/katex.min.css"
    ])
    func linksAtSiteAssetsTouchNothingOutside(_ linked: String) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("notes/nb.md", Self.siteNotebook)
        let first = try t.run(["render", "notes", "--out", "site"])
        #expect(first.status == 0, "\(first.transcript)")
        let isFile = linked.hasSuffix(".css")
        try t.link("site/" + linked, to: isFile ? t.bashrc : t.outsideFolder)
        // Force KaTeX to be copied again.
        try t.write("site/.tangent-site.json", "[\"index.html\", \"nb.html\"]")
        let before = t.outsideSnapshot()
        let second = try t.run(["render", "notes", "--out", "site"])
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        if isFile {
            #expect(second.status == 0, "\(second.transcript)")
            #expect(t.isPlainFile("site/" + linked))
        } else {
            #expect(second.status != 0 && second.err.contains("symbolic link"), "\(second.transcript)")
        }
    }

    @Test func aSiteFolderThatIsALinkOutOfTheProjectIsRefused() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("notes/nb.md", Self.siteNotebook)
        try t.link("site", to: t.outsideFolder)
        let before = t.outsideSnapshot()
        let r = try t.run(["render", "notes", "--out", "site"])
        #expect(r.status != 0 && r.err.contains("symbolic link"), "\(r.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
    }

    // MARK: Figures

    static let figureNotebook = "# Figures\n\n```ntk {#h}\nheatmap(randn(3, 3), title: \"h\")\n```\n"

    @Test func linksAtTheFiguresFolderOrAFigureAreRefused() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("nb.md", Self.figureNotebook)
        let first = try t.run(["update", "nb.md", "--no-cache"])
        #expect(first.status == 0, "\(first.transcript)")
        let figures = try FileManager.default.contentsOfDirectory(atPath: t.path("nb.figures"))
        #expect(!figures.isEmpty)
        // A figure file that is a link to the victim; then the whole folder a link to a folder
        // outside holding a stale-looking figure.
        for name in figures { try t.link("nb.figures/" + name, to: t.bashrc) }
        try t.write("nb.md", Self.figureNotebook.replacingOccurrences(of: "randn(3, 3)", with: "randn(4, 4)"))
        let before = t.outsideSnapshot()
        let throughFile = try t.run(["update", "nb.md", "--no-cache"])
        #expect(
            throughFile.status == 2 && throughFile.err.contains("plain files in plain folders"),
            "\(throughFile.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")

        try "<svg/>".write(toFile: t.outsideFolder + "/old.svg", atomically: false, encoding: .utf8)
        try t.link("nb.figures", to: t.outsideFolder)
        let beforeFolder = t.outsideSnapshot()
        let throughFolder = try t.run(["update", "nb.md", "--no-cache"])
        #expect(throughFolder.status == 2 && throughFolder.err.contains("symbolic link"), "\(throughFolder.transcript)")
        #expect(
            t.changedOutside(since: beforeFolder).isEmpty, "changed outside: \(t.changedOutside(since: beforeFolder))")
        // A notebook that draws nothing any more: stale figures would be removed, but not
        // through the link.
        try t.write("nb.md", "# Figures\n\n```ntk {#h}\nshow 1\n```\n")
        let stale = try t.run(["update", "nb.md", "--no-cache"])
        #expect(stale.status == 0, "\(stale.transcript)")
        #expect(
            t.changedOutside(since: beforeFolder).isEmpty, "changed outside: \(t.changedOutside(since: beforeFolder))")
    }

    // MARK: save (items 8 and 11)

    @Test(arguments: [
        ("out/a.npy", "out", true),  // a folder on the way
        ("a.npy", "a.npy", false),  // the file itself
        ("new.npy", "new.npy", false),  // a dangling link
        ("deep/er/a.csv", "deep", true)
    ])
    func saveNeverWritesThroughALinkOut(_ target: String, _ linked: String, _ isFolder: Bool) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        let destination = linked == "new.npy" ? t.outsideFolder + "/new.npy" : (isFolder ? t.outsideFolder : t.bashrc)
        try t.link(linked, to: destination)
        try t.write("nb.md", "# Save\n\n```ntk\nsave([[1, 2]], \"\(target)\")\n```\n")
        let before = t.outsideSnapshot()
        let r = try t.run(["run", "nb.md", "--no-cache"])
        #expect(r.status == 1 && r.err.contains("nb.md:4:"), "\(r.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
    }

    /// `ntk(…, out:)` writes its kernel file by the same confined walk as `save`.
    @Test(arguments: [("out/K.npy", "out", true), ("K.npy", "K.npy", false), ("new.npy", "new.npy", false)])
    func kernelFilesNeverWriteThroughALinkOut(_ target: String, _ linked: String, _ isFolder: Bool) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        let destination = linked == "new.npy" ? t.outsideFolder + "/new.npy" : (isFolder ? t.outsideFolder : t.bashrc)
        try t.link(linked, to: destination)
        try t.write(
            "nb.md", "# Kernel\n\n```ntk\nk = ntk(mlp(depth: 1, width: 4), randn(3, 2), out: \"\(target)\")\n```\n")
        let before = t.outsideSnapshot()
        let r = try t.run(["run", "nb.md", "--no-cache"])
        #expect(r.status == 1 && r.err.contains("nb.md:4:"), "\(r.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
    }

    @Test func saveThroughALinkInsideTheProjectStillWorks() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try FileManager.default.createDirectory(atPath: t.path("data/runs"), withIntermediateDirectories: true)
        try t.link("latest", to: "data/runs")
        try t.link("data/k.csv", to: "runs/k1.csv")
        try t.write("nb.md", "# Save\n\n```ntk\nsave([[1, 2]], \"latest/a.csv\")\nsave([[3]], \"data/k.csv\")\n```\n")
        let r = try t.run(["run", "nb.md", "--no-cache"])
        #expect(r.status == 0, "\(r.transcript)")
        #expect(try String(contentsOfFile: t.path("data/runs/a.csv"), encoding: .utf8) == "1.0,2.0\n")
        #expect(try String(contentsOfFile: t.path("data/runs/k1.csv"), encoding: .utf8) == "3.0\n")
        #expect(t.isLink("data/k.csv"), "the link inside the project is kept")
    }

    /// Item 11: another process swaps a folder inside the project for a link to outside in a
    /// tight loop while a notebook saves into it many times; no save may land outside.
    /// `TANGENT_HOSTILE_BINARY` runs it against another build (to show the test bites).
    @Test func savesRacingAFolderSwappedForALinkNeverLandOutside() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        let saves = 2000
        var text = "# Race\n\n"
        // CSV: formatting the numbers takes a while between the path check and the write, the
        // gap a check-then-write implementation leaves open.
        for k in 0..<saves { text += "```ntk {#s\(k)}\nsave(zeros(64, 64) + \(k), \"out/f\(k).csv\")\n```\n\n" }
        try t.write("race.md", text)
        try FileManager.default.createDirectory(atPath: t.path("out"), withIntermediateDirectories: true)
        let landed = try Self.race(t, arguments: ["run", "race.md", "--no-cache", "--quiet"])
        // Any file there counts: a whole save, or a temporary file left behind.
        let outside = (try? FileManager.default.contentsOfDirectory(atPath: t.outsideFolder)) ?? []
        let whole = outside.filter { !$0.hasPrefix(".") }.count
        print(
            "savesRacingAFolderSwappedForALinkNeverLandOutside: \(whole) of \(saves) saves landed outside "
                + "(and \(outside.count - whole) temporary files); \(landed.inside) inside; \(landed.swaps) swaps")
        #expect(
            outside.isEmpty,
            "\(whole) of \(saves) saves landed outside the project, and \(outside.count - whole) temporary files")
        #expect(landed.inside > 0, "the race never let a save through: it proves nothing")
        #expect(landed.status == 0 || landed.status == 1)
    }

    /// Runs the binary while a thread swaps the folder `out` for a link to the outside folder
    /// and back in a loop, with `renameat2(RENAME_EXCHANGE)` so that `out` is always either the
    /// folder or the link (never missing, so no save recreates it). Returns the exit status,
    /// the saves that landed in the folder, and the swaps.
    static func race(_ t: Layout, arguments: [String]) throws -> (status: Int32, inside: Int, swaps: Int) {
        let out = t.path("out")
        let link = t.path("out.link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: t.outsideFolder)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2"), "glibc has no renameat2")
        let exchange = unsafeBitCast(symbol, to: RenameAt2.self)
        let swapper = Swapper()
        let thread = Thread {
            while !swapper.stopped {
                // The link stays a while, and so does the folder: a save can pass a check while
                // the folder is there and write while the link is.
                let renameExchange: UInt32 = 2  // RENAME_EXCHANGE
                if exchange(AT_FDCWD, out, AT_FDCWD, link, renameExchange) == 0 { swapper.swapped() }
                usleep(UInt32.random(in: 0...3000))
                _ = exchange(AT_FDCWD, out, AT_FDCWD, link, renameExchange)
                usleep(UInt32.random(in: 0...1000))
            }
            swapper.done.signal()
        }
        thread.start()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = t.project
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        swapper.stop()
        swapper.done.wait()
        var info = stat()
        if lstat(out, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
            _ = exchange(AT_FDCWD, out, AT_FDCWD, link, 2)
        }
        let inside = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).count
        return (process.terminationStatus, inside, swapper.swaps)
    }

    /// The swapping thread's flag and count.
    final class Swapper: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        private var n = 0
        let done = DispatchSemaphore(value: 0)
        var stopped: Bool { lock.withLock { flag } }
        var swaps: Int { lock.withLock { n } }
        func stop() { lock.withLock { flag = true } }
        func swapped() { lock.withLock { n += 1 } }
    }

    // MARK: import and export (item 10)

    static let ipynb = """
        {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Imported\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

        """

    @Test(arguments: [false, true])
    func importNeverWritesThroughALinkAtTheTarget(_ dangling: Bool) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("nb.ipynb", Self.ipynb)
        try t.link("nb.md", to: dangling ? t.outsideFolder + "/nb.md" : t.bashrc)
        let before = t.outsideSnapshot()
        let refused = try t.run(["import", "nb.ipynb"])
        #expect(refused.status == 2 && refused.err.contains("already exists"), "\(refused.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        let forced = try t.run(["import", "nb.ipynb", "--force"])
        #expect(forced.status == 0 && forced.out.contains("replaced the symbolic link"), "\(forced.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        #expect(t.isPlainFile("nb.md"))
        #expect(try String(contentsOfFile: t.path("nb.md"), encoding: .utf8).contains("# Imported"))
    }

    @Test(arguments: [false, true])
    func exportNeverWritesThroughALinkAtTheTarget(_ dangling: Bool) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try t.write("nb.md", "# Export\n\n```ntk\nshow 1\n```\n")
        try t.link("nb.ipynb", to: dangling ? t.outsideFolder + "/nb.ipynb" : t.bashrc)
        try t.link("linked", to: t.outsideFolder)
        let before = t.outsideSnapshot()
        let r = try t.run(["export", "nb.md", "--to", "ipynb"])
        #expect(r.status == 2 && r.err.contains("symbolic link"), "\(r.transcript)")
        let viaFolder = try t.run(["export", "nb.md", "--to", "ipynb", "--out", "linked/nb.ipynb"])
        #expect(viaFolder.status == 2 && viaFolder.err.contains("symbolic link"), "\(viaFolder.transcript)")
        #expect(t.changedOutside(since: before).isEmpty, "changed outside: \(t.changedOutside(since: before))")
        #expect(t.isLink("nb.ipynb"))
    }
}
