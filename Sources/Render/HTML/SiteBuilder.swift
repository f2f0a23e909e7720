import Foundation
import Language
import Notebook
import NTKCore
import TangentSupport

/// Writes a static site for a collection of notebooks: one page each, an index, navigation,
/// a client-side search index, one stylesheet, and KaTeX's CSS and fonts; nothing loads from
/// the network, and the site opens from disk. Files Tangent did not write are never deleted.
public final class SiteBuilder {
    public struct Entry {
        public var result: NotebookResult
        /// The page's path inside the site, e.g. `intro.html` or `part1/kernels.html`.
        public var pagePath: String
        public init(result: NotebookResult, pagePath: String) {
            self.result = result
            self.pagePath = pagePath
        }
    }

    public struct SiteError: Error, CustomStringConvertible {
        public var description: String
    }

    public let outputDirectory: URL
    public var siteTitle: String
    /// `--unsafe-html`: raw HTML in prose is passed through instead of sanitised, and pages get
    /// no Content-Security-Policy. A notebook's own `unsafe_html: false` still keeps it safe;
    /// its `unsafe_html: true` alone changes nothing (a notebook cannot vouch for itself).
    public var unsafeHTML = false
    /// Problems that did not stop the build (e.g. math left as TeX), for the caller to print.
    public private(set) var warnings: [String] = []

    /// The list of files the last render wrote (only those are ever replaced or removed).
    public static let manifestName = ".tangent-site.json"

    public init(outputDirectory: URL, siteTitle: String = "Tangent notebooks") {
        self.outputDirectory = outputDirectory
        self.siteTitle = siteTitle
    }

    /// Page paths for notebooks given by their display paths: the common folder is dropped and
    /// `.md` becomes `.html`.
    public static func pagePaths(for paths: [String]) -> [String] {
        let split = paths.map { $0.split(separator: "/").map(String.init) }
        var common = split.first.map { Array($0.dropLast()) } ?? []
        for parts in split.dropFirst() {
            let dirs = Array(parts.dropLast())
            var k = 0
            while k < common.count, k < dirs.count, common[k] == dirs[k] { k += 1 }
            common = Array(common.prefix(k))
        }
        return split.map { parts in
            let rest = parts.dropFirst(common.count).joined(separator: "/")
            return (rest.hasSuffix(".md") ? String(rest.dropLast(3)) : rest) + ".html"
        }
    }

