import Foundation

/// Where Node.js and KaTeX are: `node` on PATH, KaTeX in `TANGENT_KATEX_DIR` or Debian's
/// `libjs-katex` folder.
enum KaTeXInstallation {
    static let defaultDirectory = "/usr/share/javascript/katex"
    static let environmentKey = "TANGENT_KATEX_DIR"

    static var directory: URL {
        let custom = ProcessInfo.processInfo.environment[environmentKey] ?? ""
        return URL(fileURLWithPath: custom.isEmpty ? defaultDirectory : custom, isDirectory: true)
    }

    /// The first of `names` that exists in the KaTeX folder (symbolic links followed).
    static func file(_ names: [String]) -> URL? {
        let dir = directory
        return names.lazy.map { dir.appendingPathComponent($0) }.first {
            FileManager.default.fileExists(atPath: $0.path)
        }
    }

    static func script() throws(KaTeXError) -> URL {
        guard let url = file(["katex.min.js", "katex.js"]) else { throw .katexNotFound(directory: directory.path) }
        return url
    }

    static func node() throws(KaTeXError) -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["node", "nodejs"] {
            for dir in path.split(separator: ":") where !dir.isEmpty {
                let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw .nodeNotFound
    }
}
