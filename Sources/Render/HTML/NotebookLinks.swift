import CommonMark
import Foundation
import Notebook

/// Links from one notebook to another (`[see](03-nngp.md#section)`), which GitHub follows to the
/// `.md` file: in the site they point at that notebook's page, fragment and query kept. A link
/// to a `.md` file that is not a notebook of the site would be dead there: it is left as written
/// and reported as a located warning (`FILE:LINE:COL: warning: …`), and the render goes on.
///
/// Only relative links are read (no scheme, not `/…`, not `#…`); their path is resolved against
/// the folder of the notebook that holds them, as GitHub resolves it.
struct NotebookLinks {
    /// Where a link to a `.md` file leads.
    enum Target: Equatable {
        /// The page of a notebook of the site (its path inside the site).
        case page(String)
        /// No notebook of the site is at this path (resolved, relative to the working folder).
        case missing(String)
    }

    /// Page path by the notebook's normalised path.
    private let pages: [String: String]

    init(_ entries: [SiteBuilder.Entry]) {
        var pages: [String: String] = [:]
        for e in entries { pages[Self.normalised(e.result.notebook.path)] = e.pagePath }
        self.pages = pages
    }

    /// Where `destination`, written in the notebook at `notebookPath`, leads; nil when it is not
    /// a relative link to a `.md` file.
    func target(of destination: String, from notebookPath: String) -> Target? {
        guard let (path, _) = Self.split(destination) else { return nil }
        let folder = notebookPath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        let resolved = Self.normalised(folder.isEmpty ? path : folder + "/" + path)
        if let page = pages[resolved] { return .page(page) }
        return .missing(resolved)
    }

    /// The link's new destination on the page `pagePath` of the site (from the notebook at
    /// `notebookPath`), or nil to leave it as written.
    func rewrite(_ destination: String, from notebookPath: String, pagePath: String) -> String? {
        guard case .page(let target)? = target(of: destination, from: notebookPath),
            let (_, suffix) = Self.split(destination)
        else { return nil }
        let root = String(repeating: "../", count: pagePath.split(separator: "/").count - 1)
        return PageLink.href(target, root: root) + suffix
    }

    /// A located warning for each link in `notebook` to a `.md` file that is not in the site.
    func warnings(in notebook: Notebook) -> [String] {
        var out: [String] = []
        notebook.document.root.walk { node in
            guard case .link(let destination, _) = node.kind,
                case .missing(let resolved)? = target(of: destination, from: notebook.path)
            else { return }
            let at = "\(notebook.path):\(node.span.start.line):\(node.span.start.column)"
            out.append(
                "\(at): warning: the link to '\(destination)' is dead in the site: no notebook '\(resolved)' "
                    + "is rendered with this one (the link is left as written)")
        }
        return out
    }

    /// A relative link to a `.md` file: its path, percent-decoded, and what follows it (`?…`,
    /// `#…`, as written); nil for any other link.
    static func split(_ destination: String) -> (path: String, suffix: String)? {
        let end = destination.firstIndex { $0 == "?" || $0 == "#" } ?? destination.endIndex
        let rawPath = destination[..<end]
        guard !rawPath.isEmpty, !rawPath.hasPrefix("/"), !rawPath.contains(":"),
            let path = String(rawPath).removingPercentEncoding, path.lowercased().hasSuffix(".md")
        else { return nil }
        return (path, String(destination[end...]))
    }

    /// The path with `.` segments and `x/..` pairs removed (a `..` above the start is kept).
    static func normalised(_ path: String) -> String {
        var out: [Substring] = []
        let absolute = path.hasPrefix("/")
        for segment in path.split(separator: "/") {
            if segment == "." { continue }
            if segment == "..", let last = out.last, last != ".." {
                out.removeLast()
            } else if segment == "..", absolute {
                continue
            } else {
                out.append(segment)
            }
        }
        return (absolute ? "/" : "") + out.joined(separator: "/")
    }
}
