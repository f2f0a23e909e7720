import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Serve

struct FileWatcherTests {
    @Test func reportsChangedAddedAndRemovedFiles() throws {
        let folder = try TemporaryFolder("watch")
        defer { folder.remove() }
        let dir = folder.root
        let a = dir.appendingPathComponent("a.md").path
        let b = dir.appendingPathComponent("b.md").path
        try "one".write(toFile: a, atomically: false, encoding: .utf8)
        let reports = Mutex<[[String]]>([])
        let watcher = FileWatcher(
            interval: 0.05,
            files: {
                ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).map {
                    dir.appendingPathComponent($0).path
                }
            },
            onChange: { changed in reports.withLock { $0.append(changed) } }
        )
        watcher.start()
        defer { watcher.stop() }

        // Same size, new content: the modification time (nanoseconds) still tells.
        try "two".write(toFile: a, atomically: false, encoding: .utf8)
        #expect(eventually(within: 5) { reports.withLock { $0.contains([a]) } })
        try "new".write(toFile: b, atomically: false, encoding: .utf8)
        #expect(eventually(within: 5) { reports.withLock { $0.contains([b]) } })
        try FileManager.default.removeItem(atPath: a)
        #expect(eventually(within: 5) { reports.withLock { $0.filter { $0 == [a] }.count == 2 } })
    }

    @Test func aSaveWakesTheWatcherBeforeItsNextPoll() throws {
        let folder = try TemporaryFolder("watch")
        defer { folder.remove() }
        let dir = folder.root
        let a = dir.appendingPathComponent("a.md").path
        try "one".write(toFile: a, atomically: false, encoding: .utf8)
        let reports = Mutex<[[String]]>([])
        // A poll interval far longer than the wait below: only inotify can report in time.
        let watcher = FileWatcher(
            interval: 600, files: { [a] }, onChange: { changed in reports.withLock { $0.append(changed) } })
        watcher.start()
        defer { watcher.stop() }
        try "a longer text".write(toFile: a, atomically: true, encoding: .utf8)
        #expect(eventually(within: 20) { reports.withLock { $0 == [[a]] } })
    }

    @Test func snapshotsCompareByTimeSizeAndInode() {
        let s1 = FileWatcher.Stamp(seconds: 1, nanoseconds: 5, size: 10, inode: 3)
        var s2 = s1
        s2.inode = 4
        #expect(FileWatcher.changes(from: ["x": s1, "y": s1], to: ["x": s1, "y": s2, "z": s1]) == ["y", "z"])
        #expect(FileWatcher.changes(from: ["x": s1], to: [:]) == ["x"])
        #expect(FileWatcher.changes(from: ["x": s1], to: ["x": s1]).isEmpty)
    }
}
