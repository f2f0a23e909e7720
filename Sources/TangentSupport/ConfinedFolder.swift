import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A folder (the project root, a site folder) that files are written into, read from and
/// removed from without ever following a symbolic link out of it.
///
/// A repository is untrusted input: a `.tangent/cache` entry, a site page, a `save` target or
/// any folder on the way may be a symbolic link to `~/.bashrc`, and another process may swap a
/// folder for such a link while Tangent writes. Checking a path and then writing it leaves a
/// gap between the two; instead the root is opened once and every path is walked from that
/// descriptor, one component at a time, with `openat(…, O_DIRECTORY | O_NOFOLLOW)` (`mkdirat`
/// for missing folders). A symbolic link met on the way is read with `readlinkat` and followed
/// only by walking its target the same way, so it is followed exactly when it leads to a place
/// inside the root (like Linux's `RESOLVE_BENEATH`); `..` above the root or an absolute target
/// elsewhere is refused. The new file is created with `O_CREAT | O_EXCL | O_NOFOLLOW` in the
/// folder reached and `renameat`-ed over the name, which replaces a link there instead of
/// writing where it leads. A link swapped in mid-walk therefore makes the operation fail (or
/// land in the folder that was opened, which is inside the root), never land outside.
package final class ConfinedFolder {
    /// The root as given, for messages.
    package let path: String
    /// The root with every symbolic link resolved (absolute link targets are judged by it).
    package let realPath: String
    private let fd: Int32

    /// What a symbolic link at the last component of a path means.
    package enum FinalLink: Sendable {
        /// The link itself is replaced by the new file (or removed); it is never followed.
        case replace
        /// The link is followed when it leads inside the root (a dangling one that does is
        /// created there); one leading out is refused.
        case followInside
        /// The write is refused.
        case refuse
    }

    /// What a symbolic link standing for a folder on the way means.
    package enum FolderLinks: Sendable {
        /// Followed when it leads inside the root; refused otherwise.
        case followInside
        /// Always refused.
        case refuse
    }

    /// Opens `root`, creating it (and missing parents) when `create` is set. The root itself
    /// is trusted: links in its own path are followed.
    package init(_ root: URL, create: Bool = true) throws(FileError) {
        let given = try fileSystemPath(of: root, action: "write")
        path = given
        if create { try ConfinedFolder.makeFolders(given) }
        var fd: Int32
        repeat { fd = open(given, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw posixError("cannot open folder", errno) }
        self.fd = fd
        if let p = realpath(given, nil) {
            realPath = String(cString: p)
            free(p)
        } else {
            realPath = given
        }
    }

    /// A folder already opened by a walk: its own root from now on.
    private init(descriptor: Int32, path: String) {
        fd = descriptor
        self.path = path
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        realPath = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : path
    }

    deinit { _ = close(fd) }

    /// The folder at `relativePath`, reached (and, with `create`, made) by the confined walk,
    /// as a confined folder of its own: what is written in it stays in it.
    package func folder(_ relativePath: String, create: Bool = true) throws(FileError) -> ConfinedFolder {
        if ConfinedFolder.components(relativePath).isEmpty {
            let copy = dup(fd)
            if copy < 0 { throw posixError("cannot open folder", errno) }
            return ConfinedFolder(descriptor: copy, path: path)
        }
        let shown = path + "/" + relativePath
        let place = try walk(relativePath, create: create, folderLinks: .followInside, finalLink: .followInside)
        defer { place.close() }
        var sub: Int32
        repeat {
            sub = openat(place.folder, place.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        } while sub < 0 && errno == EINTR
        if sub < 0 && errno == ENOENT && create {
            if mkdirat(place.folder, place.name, 0o777) != 0 && errno != EEXIST {
                throw posixError("cannot create folder", errno)
            }
            repeat {
                sub = openat(place.folder, place.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            } while sub < 0 && errno == EINTR
        }
        if sub < 0 {
            let code = errno
            if code == ELOOP { throw FileError("'\(shown)' is a symbolic link that changed while it was opened") }
            throw posixError("cannot open folder", code)
        }
        return ConfinedFolder(descriptor: sub, path: shown)
    }

    // MARK: Operations

    /// Writes `data` atomically at `relativePath` (relative to the root; an absolute path must
    /// lie under the root), creating missing folders. See `replaceAtomically` for what is kept
    /// of an existing file.
    package func write(
        _ data: Data, to relativePath: String, finalLink: FinalLink = .replace,
        folderLinks: FolderLinks = .followInside
    ) throws(FileError) {
        let place = try walk(relativePath, create: true, folderLinks: folderLinks, finalLink: finalLink)
        defer { place.close() }
        try replaceAtomically(data, in: place.folder, name: place.name)
    }

    /// A file written piece by piece at `relativePath` (a kernel larger than memory), which
    /// appears there only when committed; the folder is reached by the confined walk, and a link
    /// at the name is followed only when it leads inside the root (as `save` does), unless
    /// `finalLink` says otherwise.
    package func atomicFile(
        _ relativePath: String, size: Int, finalLink: FinalLink = .followInside
    ) throws(FileError) -> AtomicFile {
        let place = try walk(relativePath, create: true, folderLinks: .followInside, finalLink: finalLink)
        defer { place.close() }
        let copy = dup(place.folder)
        if copy < 0 { throw posixError("cannot open folder", errno) }
        return try AtomicFile(folder: copy, name: place.name, destination: relativePath, size: size)
    }

    /// The bytes of the regular file at `relativePath`, reached without following any link
    /// out of the root (a link at the name itself is not followed at all); nil when there is
    /// none.
    package func read(_ relativePath: String, folderLinks: FolderLinks = .followInside) -> Data? {
        guard let place = try? walk(relativePath, create: false, folderLinks: folderLinks, finalLink: .replace) else {
            return nil
        }
        defer { place.close() }
        var file: Int32
        repeat {
            file = openat(place.folder, place.name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        } while file < 0 && errno == EINTR
        guard file >= 0 else { return nil }
        defer { _ = Glibc.close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return data }
            data.append(contentsOf: chunk[0..<n])
        }
    }

    /// What is at `relativePath`, without following a link there or anywhere on the way.
    package enum Kind: Sendable, Equatable { case missing, file, folder, symbolicLink, other }

    /// The kind of `relativePath`, walking no symbolic link (one on the way makes it `.missing`).
    package func kind(of relativePath: String) -> Kind {
        guard let place = try? walk(relativePath, create: false, folderLinks: .refuse, finalLink: .replace) else {
            return .missing
        }
        defer { place.close() }
        var info = stat()
        guard fstatat(place.folder, place.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// Removes the regular file at `relativePath` when it is reachable with no symbolic link
    /// on the way; a symbolic link at the name (never written by Tangent), a folder or anything
    /// else is left alone. Returns whether a file was removed.
    @discardableResult
    package func removeFile(_ relativePath: String) -> Bool {
        guard let place = try? walk(relativePath, create: false, folderLinks: .refuse, finalLink: .replace) else {
            return false
        }
        defer { place.close() }
        var info = stat()
        guard fstatat(place.folder, place.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        // unlinkat never follows a link (one swapped in meanwhile is removed itself, not what
        // it leads to), and fails on a folder.
        return unlinkat(place.folder, place.name, 0) == 0
    }

    /// Removes the folder at `relativePath` when it is empty and reachable with no symbolic
    /// link on the way (or at the name).
    package func removeFolderIfEmpty(_ relativePath: String) {
        guard let place = try? walk(relativePath, create: false, folderLinks: .refuse, finalLink: .refuse) else {
            return
        }
        defer { place.close() }
        _ = unlinkat(place.folder, place.name, AT_REMOVEDIR)  // fails unless an empty folder
    }

    /// The names in the folder at `relativePath` (empty: the root), reached with no symbolic
    /// link on the way or at the name; nil when there is no such folder.
    package func contents(of relativePath: String) -> [String]? {
        var folder: Int32
        var owned: Place?
        if ConfinedFolder.components(relativePath).isEmpty {
            folder = fd
        } else {
            guard let place = try? walk(relativePath, create: false, folderLinks: .refuse, finalLink: .refuse) else {
                return nil
            }
            owned = place
            repeat {
                folder = openat(place.folder, place.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            } while folder < 0 && errno == EINTR
            guard folder >= 0 else {
                place.close()
                return nil
            }
        }
        defer { owned?.close() }
        // The folder opened here is handed over; the confined root's own descriptor is copied.
        return directoryEntries(of: folder, consume: owned != nil)?.sorted()
    }

    // MARK: The walk

    /// A name inside an open folder (the root's descriptor, or one `walk` opened).
    struct Place {
        var folder: Int32
        var name: String
        var owned: Bool
        func close() { if owned { _ = Glibc.close(folder) } }
    }

    /// Walks `relativePath` from the root to the folder holding its last component and
    /// returns that folder, open, with the component's name. `..` pops a folder (refused at the
    /// root); a symbolic link for a folder is followed by walking its target when
    /// `folderLinks` allows it, and so is one at the last component under `.followInside`.
    func walk(
        _ relativePath: String, create: Bool, folderLinks: FolderLinks,
        finalLink: FinalLink
    ) throws(FileError) -> Place {
        var pending = try relativeComponents(relativePath)
        guard !pending.isEmpty else { throw FileError("cannot write file: the path names the folder \(path) itself") }
        var stack: [Int32] = []  // folders opened below the root
        var walked: [String] = []  // their names, for messages
        var hops = 0
        func current() -> Int32 { stack.last ?? fd }
        func fail(_ error: FileError) -> FileError {
            for f in stack { _ = Glibc.close(f) }
            return error
        }
        func shown(_ name: String) -> String { (walked + [name]).joined(separator: "/") }
        /// Replaces `name` (a link) in the walk by its target.
        func follow(_ name: String) throws(FileError) {
            hops += 1
            if hops > 40 { throw fail(posixError("cannot write file", ELOOP)) }
            guard let target = readLink(current(), name) else { throw fail(posixError("cannot write file", errno)) }
            if target.hasPrefix("/") {
                guard let rest = beneathRoot(target) else {
                    throw fail(
                        FileError(
                            "'\(shown(name))' is a symbolic link to \(target), outside \(path); "
                                + "Tangent never writes through a link that leads out of the folder"))
                }
                for f in stack { _ = Glibc.close(f) }
                stack.removeAll()
                walked.removeAll()
                pending = rest + pending
            } else {
                pending = ConfinedFolder.components(target) + pending
            }
        }
        while !pending.isEmpty {
            let name = pending.removeFirst()
            if name == ".." {
                guard let last = stack.popLast() else {
                    throw fail(FileError("'\(shown(".."))' leads out of \(path)"))
                }
                _ = Glibc.close(last)
                walked.removeLast()
                continue
            }
            if pending.isEmpty {
                var info = stat()
                let isLink =
                    fstatat(current(), name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
                if isLink && finalLink == .refuse {
                    throw fail(
                        FileError(
                            "'\(shown(name))' is a symbolic link; Tangent does not write through it (remove the link)"))
                }
                if isLink && finalLink == .followInside {
                    try follow(name)
                    continue
                }
                return Place(folder: current(), name: name, owned: !stack.isEmpty)
            }
            var sub: Int32
            repeat {
                sub = openat(current(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            } while sub < 0 && errno == EINTR
            if sub >= 0 {
                // The folder just opened is the one walked to; it stays open (a later swap of
                // its name for a link changes nothing for this walk).
                stack.append(sub)
                walked.append(name)
                continue
            }
            let code = errno
            if code == ENOENT && create {
                if mkdirat(current(), name, 0o777) != 0 && errno != EEXIST {
                    throw fail(posixError("cannot create folder", errno))
                }
                pending.insert(name, at: 0)  // open what was made (or what another writer made)
                continue
            }
            if code == ELOOP || code == ENOTDIR {
                var info = stat()
                if fstatat(current(), name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
                    if folderLinks == .refuse {
                        throw fail(
                            FileError(
                                "'\(shown(name))' is a symbolic link; Tangent does not write through it (remove the link)"
                            ))
                    }
                    try follow(name)
                    continue
                }
                throw fail(posixError("cannot create folder", ENOTDIR))
            }
            throw fail(posixError("cannot open folder", code))
        }
        throw fail(FileError("'\(relativePath)' leads back to the folder \(path) itself"))
    }

    /// The components of a path relative to the root; an absolute path must lie under the
    /// root (as given or as resolved).
    private func relativeComponents(_ relativePath: String) throws(FileError) -> [String] {
        guard relativePath.hasPrefix("/") else { return ConfinedFolder.components(relativePath) }
        guard let rest = beneathRoot(relativePath) else {
            throw FileError("'\(relativePath)' is outside \(path)")
        }
        return rest
    }

    /// The components of an absolute path below the root, or nil when it is not below it.
    private func beneathRoot(_ absolute: String) -> [String]? {
        let parts = ConfinedFolder.components(absolute)
        for base in [realPath, path, RealPath.lexical(path)] {
            let b = ConfinedFolder.components(base)
            if parts.count >= b.count && Array(parts.prefix(b.count)) == b { return Array(parts.dropFirst(b.count)) }
        }
        return nil
    }

    /// Path components without empty ones and `.` (`..` is kept: the walk resolves it).
    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    }

    private func readLink(_ folder: Int32, _ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlinkat(folder, name, &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `mkdir -p` for the (trusted) root itself.
    private static func makeFolders(_ folder: String) throws(FileError) {
        var info = stat()
        if stat(folder, &info) == 0 { return }
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != folder && parent != "/" { try makeFolders(parent) }
        if mkdir(folder, 0o777) != 0 && errno != EEXIST {
            throw posixError("cannot create folder", errno)
        }
    }
}
