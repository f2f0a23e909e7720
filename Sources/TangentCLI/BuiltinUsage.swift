import Foundation
import Language
import Notebook

/// Which notebooks use which builtin (`tangent builtins --used-in notebooks`): the table in
/// docs/tutorials.md, and what the test suite checks so that every builtin has a tutorial.
enum BuiltinUsage {
    /// builtin name → notebook display paths that call or name it, for every builtin.
    static func usage(in files: [NotebookFiles.Found]) -> [String: [String]] {
        var used: [String: [String]] = [:]
        for name in BuiltinCatalog.names { used[name] = [] }
        for file in files {
            guard let text = try? String(contentsOf: file.url, encoding: .utf8),
                let notebook = try? Notebook.parse(text, path: file.display)
            else { continue }
            var names = Set<String>()
            for cell in notebook.cells {
                guard let tokens = try? Lexer(cell.source).tokenize() else { continue }
                for t in tokens { if case .identifier(let n) = t.kind, used[n] != nil { names.insert(n) } }
            }
            for n in names { used[n, default: []].append(file.display) }
        }
        return used
    }

    static func markdown(_ used: [String: [String]]) -> String {
        var out = "| builtin | used in |\n|---|---|\n"
        for name in used.keys.sorted() {
            let places = used[name]!.map { path -> String in
                let file = (path as NSString).lastPathComponent
                return "[\(file.replacingOccurrences(of: ".md", with: ""))](../notebooks/\(file))"
            }
            let unused = BuiltinCatalog.contract.contains(name) ? "**none**" : "none (an extension)"
            out += "| `\(name)` | \(places.isEmpty ? unused : places.joined(separator: ", ")) |\n"
        }
        return out
    }
}
