import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// File-system helpers shared by the matrix readers and writers (and, later,
// by whatever writes notebooks back). Everything is plain POSIX so that the
// error messages are the system's own reasons ("No such file or directory").

/// Writes `data` to `url` atomically: readers see either the old file or the
/// complete new one, never a partial write.
///
/// The bytes go to a uniquely named temporary file in the destination folder,
/// which is flushed to disk (`fsync`) and then renamed over the destination;
/// if anything fails the temporary file is removed. Missing parent folders are
/// created. When the destination already exists its permission bits (and, when
/// allowed, its owner and group) are carried over to the new file. When the
/// destination is a symbolic link, the file it points to is replaced and the
/// link itself is kept: this is for paths the user named (reports); files whose
/// place comes from a repository go through `ConfinedFolder`, which never
/// follows a link out of its folder.
package func writeAtomically(_ data: Data, to url: URL) throws(FileError) {
    let requested = try fileSystemPath(of: url, action: "write")
    if requested.hasSuffix("/") { throw posixError("cannot write file", EISDIR) }
    let path = resolvingSymbolicLinks(requested)
    let (folder, name) = splitPath(path)
    try createFolders(folder)
    let dir = try openFolder(folder)
    defer { _ = close(dir) }
    try replaceAtomically(data, in: dir, name: name)
}

/// Replaces `name` in the open folder `folder` with a new file holding `data`, through a
/// registered temporary file renamed over it. A symbolic link at `name` is replaced itself
/// (rename never follows it); a folder, device or pipe there is refused (renaming over
/// /dev/null would delete it). An existing file's permission bits (and, when allowed, owner
/// and group) are kept.
package func replaceAtomically(_ data: Data, in folder: Int32, name: String) throws(FileError) {
    var existing = stat()
    let exists = fstatat(folder, name, &existing, AT_SYMLINK_NOFOLLOW) == 0
    let kind = existing.st_mode & S_IFMT
    if exists && kind == S_IFDIR { throw posixError("cannot write file", EISDIR) }
    if exists && kind != S_IFREG && kind != S_IFLNK {
        throw FileError("cannot write file: not a regular file")
    }

    let (tempName, fd) = try createTemporaryFile(in: folder, for: name)
    var failure: FileError?
    if exists && kind == S_IFREG {
        // Owner and group can only be kept by a privileged user or a member of
        // the group; failing to keep them is not an error (like most editors).
        _ = fchown(fd, existing.st_uid, existing.st_gid)
        if fchmod(fd, existing.st_mode & 0o7777) != 0 {
            failure = posixError("cannot write file", errno)
        }
    }
    if failure == nil, let code = writeAll(data, to: fd) {
        failure = posixError("cannot write file", code)
    }
    if failure == nil, fsync(fd) != 0 {
        failure = posixError("cannot write file", errno)
    }
    if close(fd) != 0, failure == nil {
        failure = posixError("cannot write file", errno)
    }
    if failure == nil, TemporaryFiles.finish(in: folder, tempName, renamingTo: name) != 0 {
        failure = posixError("cannot write file", errno)
    }
    if let failure {
        TemporaryFiles.discard(in: folder, tempName)
        throw failure
    }
    _ = fsync(folder)  // makes the rename durable; best effort (the data is already safe)
}

/// A file written piece by piece at any offsets (a kernel too large for memory, block by
/// block) that appears at its destination only when complete: the bytes go to a registered
/// temporary file beside it, which `commit()` flushes and renames over the destination.
package final class AtomicFile {
    package let destination: String
    private let folder: Int32
    private let name: String
    private let tempName: String
    private var fd: Int32
    private var done = false

    /// Creates the temporary file, sized `size` bytes (sparse until written), after checking
    /// that the file system has room for it.
    package convenience init(url: URL, size: Int) throws(FileError) {
        let requested = try fileSystemPath(of: url, action: "write")
        let destination = resolvingSymbolicLinks(requested)
        let (folderPath, name) = splitPath(destination)
        try createFolders(folderPath)
        try self.init(folder: try openFolder(folderPath), name: name, destination: destination, size: size)
    }

    /// The file `name` in an open folder (which this object now owns and closes): how a
    /// `ConfinedFolder` makes one without a path that a link could redirect.
    init(folder: Int32, name: String, destination: String, size: Int) throws(FileError) {
        self.folder = folder
        self.name = name
        self.destination = destination
        var fs = statvfs()
        if fstatvfs(folder, &fs) == 0 {
            let free = Int(fs.f_bavail) &* Int(fs.f_frsize)
            if free >= 0, size > free {
                _ = close(folder)
                throw FileError(
                    "not enough disk space: the file needs \(ByteCount.formatted(size)) "
                        + "but only \(ByteCount.formatted(free)) is free")
            }
        }
        do {
            (tempName, fd) = try createTemporaryFile(in: folder, for: name)
        } catch {
            _ = close(folder)
            throw error
        }
        if ftruncate(fd, off_t(size)) != 0 {
            let code = errno
            _ = close(fd)
            TemporaryFiles.discard(in: folder, tempName)
            _ = close(folder)
            throw posixError("cannot write file", code)
        }
    }

    deinit {
        if !done { discard() }
        _ = close(folder)
    }

    /// Writes `bytes` at `offset`.
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileError) {
        var written = 0
        while written < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(offset + written))
            if n < 0 {
                if errno == EINTR { continue }
                throw posixError("cannot write file", errno)
            }
            written += n
        }
    }

    /// Flushes the file and renames it over the destination. `sync: false` skips the fsyncs,
    /// for files whose readers verify them (the block cache): a crash may lose the file, never
    /// leave half of it under its name.
    package func commit(sync: Bool = true) throws(FileError) {
        done = true
        var failure: FileError?
        if sync, fsync(fd) != 0 { failure = posixError("cannot write file", errno) }
        if close(fd) != 0, failure == nil { failure = posixError("cannot write file", errno) }
        if failure == nil, TemporaryFiles.finish(in: folder, tempName, renamingTo: name) != 0 {
            failure = posixError("cannot write file", errno)
        }
        if let failure {
            TemporaryFiles.discard(in: folder, tempName)
            throw failure
        }
        if sync { _ = fsync(folder) }
    }

    /// Removes the temporary file; the destination is left as it was.
    package func discard() {
        guard !done else { return }
        done = true
        _ = close(fd)
        TemporaryFiles.discard(in: folder, tempName)
    }
}

