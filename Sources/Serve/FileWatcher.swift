import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Polls a list of files (which may itself change: new notebooks appear) and reports the paths
/// whose modification time, size or inode changed, or that appeared or went. The poll runs
/// every 300 ms, and at once when inotify says something in the files' folders was written,
/// moved or deleted; a stat of a few dozen files costs nothing measurable.
package final class FileWatcher: Sendable {
    /// What identifies a version of a file.
    package struct Stamp: Equatable, Sendable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int64
        var inode: UInt64
    }

    private let interval: Double
    private let files: @Sendable () -> [String]
    private let onChange: @Sendable ([String]) -> Void
    private let stopped = Mutex(false)

    /// `files` lists what to watch (called every poll); `onChange` runs on the watcher's thread,
    /// so changes made while it runs are reported by the next poll.
    package init(
        interval: Double = 0.3, files: @escaping @Sendable () -> [String],
        onChange: @escaping @Sendable ([String]) -> Void
    ) {
        self.interval = interval
        self.files = files
        self.onChange = onChange
    }

    /// Starts polling; every change made after this returns is reported.
    package func start() {
        let first = FileWatcher.snapshot(files())
        // Watch the folders before returning, so a save right after start() is not missed.
        let events = FolderEvents()
        events?.watch(folders: first.keys)
        let thread = Thread { [self] in
            var last = first
            while !isStopped {
                if let events {
                    events.watch(folders: last.keys)
                    events.wait(milliseconds: Int32(interval * 1000))
                } else {
                    usleep(UInt32(interval * 1_000_000))
                }
                if isStopped { return }
                var now = FileWatcher.snapshot(files())
                guard now != last else { continue }
                // An editor may save in steps (truncate, then write): wait until it settles.
                for _ in 0..<10 {
                    usleep(50_000)
                    let again = FileWatcher.snapshot(files())
                    if again == now { break }
                    now = again
                }
                let changed = FileWatcher.changes(from: last, to: now)
                last = now
                if !isStopped { onChange(changed) }
            }
        }
        thread.name = "tangent-serve-watcher"
        thread.start()
    }

    /// Ends the polling within one interval (a callback already running finishes first).
    package func stop() {
        stopped.withLock { $0 = true }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    package static func snapshot(_ paths: [String]) -> [String: Stamp] {
        var out: [String: Stamp] = [:]
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            out[path] = Stamp(
                seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec,
                size: Int64(info.st_size), inode: UInt64(info.st_ino))
        }
        return out
    }

    /// Paths added, removed or changed between two snapshots, sorted.
    package static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}

/// inotify on the folders that hold the watched files, to wake the poll early; the snapshots
/// still decide what changed. Made by `start()`, then used only on the watcher's thread.
private final class FolderEvents: @unchecked Sendable {
    private let fd: Int32
    private var watched: Set<String> = []

    init?() {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    func watch(folders paths: some Sequence<String>) {
        for path in paths {
            let folder = (path as NSString).deletingLastPathComponent
            guard !watched.contains(folder) else { continue }
            let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)
            if inotify_add_watch(fd, folder.isEmpty ? "." : folder, mask) >= 0 { watched.insert(folder) }
        }
    }

    /// Returns when an event arrives or `milliseconds` pass, having read the events.
    func wait(milliseconds: Int32) {
        guard Socket.waitReadable(fd, milliseconds: milliseconds) else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
