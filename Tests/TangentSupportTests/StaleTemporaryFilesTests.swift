import Foundation
import TestSupport
import Testing

@testable import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// Names of temporary files and scratch folders (`TemporaryName`) and which leftovers are
/// stale (`StaleTemporaryFiles`).
@Suite struct StaleTemporaryFilesTests {
    /// A temporary folder addressed by path, with files planted in it; `remove()` when done.
    struct Folder {
        let folder: TemporaryFolder
        var path: String { folder.root.path }
        init() throws { folder = try TemporaryFolder("stale") }
        func remove() { folder.remove() }
        func plant(_ name: String, age: Int? = nil) throws {
            let p = path + "/" + name
            try FileManager.default.createDirectory(
                atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: p))
            if let age { try setAge(p, age) }
        }
        func exists(_ name: String) -> Bool {
            var info = stat()
            return lstat(path + "/" + name, &info) == 0
        }
    }

    static func setAge(_ path: String, _ age: Int) throws {
        let then = Int(Date().timeIntervalSince1970) - age
        var times = [timespec(tv_sec: then, tv_nsec: 0), timespec(tv_sec: then, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0)
    }

    @Test(arguments: ["nb.md", "a.b.c", String(repeating: "é", count: 80), "x"])
    func fileNamesRoundTrip(_ name: String) {
        let made = TemporaryName.file(for: name, pid: 4242, tag: 123_456_789)
        #expect(made.hasPrefix(".") && made.hasSuffix(".4242.\(String(123_456_789, radix: 36)).tmp"))
        #expect(TemporaryName.pidOfFile(made) == 4242)
        #expect(TemporaryName.pidOfFile(TemporaryName.file(for: name, pid: 7, tag: .max)) == 7)
        #expect(TemporaryName.pidOfFile(TemporaryName.file(for: name, pid: 7, tag: 0)) == 7)
    }

    @Test(arguments: [
        "nb.md.42.abc.tmp", ".nb.md.42.ABC.tmp", ".nb.md.042.abc.tmp", ".nb.md.42.abc.tmp.bak",
        ".42.abc.tmp", "..42.abc.tmp", ".nb.md.42..tmp", ".nb.md.-42.abc.tmp", ".nb.md.42.0abc.tmp",
        ".nb.md.42.abcdefghijklmn.tmp", ".nb.md.0.abc.tmp", ".nb.md.x42.abc.tmp", ".nb.md.42.abc.TMP",
        ".nb.md.42.zzzzzzzzzzzzz.tmp", ".nb.md.4194305.abc.tmp"
    ])
    func otherNamesAreNotTemporaryFiles(_ name: String) {
        #expect(TemporaryName.pidOfFile(name) == nil)
    }

    @Test func scratchFolderNames() {
        let made = TemporaryName.scratchFolder(prefix: "tangent-katex-", pid: 99)
        #expect(TemporaryName.pidOfScratchFolder(made, prefix: "tangent-katex-") == 99)
        for other in [
            "tangent-katex-\(UUID().uuidString)", "tangent-katex-99-", "tangent-katex-99-a/b", "tangent-katex--x",
            "tangent-katex-099-x", "tangent-bench-99-x", "tangent-katex-99-a.b",
            "tangent-katex-12345678-9abc-def0", "tangent-katex-4194305-x"
        ] {
            #expect(TemporaryName.pidOfScratchFolder(other, prefix: "tangent-katex-") == nil, "\(other)")
        }
    }

    /// The writer's real temporary files have the documented form (`AtomicFile` keeps its file
    /// until committed, so it can be looked at).
    @Test func atomicWritesUseTheDocumentedName() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let file = try AtomicFile(url: URL(fileURLWithPath: folder.path + "/kernel.npy"), size: 16)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        file.discard()
        #expect(names.count == 1)
        #expect(
            names.allSatisfy { TemporaryName.pidOfFile($0) == getpid() && $0.hasPrefix(".kernel.npy.") }, "\(names)")
    }

    @Test func processStartTimesComeFromProc() throws {
        guard case .started(let mine) = ProcessStart.of(getpid()) else {
            Issue.record("no start time for this process")
            return
        }
        #expect(mine <= Date().timeIntervalSince1970 + 2)
        let child = try ChildProcess.startedNow()
        defer { ChildProcess.stop(child) }
        guard case .started(let theirs) = ProcessStart.of(child.processIdentifier) else {
            Issue.record("no start time")
            return
        }
        #expect(theirs >= mine - 2)
        #expect(ProcessStart.of(try ChildProcess.exitedPID()) == .gone)
        // A command name with spaces and parentheses does not shift the fields.
        #expect(ProcessStart.fieldsAfterName("12 (a) b (c)) S 1 2")?.first == "S")
    }

    @Test func sweepRemovesOnlyStaleFilesOfTheExactForm() throws {
        let folder = try Folder()
        let outside = try Folder()
        defer {
            folder.remove()
            outside.remove()
        }
        let dead = try ChildProcess.exitedPID()
        let newer = try ChildProcess.startedNow()
        defer { ChildProcess.stop(newer) }
        let me = getpid()
        let removed = [
            TemporaryName.file(for: "nb.md", pid: dead), TemporaryName.file(for: "a.svg", pid: newer.processIdentifier)
        ]
        let kept = [
            TemporaryName.file(for: "nb.md", pid: me), TemporaryName.file(for: "old.md", pid: me),
            ".nb.md.\(dead).ABC.tmp", "nb.md.\(dead).abc.tmp", "plain.txt"
        ]
        try folder.plant(removed[0])
        try folder.plant(removed[1], age: 3600)  // written before `newer` started: its pid was reused
        try folder.plant(kept[0])
        try folder.plant(kept[1], age: 3600)  // ours, however old: this process is alive
        for name in kept.dropFirst(2) { try folder.plant(name) }
        // A stale-looking link: neither it nor its target is touched.
        try outside.plant("target")
        let link = TemporaryName.file(for: "link", pid: dead)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/" + link, withDestinationPath: outside.path + "/target")
        // Not below depth 0, and never into a linked folder.
        let deep = "sub/" + TemporaryName.file(for: "deep", pid: dead)
        let far = TemporaryName.file(for: "far", pid: dead)
        try folder.plant(deep)
        try outside.plant(far)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/linked", withDestinationPath: outside.path)

        let gone = StaleTemporaryFiles.sweep(folder.path)
        #expect(Set(gone) == Set(removed.map { folder.path + "/" + $0 }))
        for name in removed { #expect(!folder.exists(name), "\(name)") }
        for name in kept + [link, deep] { #expect(folder.exists(name), "\(name)") }
        #expect(outside.exists("target") && outside.exists(far))

        // With depth: the subfolder too, still not through the link.
        StaleTemporaryFiles.sweep(folder.path, depth: 2)
        #expect(!folder.exists(deep))
        #expect(outside.exists(far))
    }

    @Test func sweepBelowComponentsNeverFollowsALink() throws {
        let project = try Folder()
        let outside = try Folder()
        defer {
            project.remove()
            outside.remove()
        }
        let dead = try ChildProcess.exitedPID()
        let name = TemporaryName.file(for: "entry.block", pid: dead)
        try outside.plant("cache/" + name)
        try FileManager.default.createSymbolicLink(
            atPath: project.path + "/.tangent", withDestinationPath: outside.path)
        #expect(StaleTemporaryFiles.sweep(project.path, below: [".tangent", "cache"]).isEmpty)
        #expect(outside.exists("cache/" + name))
        try FileManager.default.removeItem(atPath: project.path + "/.tangent")
        try project.plant(".tangent/cache/" + name)
        #expect(
            StaleTemporaryFiles.sweep(project.path, below: [".tangent", "cache"]) == [
                project.path + "/.tangent/cache/" + name
            ])
    }

    @Test func scratchFoldersOfDeadRunsAreRemovedWithTheirContents() throws {
        let tmp = try Folder()
        let outside = try Folder()
        defer {
            tmp.remove()
            outside.remove()
        }
        let dead = try ChildProcess.exitedPID()
        let stale = TemporaryName.scratchFolder(prefix: "tangent-katex-", pid: dead)
        let live = TemporaryName.scratchFolder(prefix: "tangent-katex-", pid: getpid())
        try tmp.plant(stale + "/input.json")
        try tmp.plant(live + "/input.json")
        try outside.plant("precious")
        try FileManager.default.createSymbolicLink(
            atPath: tmp.path + "/" + stale + "/link", withDestinationPath: outside.path)
        // A stale-named link to a folder is not a scratch folder.
        let linked = TemporaryName.scratchFolder(prefix: "tangent-katex-", pid: dead)
        try FileManager.default.createSymbolicLink(atPath: tmp.path + "/" + linked, withDestinationPath: outside.path)
        let gone = StaleTemporaryFiles.sweepScratchFolders(prefix: "tangent-katex-", in: tmp.path)
        #expect(gone == [tmp.path + "/" + stale])
        #expect(!tmp.exists(stale) && tmp.exists(live + "/input.json") && tmp.exists(linked))
        #expect(outside.exists("precious"))
    }
}