/// Reads a whole file; failures carry the system's reason, e.g.
/// `cannot read file: No such file or directory`.
package func readFileContents(of url: URL) throws(FileError) -> Data {
    try ReadableFile(url).readToEnd()
}

// MARK: - Helpers

/// `"<context>: <system reason>"`, e.g. `cannot write file: Permission denied`.
package func posixError(_ context: String, _ code: Int32) -> FileError {
    FileError("\(context): \(String(cString: strerror(code)))")
}

package func fileSystemPath(of url: URL, action: String) throws(FileError) -> String {
    guard url.isFileURL else { throw FileError("cannot \(action) file: not a local file") }
    let path = url.withUnsafeFileSystemRepresentation { $0.map { String(cString: $0) } }
    guard let path, !path.isEmpty else {
        throw FileError("cannot \(action) file: the path is not valid")
    }
    return path
}

/// Splits `a/b/c` into (`a/b`, `c`); a bare name lives in `.`.
private func splitPath(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
}

/// Follows a chain of symbolic links (at most 40, like the kernel) to the path
/// that should really be replaced. A path that does not exist is returned as is.
private func resolvingSymbolicLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
        var info = stat()
        guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { break }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(current, &buffer, buffer.count - 1)
        guard length > 0 else { break }
        let target = String(
            decoding: buffer[0..<length].map { UInt8(bitPattern: $0) },
            as: UTF8.self)
        current = target.hasPrefix("/") ? target : splitPath(current).folder + "/" + target
    }
    return current
}

/// `mkdir -p`: creates `folder` and any missing parents.
private func createFolders(_ folder: String) throws(FileError) {
    var info = stat()
    if stat(folder, &info) == 0 {
        if (info.st_mode & S_IFMT) == S_IFDIR { return }
        throw posixError("cannot create folder", ENOTDIR)
    }
    let parent = splitPath(folder).folder
    if parent != folder && parent != "." && parent != "/" {
        try createFolders(parent)
    }
    if mkdir(folder, 0o777) != 0 && errno != EEXIST {
        throw posixError("cannot create folder", errno)
    }
}

/// Creates `.<name>.<pid>.<random>.tmp` exclusively in the open folder `folder` (so two
/// writers never share a temporary file, and a link planted at that name is never followed)
/// and returns its name and descriptor.
package func createTemporaryFile(
    in folder: Int32, for name: String
) throws(FileError) -> (String, Int32) {
    // Keep the temporary name well below NAME_MAX even for long file names.
    let stem = name.utf8.count > 100 ? String(name.prefix(40)) : name
    for _ in 0..<100 {
        let tag = String(UInt64.random(in: .min ... .max), radix: 36)
        let tempName = ".\(stem).\(getpid()).\(tag).tmp"
        let fd = TemporaryFiles.create(in: folder, tempName)
        if fd >= 0 { return (tempName, fd) }
        if errno != EEXIST && errno != EINTR { throw posixError("cannot write file", errno) }
    }
    throw posixError("cannot write file", EEXIST)
}

/// Opens a folder to create files in with `openat`.
private func openFolder(_ path: String) throws(FileError) -> Int32 {
    var fd: Int32
    repeat { fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } while fd < 0 && errno == EINTR
    if fd < 0 { throw posixError("cannot write file", errno) }
    return fd
}

/// Writes every byte, retrying short writes and interruptions; returns the
/// `errno` of a failure.
private func writeAll(_ data: Data, to fd: Int32) -> Int32? {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
        guard let base = buffer.baseAddress else { return nil }
        var offset = 0
        while offset < buffer.count {
            let count = write(fd, base + offset, min(buffer.count - offset, 1 << 30))
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += count
        }
        return nil
    }
}
