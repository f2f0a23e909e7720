import Foundation
import TangentSupport

/// Finds the notebooks named on the command line: `.md` files, or every `.md` under a folder
/// (sorted, skipping hidden folders such as `.git` and `.tangent`, links to folders, links
/// that lead nowhere and links to notebooks outside the folder).
enum NotebookFiles {
    struct Found: Equatable {
        /// The path as shown to the user.
        var display: String
        var url: URL
    }

    static func collect(_ paths: [String]) throws(UsageError) -> [Found] {
        var out: [Found] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw UsageError("no such file or folder: '\(path)'")
            }
            let url = URL(fileURLWithPath: path)
            if !isDir.boolValue {
                guard url.pathExtension.lowercased() == "md" else {
                    throw UsageError("'\(path)' is not a Markdown notebook (.md)")
                }
                out.append(Found(display: path, url: url))
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            for rel in markdownFiles(under: url) {
                out.append(Found(display: base == "." ? rel : base + "/" + rel, url: url.appendingPathComponent(rel)))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.url.standardizedFileURL.path).inserted }
    }

    private static func markdownFiles(under folder: URL) -> [String] {
        var found: [String] = []
        let root = RealPath.resolve(folder.path)
        func walk(_ dir: URL, _ prefix: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
            for name in names.sorted() where !name.hasPrefix(".") && name != "node_modules" {
                let child = dir.appendingPathComponent(name)
                var isDir: ObjCBool = false
                // Follows a link to what it names; a link that names nothing is no notebook.
                guard FileManager.default.fileExists(atPath: child.path, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    // A linked folder is not walked: a link back up the tree (`up -> ..`) listed
                    // the same notebooks again and again (two such links: without end), and one
                    // leading elsewhere would take notebooks from outside (a repository is
                    // untrusted input).
                    if !RealPath.isSymbolicLink(child.path) { walk(child, prefix + name + "/") }
                } else if name.lowercased().hasSuffix(".md") {
                    // A linked notebook only from inside the folder: `notes.md -> /etc/passwd`
                    // (or `-> ~/private/draft.md`) in a student's pull request must not be read,
                    // run and published in the course's site.
                    if RealPath.isSymbolicLink(child.path) && !RealPath.isInside(child.path, root: root) { continue }
                    found.append(prefix + name)
                }
            }
        }
        walk(folder, "")
        return found
    }
}
