import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The temporary files `writeAtomically` and `ConfinedFolder` have open right now, so that a
/// process stopped by SIGINT or SIGTERM can remove them before it exits and leave no debris.
///
/// A temporary file is known by the descriptor of the folder it was created in and its name
/// there (the folder stays open until the file is renamed or discarded), so removing it never
/// walks a path again: a folder swapped for a symbolic link meanwhile cannot redirect the
/// removal. Creating a temporary file, renaming it over its destination and removing it all
/// happen under one lock, and `removeAllAndExit` takes that lock and never gives it back: once
/// the cleanup has started no writer can create, rename or leave another file, so every
/// destination is either untouched or wholly replaced.
package enum TemporaryFiles {
    /// A temporary file: a name inside an open folder.
    struct Entry: Hashable {
        var folder: Int32
        var name: String
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var open: Set<Entry> = []
    nonisolated(unsafe) private static var folders: Set<String> = []

    /// Records a scratch folder (removed with its contents on SIGINT/SIGTERM).
    package static func track(folder: String) {
        lock.lock()
        defer { lock.unlock() }
        folders.insert(folder)
    }

    /// Forgets a scratch folder its owner has removed.
    package static func untrack(folder: String) {
        lock.lock()
        defer { lock.unlock() }
        folders.remove(folder)
    }

    /// `openat(folder, name, O_CREAT | O_EXCL | O_NOFOLLOW)`, recorded; returns the descriptor
    /// or -1 (errno set). `folder` must stay open until `finish` or `discard`.
    static func create(in folder: Int32, _ name: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let fd = openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        if fd >= 0 { open.insert(Entry(folder: folder, name: name)) }
        return fd
    }

    /// Renames a finished temporary file over `destination` in the same folder (replacing a
    /// symbolic link there, never what it leads to); returns `renameat`'s result.
    static func finish(in folder: Int32, _ name: String, renamingTo destination: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let result = renameat(folder, name, folder, destination)
        let saved = errno
        if result == 0 { open.remove(Entry(folder: folder, name: name)) }
        errno = saved
        return result
    }

    /// Removes a temporary file that will not be used.
    static func discard(in folder: Int32, _ name: String) {
        lock.lock()
        defer { lock.unlock() }
        _ = unlinkat(folder, name, 0)
        open.remove(Entry(folder: folder, name: name))
    }

    /// How many temporary files are being written right now.
    package static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return open.count
    }

    /// Removes every temporary file being written (and every tracked scratch folder) and ends the process with `status`.
    package static func removeAllAndExit(_ status: Int32) -> Never {
        lock.lock()  // held until exit: no writer may start or finish from here on
        for entry in open { _ = unlinkat(entry.folder, entry.name, 0) }
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        _exit(status)
    }
}
