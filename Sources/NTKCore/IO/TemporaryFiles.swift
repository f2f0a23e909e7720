import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The temporary files `writeAtomically` has open right now, so that a process stopped by
/// SIGINT or SIGTERM can remove them before it exits and leave no debris.
///
/// Creating a temporary file, renaming it over its destination and removing it all happen
/// under one lock, and `removeAllAndExit` takes that lock and never gives it back: once the
/// cleanup has started no writer can create, rename or leave another file, so every
/// destination is either untouched or wholly replaced.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var open: Set<String> = []
    nonisolated(unsafe) private static var folders: Set<String> = []

    /// Records a scratch folder (removed with its contents on SIGINT/SIGTERM).
    public static func track(folder: String) {
        lock.lock()
        defer { lock.unlock() }
        folders.insert(folder)
    }

    /// Forgets a scratch folder its owner has removed.
    public static func untrack(folder: String) {
        lock.lock()
        defer { lock.unlock() }
        folders.remove(folder)
    }

    /// `open(path, O_CREAT | O_EXCL)`, recorded; returns the descriptor or -1 (errno set).
    static func create(_ path: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd >= 0 { open.insert(path) }
        return fd
    }

    /// Renames a finished temporary file over `destination`; returns `rename`'s result.
    static func finish(_ path: String, renamingTo destination: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let result = rename(path, destination)
        let saved = errno
        if result == 0 { open.remove(path) }
        errno = saved
        return result
    }

    /// Removes a temporary file that will not be used.
    static func discard(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        _ = unlink(path)
        open.remove(path)
    }

    /// How many temporary files are being written right now.
    public static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return open.count
    }

    /// Removes every temporary file being written (and every tracked scratch folder) and ends the process with `status`.
    public static func removeAllAndExit(_ status: Int32) -> Never {
        lock.lock()   // held until exit: no writer may start or finish from here on
        for path in open { _ = unlink(path) }
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        _exit(status)
    }
}
