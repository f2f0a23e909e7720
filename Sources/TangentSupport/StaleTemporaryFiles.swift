import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Removes what a run killed without warning (SIGKILL, a power loss) left behind: temporary
/// files beside its destinations and scratch folders in the temp folder, which no signal
/// handler could clean up. Each name carries its maker's pid (`TemporaryName`), and a leftover
/// is *stale* when that process is gone, or when the pid now belongs to a process that started
/// after the file was last written (the pid was reused). A live writer's files — another
/// `tangent` running in the same folder — are never touched.
///
/// Only names of exactly Tangent's form are considered, only regular files (scratch folders:
/// real folders owned by this user) are removed, and links are never followed: every folder is
/// opened with `O_NOFOLLOW` and entries are examined and removed relative to it.
package enum StaleTemporaryFiles {
    /// Slack for comparing a process's start time with a file time: the boot time the kernel
    /// reports is rounded to whole seconds.
    static let clockSlack: Double = 2

    /// Removes stale temporary files in `base`, or in the folder reached from it through
    /// `components` (each entered without following a link), and, when `depth` > 0, in the
    /// folders below it down to that depth (hidden folders skipped). A folder that does not
    /// exist or is a link is skipped. Returns the paths removed.
    @discardableResult
    package static func sweep(_ base: String, below components: [String] = [], depth: Int = 0) -> [String] {
        var fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        var path = base
        for component in components {
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            _ = close(fd)
            guard next >= 0 else { return [] }
            fd = next
            path += "/" + component
        }
        var removed: [String] = []
        sweep(folder: fd, path: path, depth: depth, into: &removed)
        _ = close(fd)
        return removed
    }

    private static let sweptLock = NSLock()
    nonisolated(unsafe) private static var swept: Set<String> = []

    /// `sweep(folder)` the first time this process asks for `folder` (the folder of a file a
    /// notebook saved: `save` may write many files into one folder).
    package static func sweepOnce(_ folder: String) {
        sweptLock.lock()
        let first = swept.insert(folder).inserted
        sweptLock.unlock()
        if first { sweep(folder) }
    }

    /// Removes stale scratch folders named `<prefix><pid>-<tag>` in `folder` (the system temp
    /// folder), with their contents. Returns the paths removed.
    @discardableResult
    package static func sweepScratchFolders(prefix: String, in folder: String) -> [String] {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { _ = close(fd) }
        var removed: [String] = []
        for name in entries(of: fd) {
            guard let pid = TemporaryName.pidOfScratchFolder(name, prefix: prefix) else { continue }
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                info.st_uid == geteuid(), isStale(pid: pid, modified: info.st_mtim)
            else { continue }
            if removeFolder(name, in: fd, depth: 4) { removed.append(folder + "/" + name) }
        }
        return removed
    }

    /// Whether a file last modified at `modified` by process `pid` is a leftover: the process
    /// is gone (or only its zombie is left), or the pid now names a process that started later.
    package static func isStale(pid: Int32, modified: timespec) -> Bool {
        if pid == getpid() { return false }
        switch ProcessStart.of(pid) {
        case .gone: return true
        case .unknown: return false
        case .started(let seconds):
            let mtime = Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9
            return seconds > mtime + clockSlack
        }
    }

    // MARK: - Folders by descriptor

    private static func sweep(folder fd: Int32, path: String, depth: Int, into removed: inout [String]) {
        for name in entries(of: fd) {
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                guard let pid = TemporaryName.pidOfFile(name), isStale(pid: pid, modified: info.st_mtim) else {
                    continue
                }
                if unlinkat(fd, name, 0) == 0 { removed.append(path + "/" + name) }
            case S_IFDIR where depth > 0 && !name.hasPrefix("."):
                let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard sub >= 0 else { continue }
                sweep(folder: sub, path: path + "/" + name, depth: depth - 1, into: &removed)
                _ = close(sub)
            default:
                continue  // links, devices, pipes: never Tangent's temporary files
            }
        }
    }

    /// Removes `name` in the folder `fd` and everything in it (links themselves, never their
    /// targets; at most `depth` levels of folders). True when it is gone.
    private static func removeFolder(_ name: String, in fd: Int32, depth: Int) -> Bool {
        let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard sub >= 0 else { return false }
        for entry in entries(of: sub) {
            var info = stat()
            guard fstatat(sub, entry, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                if depth > 0 { _ = removeFolder(entry, in: sub, depth: depth - 1) }
            } else {
                _ = unlinkat(sub, entry, 0)
            }
        }
        _ = close(sub)
        return unlinkat(fd, name, AT_REMOVEDIR) == 0
    }

    /// The names in an open folder (without `.` and `..`); the descriptor stays open.
    private static func entries(of fd: Int32) -> [String] {
        directoryEntries(of: fd, consume: false) ?? []
    }
}

/// When a process started, from /proc: field 22 of /proc/<pid>/stat (clock ticks after boot)
/// plus the boot time (`btime` in /proc/stat).
enum ProcessStart: Equatable {
    /// No such process, or only its zombie.
    case gone
    /// Seconds since the epoch.
    case started(Double)
    /// Alive, but its start time cannot be read (no /proc).
    case unknown

    static func of(_ pid: Int32) -> ProcessStart {
        guard pid > 0 else { return .gone }
        if let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let fields = fieldsAfterName(text), fields.count > 19
        {
            // fields[0] is field 3 (the state); field 22 (starttime) is fields[19].
            if fields[0] == "Z" || fields[0] == "X" { return .gone }
            if let ticks = Double(fields[19]), let boot = bootTime, ticksPerSecond > 0 {
                return .started(boot + ticks / ticksPerSecond)
            }
            return .unknown
        }
        return kill(pid, 0) != 0 && errno == ESRCH ? .gone : .unknown
    }

    /// The fields after `pid (comm)`: comm may hold spaces and parentheses, so split after the
    /// last `)`.
    static func fieldsAfterName(_ text: String) -> [Substring]? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static let bootTime: Double? = {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }()
}
