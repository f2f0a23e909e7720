import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A run killed by SIGKILL (or a power loss) leaves `.<name>.<pid>.<tag>.tmp` files beside its
/// destinations and `tangent-katex-<pid>-<tag>` scratch folders in the temp folder; the next run
/// removes the stale ones — their process is gone, or their pid now belongs to a process that
/// started after they were written — and keeps those of a Tangent that is still running.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct StaleTemporaryFileTests {
    /// Creates a regular file, optionally with a modification time `age` seconds in the past.
    static func plant(_ path: String, age: TimeInterval? = nil) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try Data("partial".utf8).write(to: URL(fileURLWithPath: path))
        if let age { try setAge(path, age) }
    }

    static func setAge(_ path: String, _ age: TimeInterval) throws {
        let then = Date().timeIntervalSince1970 - age
        var times = [timespec(tv_sec: Int(then), tv_nsec: 0), timespec(tv_sec: Int(then), tv_nsec: 0)]
        guard utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw TestFailure("utimensat \(path): \(String(cString: strerror(errno)))")
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// What a folder should look like after the next run: names removed and names kept.
    struct Plan {
        var removed: [String] = []
        var kept: [String] = []
    }

    /// Plants, in `folder`, the temp files of a dead writer, of a pid reused by a newer process,
    /// of a live Tangent (this test process, fresh), and look-alikes that are not Tangent's.
    static func plantCase(in folder: String, name: String, dead: Int32, reused: Int32, outside: String) throws -> Plan {
        var plan = Plan()
        let me = getpid()
        func path(_ n: String) -> String { folder + "/" + n }
        try plant(path(".\(name).\(dead).1x2y3z.tmp"))
        plan.removed.append(".\(name).\(dead).1x2y3z.tmp")
        try plant(path(".\(name).\(reused).k3j2.tmp"), age: 3600)
        plan.removed.append(".\(name).\(reused).k3j2.tmp")
        try plant(path(".\(name).\(me).zz9.tmp"))
        plan.kept.append(".\(name).\(me).zz9.tmp")
        for lookalike in [
            ".\(name).\(dead).ABC.tmp", "\(name).\(dead).abc.tmp", ".\(name).\(dead).abc.tmp.bak",
            ".\(name).0\(dead).abc.tmp", ".\(dead).abc.tmp", ".\(name).\(dead).abc.TMP"
        ] {
            try plant(path(lookalike))
            plan.kept.append(lookalike)
        }
        // A link with a stale name is not followed (its target stays) and not touched.
        let link = ".\(name).\(dead).link1.tmp"
        try FileManager.default.createSymbolicLink(atPath: path(link), withDestinationPath: outside)
        plan.kept.append(link)
        return plan
    }

    static func check(_ plan: Plan, in folder: String, _ r: TangentBinary.Result) {
        let fm = FileManager.default
        for n in plan.removed {
            #expect(!fm.fileExists(atPath: folder + "/" + n), "stale \(folder)/\(n) was kept\n\(r.transcript)")
        }
        for n in plan.kept {
            var info = stat()
            #expect(lstat(folder + "/" + n, &info) == 0, "\(folder)/\(n) was removed\n\(r.transcript)")
        }
    }

    @Test func updateRemovesStaleFilesBesideTheNotebookItsFiguresTheCacheAndSavedFiles() throws {
        let sandbox = try TemporaryFolder("corpus")
        let outsideBox = try TemporaryFolder("corpus")
        defer {
            sandbox.remove()
            outsideBox.remove()
        }
        let outside = outsideBox.path("outside.tmp")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: outside))
        try Self.setAge(outside, 7200)
        let nb = sandbox.path("nb.md")
        try "# T\n\n```ntk\nx = linspace(0, 1, 5)\nplot(x, x)\nsave(x, \"data/x.npy\")\n```\n".write(
            toFile: nb, atomically: true, encoding: .utf8)
        let sleeper = try ChildProcess.startedNow()
        defer { ChildProcess.stop(sleeper) }
        let dead = try ChildProcess.exitedPID()
        // No marker file: the project root (holding .tangent/cache) is the notebook's folder.
        let folders = [
            sandbox.root.path, sandbox.path("nb.figures"), sandbox.path(".tangent/cache"), sandbox.path("data")
        ]
        var plans: [Plan] = []
        for (folder, name) in zip(folders, ["nb.md", "nb-1.svg", "0123456789abcdef.block", "x.npy"]) {
            plans.append(
                try Self.plantCase(
                    in: folder, name: name, dead: dead, reused: sleeper.processIdentifier, outside: outside))
        }
        let r = try TangentBinary.run(["update", nb, "--quiet"], in: sandbox.root, scratch: sandbox)
        #expect(r.reason == .exit && r.status == 0, "\(r.transcript)")
        for (plan, folder) in zip(plans, folders) { Self.check(plan, in: folder, r) }
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "keep me")
    }

    @Test func renderRemovesStaleFilesInTheSiteAndStaleKaTeXScratchFolders() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        let site = sandbox.path("site")
        let tmp = sandbox.path("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        try "# T\n\n```ntk\nshow 1\n```\n".write(toFile: nb, atomically: true, encoding: .utf8)
        let first = try TangentBinary.run(
            ["render", nb, "--no-cache", "--quiet", "--out", site], in: sandbox.root, scratch: sandbox,
            environment: ["TMPDIR": tmp])
        #expect(first.status == 0, "\(first.transcript)")

        let sleeper = try ChildProcess.startedNow()
        defer { ChildProcess.stop(sleeper) }
        let dead = try ChildProcess.exitedPID()
        let reused = sleeper.processIdentifier
        let me = getpid()
        try Self.plant(site + "/.index.html.\(dead).q1.tmp")
        try Self.plant(site + "/assets/.tangent.css.\(reused).q2.tmp", age: 3600)
        try Self.plant(site + "/.nb.html.\(me).q3.tmp")
        // KaTeX scratch folders: tangent-katex-<pid>-<tag>.
        let staleScratch = tmp + "/tangent-katex-\(dead)-\(UUID().uuidString)"
        let reusedScratch = tmp + "/tangent-katex-\(reused)-\(UUID().uuidString)"
        let liveScratch = tmp + "/tangent-katex-\(me)-\(UUID().uuidString)"
        let foreign = tmp + "/tangent-katex-notours"
        for folder in [staleScratch, reusedScratch, liveScratch, foreign] {
            try Self.plant(folder + "/input.json")
        }
        try Self.setAge(reusedScratch + "/input.json", 3600)
        try Self.setAge(reusedScratch, 3600)

        let r = try TangentBinary.run(
            ["render", nb, "--no-cache", "--quiet", "--out", site], in: sandbox.root, scratch: sandbox,
            environment: ["TMPDIR": tmp])
        #expect(r.reason == .exit && r.status == 0, "\(r.transcript)")
        let fm = FileManager.default
        #expect(!fm.fileExists(atPath: site + "/.index.html.\(dead).q1.tmp"), "\(r.transcript)")
        #expect(!fm.fileExists(atPath: site + "/assets/.tangent.css.\(reused).q2.tmp"), "\(r.transcript)")
        #expect(fm.fileExists(atPath: site + "/.nb.html.\(me).q3.tmp"), "a live Tangent's temp file was removed")
        #expect(!fm.fileExists(atPath: staleScratch), "\(r.transcript)")
        #expect(!fm.fileExists(atPath: reusedScratch), "\(r.transcript)")
        #expect(fm.fileExists(atPath: liveScratch + "/input.json"), "a live Tangent's scratch folder was removed")
        #expect(fm.fileExists(atPath: foreign + "/input.json"), "a folder not named by Tangent was removed")
    }

    /// `--out` naming a folder that is not (yet) a Tangent site: only its top level is swept.
    @Test func aFolderWithoutTheSiteManifestIsSweptOnlyAtItsTopLevel() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        let out = sandbox.path("out")
        try "# T\n\n```ntk\nshow 1\n```\n".write(toFile: nb, atomically: true, encoding: .utf8)
        let dead = try ChildProcess.exitedPID()
        let top = out + "/.tangent-site.json.\(dead).m1.tmp"
        let nested = out + "/notes/.draft.md.\(dead).m2.tmp"
        try Self.plant(top)
        try Self.plant(nested)
        let r = try TangentBinary.run(
            ["render", nb, "--no-cache", "--quiet", "--out", out], in: sandbox.root, scratch: sandbox,
            environment: ["TMPDIR": sandbox.root.path])
        #expect(r.reason == .exit, "\(r.transcript)")
        #expect(!FileManager.default.fileExists(atPath: top), "\(r.transcript)")
        #expect(FileManager.default.fileExists(atPath: nested), "\(r.transcript)")
    }
}
