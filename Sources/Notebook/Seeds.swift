import Foundation
import NTKCore
import TangentSupport

/// Block seeds (docs/language.md#blocks): derived from (notebook seed, block id) and nothing else,
/// so a block gives the same numbers when run alone, when other blocks move, and when the notebook
/// is renamed, moved or downloaded on its own.
package enum Seeds {
    /// The default seed of a block: 64-bit FNV-1a over the UTF-8 bytes of
    /// `"tangent-block-seed-v2" NUL <notebook seed in decimal> NUL <block id>`, then SplitMix64's
    /// finaliser. The result is a plain UInt64 that `numpy.random.default_rng(seed)` accepts too;
    /// docs/guide.md ("Randomness") gives the same derivation in Python.
    package static func blockSeed(notebookSeed: UInt64, blockID: String) -> UInt64 {
        var hash = StableHash()
        hash.combine("tangent-block-seed-v2".utf8)
        hash.combine(byte: 0)
        hash.combine(String(notebookSeed).utf8)
        hash.combine(byte: 0)
        hash.combine(blockID.utf8)
        var z = hash.value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Where a notebook belongs: the nearest folder above it holding `.git` or `tangent.toml`,
/// else the notebook's own folder.
package enum ProjectRoot {
    package static let markers = [".git", "tangent.toml"]

    package static func find(for notebook: URL) -> URL {
        marked(for: notebook) ?? notebook.deletingLastPathComponent().standardizedFileURL
    }

    /// The folder `load`/`save` must stay inside: the project root when a marker (`.git`,
    /// `tangent.toml`) is found; without one, the current folder when it holds the notebook
    /// (the run's own tree), else the notebook's folder.
    package static func fileRoot(for notebook: URL) -> URL {
        if let root = marked(for: notebook) { return root }
        let folder = notebook.deletingLastPathComponent().standardizedFileURL
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        return cwd.path != "/" && RealPath.isInside(folder.path, root: cwd.path) ? cwd : folder
    }

    /// The nearest folder above the notebook holding a marker, or nil.
    private static func marked(for notebook: URL) -> URL? {
        var dir = notebook.deletingLastPathComponent().standardizedFileURL
        let fm = FileManager.default
        while true {
            for m in markers where fm.fileExists(atPath: dir.appendingPathComponent(m).path) { return dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The notebook's path relative to its project root, with `/` separators.
    package static func relativePath(of notebook: URL) -> String {
        let file = notebook.standardizedFileURL.resolvingSymlinksInPath().path
        let root = find(for: notebook).resolvingSymlinksInPath().path
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : notebook.lastPathComponent
    }
}
