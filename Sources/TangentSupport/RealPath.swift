import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a path really leads once symbolic links and `..` are resolved, so that a notebook
/// (or a symbolic link inside the project) cannot reach a file outside the project root.
package enum RealPath {
    /// The canonical absolute path `path` refers to. Paths that do not exist yet (a file
    /// `save` will create, in folders it will create) resolve through their longest existing
    /// ancestor, so `out/new.npy` inside a symlinked folder is judged by where the folder
    /// really is.
    package static func resolve(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let real = canonical(absolute) { return real }
        // Walk up to an existing ancestor; whatever is below it does not exist, so it holds no
        // links and can be resolved lexically.
        var components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var rest: [String] = []
        while let last = components.popLast() {
            rest.insert(last, at: 0)
            let ancestor = "/" + components.joined(separator: "/")
            if let real = canonical(ancestor) {
                return lexical(real + "/" + rest.joined(separator: "/"))
            }
        }
        return lexical(absolute)
    }

    /// True when `path` resolves to `root` itself or to something below it.
    package static func isInside(_ path: String, root: String) -> Bool {
        let target = resolve(path)
        let base = resolve(root)
        if base == "/" { return true }
        return target == base || target.hasPrefix(base + "/")
    }

    /// True when the last component of `path` is a symbolic link.
    package static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    private static func canonical(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Removes `.`, empty components and `name/..` pairs without touching the file system.
    static func lexical(_ path: String) -> String {
        var out: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                _ = out.popLast()
                continue
            }
            out.append(c)
        }
        return "/" + out.joined(separator: "/")
    }
}
