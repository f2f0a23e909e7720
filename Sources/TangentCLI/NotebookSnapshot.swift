import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a notebook as `update` read them, with the identity of the file they came
/// from (device, inode, size, modification time), so that `update` can tell, just before it
/// replaces the file, whether anyone saved it in the meantime. An editor's save, in place or by
/// renaming a new file over it, changes at least one of these; `update` then writes nothing,
/// like git refusing to overwrite a file changed since it was read, and the user's edit is
/// never lost.
struct NotebookSnapshot: Equatable {
    var bytes: Data
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    static func == (a: NotebookSnapshot, b: NotebookSnapshot) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
            && a.bytes == b.bytes
    }

    /// Reads the file (following a symbolic link, as reading the notebook does) and records the
    /// identity of what was read from the same open descriptor. Nil when it cannot be read.
    static func read(_ path: String) -> NotebookSnapshot? {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0, (before.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        // A write that landed while we read shows in the times; the caller's comparison then
        // fails and nothing is overwritten.
        var after = stat()
        guard fstat(fd, &after) == 0 else { return nil }
        return NotebookSnapshot(
            bytes: data, device: UInt64(after.st_dev), inode: UInt64(after.st_ino),
            size: Int64(after.st_size), modified: after.st_mtim, changed: after.st_ctim)
    }

    /// True when the file at `path` is still exactly what this snapshot read: same file (not
    /// replaced by a rename), same times, same bytes.
    func isCurrent(at path: String) -> Bool {
        NotebookSnapshot.read(path) == self
    }
}
