import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The secret that keys the block cache's tags (SipHash-2-4): 16 random bytes kept in the
/// user's own cache folder (`$XDG_CACHE_HOME/tangent/cache-key`, else
/// `~/.cache/tangent/cache-key`, mode 0600), outside every project. Entries written on this
/// machine carry tags only this key makes, so an entry shipped in a repository, copied from
/// another machine or edited on disk is never trusted: it is a cache miss and the block runs.
/// When no key can be kept (no home folder, read-only), a key for this process only is used:
/// the cache still works within one run and is simply not reused by the next.
package struct CacheSecret: Sendable {
    package let key: (UInt64, UInt64)

    package init(key: (UInt64, UInt64)) { self.key = key }

    /// The folder the key lives in for this user.
    package static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/tangent" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/tangent" }
        return nil
    }

    /// This machine's key, read once per process (made on first use).
    package static let machine: CacheSecret = defaultFolder().flatMap { load(from: $0) } ?? ephemeral()

    /// A key for this process only.
    package static func ephemeral() -> CacheSecret {
        CacheSecret(key: (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max)))
    }

    /// Reads the key in `folder`, making it (and the folder) when missing. Nil when the folder
    /// cannot hold a private key: the file is not a plain file of this user's with mode 0600.
    package static func load(from folder: String) -> CacheSecret? {
        let path = folder + "/cache-key"
        if let key = read(path) { return key }
        try? FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max) }
        // Written under a temporary name and linked into place, so two processes starting at
        // once agree on one key (the loser of the race reads the winner's).
        let temp = "\(folder)/.cache-key.\(getpid()).\(UInt64.random(in: .min ... .max)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, 16) }
        _ = fsync(fd)
        _ = close(fd)
        defer { unlink(temp) }
        guard written == 16 else { return nil }
        _ = link(temp, path)
        return read(path)
    }

    private static func read(_ path: String) -> CacheSecret? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == getuid(),
            info.st_mode & 0o077 == 0, info.st_size == 16
        else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard bytes.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress, 16) }) == 16 else { return nil }
        let a = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let b = bytes[8..<16].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        return CacheSecret(key: (a, b))
    }

    /// The tag of `bytes` under this key.
    func tag(_ bytes: [UInt8]) -> UInt64 { SipHash.hash(bytes, key: key) }
}