    /// Renders every page and the index. Returns the site's files (written now, or already up to
    /// date), relative to the site folder.
    @discardableResult
    public func build(_ entries: [Entry]) throws -> [String] {
        let site = try openSite()
        let previous = previousManifest(site)
        // Journal first: the manifest lists every file this render may write before any is
        // written, so a render interrupted half-way (Ctrl-C, a kill) leaves a folder the next
        // render recognises as its own and can clean up.
        let planned = entries.map(\.pagePath) + ["index.html", "search-index.js", "assets/tangent.css",
                                                 "assets/search.js", SiteBuilder.mathCacheName]
        try site.write(Data(JSON.array(Set(previous + planned).sorted().map(JSON.string)).serialized().utf8),
                       to: SiteBuilder.manifestName)
        var written: [String] = []
        func write(_ text: String, _ path: String) throws {
            // A file that already holds these bytes is left alone: a re-render after one notebook
            // changed (tangent serve) then syncs a few files to disk instead of every page.
            let data = Data(text.utf8)
            if site.read(path) != data { try site.write(data, to: path) }
            written.append(path)
        }
        // Math for every page in one KaTeX run (placeholders made unique per page).
        let prepared = entries.map { PageRenderer.prepare($0.result) }
        var allSpans: [MathSpan] = []
        for (k, p) in prepared.enumerated() {
            for span in p.extraction.spans {
                var s = span
                s.placeholder = "P\(k)/" + span.placeholder
                allSpans.append(s)
            }
        }
        // The index shows each page's first paragraph, math typeset too.
        let summaries = prepared.map { MathExtractor.extract(PageRenderer.firstParagraph($0.result.notebook.document.root)) }
        for (k, summary) in summaries.enumerated() {
            for span in summary.spans {
                var s = span
                s.placeholder = "S\(k)/" + span.placeholder
                allSpans.append(s)
            }
        }
        var rendered: [String: String] = [:]
        var mathCache = loadMathCache(site)
        if !allSpans.isEmpty {
            // Formulas typeset by an earlier render are reused; node runs only for new ones.
            var missing: [MathSpan] = []
            for span in allSpans {
                if let html = mathCache[SiteBuilder.mathKey(span)] { rendered[span.placeholder] = html } else { missing.append(span) }
            }
            if !missing.isEmpty {
                // Without node or KaTeX the pages still render, showing the TeX source.
                do {
                    let fresh = try KaTeXRenderer.render(missing)
                    for span in missing {
                        guard let html = fresh[span.placeholder] else { continue }
                        rendered[span.placeholder] = html
                        mathCache[SiteBuilder.mathKey(span)] = html
                    }
                } catch {
                    warnings.append("math is shown as TeX source: \(error)")
                }
            }
        }
        let unsafe = entries.map { passesRawHTML($0) }
        let pages = prepared.enumerated().map { k, p in
            var math: [String: String] = [:]
            for span in p.extraction.spans { math[span.placeholder] = rendered["P\(k)/" + span.placeholder] }
            return PageRenderer.finish(p, math: math, unsafeHTML: unsafe[k])
        }
        let summaryHTML = summaries.enumerated().map { k, summary in
            var math: [String: String] = [:]
            for span in summary.spans {
                math[span.placeholder] = rendered["S\(k)/" + span.placeholder] ?? HTMLText.escape(span.source)
            }
            return KaTeXRenderer.substitute(HTMLText.escape(summary.markdown), math)
        }

        var searchEntries: [JSON] = []
        for (k, e) in entries.enumerated() {
            let depth = e.pagePath.split(separator: "/").count - 1
            let root = String(repeating: "../", count: depth)
            let html = layout(title: e.result.notebook.title, root: root, current: k, entries: entries,
                              body: "<article class=\"notebook\">\n" + pages[k].body + "</article>\n" + pager(k, entries, root: root),
                              scriptPolicy: !unsafe[k])
            try write(html, e.pagePath)
            searchEntries.append(.object([
                ("title", .string(e.result.notebook.title)),
                ("url", .string(PageLink.encoded(e.pagePath))),
                ("text", .string(pages[k].searchText)),
            ]))
        }
        try write(layout(title: siteTitle, root: "", current: nil, entries: entries, body: index(entries, summaryHTML)), "index.html")
        try write("window.TANGENT_SEARCH_INDEX = " + JSON.array(searchEntries).serialized(pretty: false) + ";\n", "search-index.js")
        try write(SiteAssets.stylesheet, "assets/tangent.css")
        try write(SiteAssets.searchScript, "assets/search.js")
        if !rendered.isEmpty {
            if site.kind(of: KaTeXAssets.stylesheetPath) != .file || !previous.contains(KaTeXAssets.stylesheetPath) {
                try KaTeXAssets.install(into: site)
            }
            written += files(under: KaTeXAssets.directoryPath, in: site)
            // Keep only the formulas this site still uses.
            var used: [String: String] = [:]
            for span in allSpans { used[SiteBuilder.mathKey(span)] = mathCache[SiteBuilder.mathKey(span)] }
            try write(JSON.object(used.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }).serialized(pretty: false),
                      SiteBuilder.mathCacheName)
        }
        // Remove pages this site no longer has, but only files an earlier render wrote.
        let now = Set(written)
        // Only plain files reached through plain folders are removed (ConfinedFolder.removeFile):
        // a planted manifest naming a file under a linked folder, or a link, deletes nothing.
        for stale in previous where !now.contains(stale) {
            site.removeFile(stale)
        }
        try site.write(Data(JSON.array(written.sorted().map(JSON.string)).serialized().utf8),
                       to: SiteBuilder.manifestName)
        return written
    }

    static let mathCacheName = ".tangent-math.json"

    /// Whether the page of `entry` passes raw HTML through: only with `--unsafe-html`, and not
    /// when the notebook's front matter says `unsafe_html: false`. A notebook asking for it
    /// without the flag gets a warning and a sanitised page.
    func passesRawHTML(_ entry: Entry) -> Bool {
        let asked = entry.result.notebook.frontMatter.fields["unsafe_html"]
        if !unsafeHTML, asked == "true" {
            warnings.append("\(entry.result.notebook.path): front matter 'unsafe_html: true' is ignored: raw HTML is "
                            + "passed through only by 'tangent render --unsafe-html' (the notebook's HTML was sanitised)")
        }
        return unsafeHTML && asked != "false"
    }

    /// The cache key of a formula: display mode and TeX source.
    static func mathKey(_ span: MathSpan) -> String { (span.display ? "D " : "I ") + span.tex }

    /// Typeset formulas from the previous render of this site (empty when missing or damaged).
    func loadMathCache(_ site: ConfinedFolder) -> [String: String] {
        guard let data = site.read(SiteBuilder.mathCacheName),
              case .object(let fields)? = JSON.parse(String(decoding: data, as: UTF8.self)) else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in fields { if let html = v.stringValue { out[k] = html } }
        return out
    }

    /// Plain files under a folder of the site, relative to the site (symbolic links are not
    /// followed, nor listed).
    func files(under folder: String, in site: ConfinedFolder) -> [String] {
        var out: [String] = []
        for name in site.contents(of: folder) ?? [] {
            let path = folder + "/" + name
            switch site.kind(of: path) {
            case .file: out.append(path)
            case .folder: out += files(under: path, in: site)
            default: break
            }
        }
        return out
    }

    /// Where the site's files are confined: the nearest folder above the site holding `.git` or
    /// `tangent.toml`; else the current folder when the site path (as written) lies inside it;
    /// else the site folder itself (a folder named on the command line outside any project).
    /// The site folder is then reached from there without following a link out of it.
    static func confinementRoot(for site: URL) -> URL {
        let folder = site.standardizedFileURL
        var dir = folder.deletingLastPathComponent()
        let fm = FileManager.default
        while true {
            if ProjectRoot.markers.contains(where: { fm.fileExists(atPath: dir.appendingPathComponent($0).path) }) { return dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL
        if cwd.path != "/" && folder.path.hasPrefix(cwd.path + "/") { return cwd }
        return folder
    }

    /// Opens the site folder (made when missing) by a confined walk from its root, and refuses
    /// one that is not a folder, leads out of the project through a symbolic link, or holds
    /// files but was not written by Tangent.
    func openSite() throws -> ConfinedFolder {
        let rootURL = SiteBuilder.confinementRoot(for: outputDirectory)
        let relative = String(outputDirectory.standardizedFileURL.path.dropFirst(rootURL.path.count).drop { $0 == "/" })
        let site: ConfinedFolder
        do {
            let root = try ConfinedFolder(rootURL)
            let kind = root.kind(of: relative)
            if kind == .file || kind == .other {
                throw SiteError(description: "'\(outputDirectory.path)' exists and is not a folder")
            }
            site = try root.folder(relative)
        } catch let e as FileError {
            throw SiteError(description: "cannot write the site into '\(outputDirectory.path)': \(e.message)")
        }
        let contents = site.contents(of: "") ?? []
        if !contents.isEmpty && site.kind(of: SiteBuilder.manifestName) != .file {
            throw SiteError(description: "'\(outputDirectory.path)' is not empty and was not written by tangent render; "
                            + "choose an empty or new folder (nothing was deleted)")
        }
        return site
    }

    /// The files the previous render wrote, from its manifest (not followed when it is a
    /// link); entries with `..` or an absolute path are ignored.
    func previousManifest(_ site: ConfinedFolder) -> [String] {
        guard let data = site.read(SiteBuilder.manifestName),
              let items = JSON.parse(String(decoding: data, as: UTF8.self))?.arrayValue else { return [] }
        return items.compactMap(\.stringValue).filter { !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") }
    }

    // MARK: Layout

    /// A page of the site; `scriptPolicy` adds the Content-Security-Policy that runs only the
    /// site's own script files (every page but those built with `--unsafe-html`).
    func layout(title: String, root: String, current: Int?, entries: [Entry], body: String, scriptPolicy: Bool = true) -> String {
        var nav = "<ul>"
        for (k, e) in entries.enumerated() {
            let cls = k == current ? " class=\"current\" aria-current=\"page\"" : ""
            nav += "<li><a\(cls) href=\"\(HTMLText.escape(PageLink.href(e.pagePath, root: root)))\">\(HTMLText.escape(e.result.notebook.title))</a></li>"
        }
        let policy = scriptPolicy
            ? "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLText.escape(SiteAssets.contentSecurityPolicy))\">\n" : ""
        nav += "</ul>"
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            \(policy)<meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="Tangent \(TangentInfo.version)">
            <title>\(HTMLText.escape(title))</title>
            <link rel="stylesheet" href="\(root)assets/tangent.css">
            <link rel="stylesheet" href="\(root)\(KaTeXAssets.stylesheetPath)">
            </head>
            <body data-root="\(root)">
            <header class="site-header">
            <a class="site-title" href="\(root)index.html">\(HTMLText.escape(siteTitle))</a>
            <input id="search" type="search" placeholder="Search" aria-label="Search the notebooks" autocomplete="off">
            </header>
            <div id="search-results" hidden></div>
            <div class="layout">
            <nav class="sidebar" aria-label="Notebooks">\(nav)</nav>
            <main>
            \(body)
            </main>
            </div>
            <script src="\(root)search-index.js"></script>
            <script src="\(root)assets/search.js"></script>
            </body>
            </html>

            """
    }

    func pager(_ k: Int, _ entries: [Entry], root: String) -> String {
        var out = "<nav class=\"pager\">"
        if k > 0 {
            let p = entries[k - 1]
            out += "<a class=\"prev\" href=\"\(HTMLText.escape(PageLink.href(p.pagePath, root: root)))\">← \(HTMLText.escape(p.result.notebook.title))</a>"
        }
        if k + 1 < entries.count {
            let n = entries[k + 1]
            out += "<a class=\"next\" href=\"\(HTMLText.escape(PageLink.href(n.pagePath, root: root)))\">\(HTMLText.escape(n.result.notebook.title)) →</a>"
        }
        return out + "</nav>\n"
    }

    /// The index page; `summaries` are HTML (escaped text with typeset math).
    func index(_ entries: [Entry], _ summaries: [String]) -> String {
        var out = "<article class=\"index\"><h1>\(HTMLText.escape(siteTitle))</h1>\n<ol class=\"notebook-list\">\n"
        for (k, e) in entries.enumerated() {
            let failed = e.result.failed ? " <span class=\"block-status bad\">has failures</span>" : ""
            out += "<li><a href=\"\(HTMLText.escape(PageLink.href(e.pagePath, root: "")))\">\(HTMLText.escape(e.result.notebook.title))</a>\(failed)"
            if !summaries[k].isEmpty { out += "<p>\(summaries[k])</p>" }
            out += "</li>\n"
        }
        return out + "</ol></article>\n"
    }
}
