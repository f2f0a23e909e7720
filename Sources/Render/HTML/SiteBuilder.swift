import Foundation
import Notebook
import TangentSupport

/// Writes a static site for a collection of notebooks: one page each, an index, navigation,
/// a client-side search index, one stylesheet, and KaTeX's CSS and fonts; nothing loads from
/// the network, and the site opens from disk. Files Tangent did not write are never deleted.
package final class SiteBuilder {
    package struct Entry {
        package var result: NotebookResult
        /// The page's path inside the site, e.g. `intro.html` or `part1/kernels.html`.
        package var pagePath: String
        package init(result: NotebookResult, pagePath: String) {
            self.result = result
            self.pagePath = pagePath
        }
    }

    package struct SiteError: Error, CustomStringConvertible {
        package var description: String
    }

    package let outputDirectory: URL
    package var siteTitle: String
    /// `--unsafe-html`: raw HTML in prose is passed through instead of sanitised, and pages get
    /// no Content-Security-Policy. A notebook's own `unsafe_html: false` still keeps it safe;
    /// its `unsafe_html: true` alone changes nothing (a notebook cannot vouch for itself).
    package var unsafeHTML = false
    /// `--debug`: block headers show each block's line and time (pages then differ between renders).
    package var debug = false
    /// Problems that did not stop the build (math left as TeX, a link to a notebook the site does
    /// not have), each a whole line for the caller to print: `FILE:LINE:COL: warning: …`,
    /// `FILE: warning: …`, or `warning: …` when no file is to blame.
    package private(set) var warnings: [String] = []

    /// The list of files the last render wrote (only those are ever replaced or removed).
    package static let manifestName = ".tangent-site.json"

    package init(outputDirectory: URL, siteTitle: String = "Tangent notebooks") {
        self.outputDirectory = outputDirectory
        self.siteTitle = siteTitle
    }

    /// Page paths for notebooks given by their display paths: the common folder is dropped and
    /// `.md` becomes `.html`.
    package static func pagePaths(for paths: [String]) -> [String] {
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
    package func build(_ entries: [Entry]) throws -> [String] {
        let site = try openSite()
        let previous = previousManifest(site)
        try writeJournal(entries, previous: previous, to: site)
        var math = SiteMath(pages: entries.map { PageRenderer.prepare($0.result) })
        if let warning = math.typeset(reusing: SiteMath.loadCache(from: site)) {
            warnings.append("warning: " + warning)
        }
        let links = NotebookLinks(entries)
        let options = entries.map { e in
            var o = PageRenderer.Options(unsafeHTML: passesRawHTML(e), debug: debug)
            o.pagePath = e.pagePath
            o.links = links
            warnings += links.warnings(in: e.result.notebook)
            return o
        }
        var files = SiteFiles(site)
        try writePages(entries, math: math, options: options, into: &files)
        try writeAssets(math: math, previous: previous, into: &files)
        try removeStaleFiles(keeping: files.written, previous: previous, from: site)
        return files.written
    }

    /// Writes each notebook's page, the index page and the search index.
    func writePages(
        _ entries: [Entry], math: SiteMath, options: [PageRenderer.Options], into files: inout SiteFiles
    ) throws {
        let pages = math.finishedPages(options: options)
        var searchEntries: [JSON] = []
        for (k, e) in entries.enumerated() {
            let depth = e.pagePath.split(separator: "/").count - 1
            let root = String(repeating: "../", count: depth)
            let body =
                "<div class=\"page\"><article class=\"notebook\">\n" + pages[k].body + "</article>\n"
                + pages[k].outlineHTML + "</div>\n" + pager(k, entries, root: root)
            let html = layout(
                title: e.result.notebook.title, root: root, current: k, entries: entries, body: body,
                scriptPolicy: !options[k].unsafeHTML)
            try files.write(html, e.pagePath)
            for section in pages[k].sections {
                let fragment = section.id.map { "#" + PageLink.encoded($0) } ?? ""
                searchEntries.append(
                    .object([
                        ("title", .string(e.result.notebook.title)),
                        ("section", .string(section.heading)),
                        ("url", .string(PageLink.encoded(e.pagePath) + fragment)),
                        ("text", .string(section.text))
                    ]))
            }
        }
        let indexBody = index(entries, pages.map(\.summaryHTML))
        try files.write(
            layout(title: siteTitle, root: "", current: nil, entries: entries, body: indexBody), "index.html")
        let searchIndex = JSON.array(searchEntries).serialized(pretty: false)
        try files.write("window.TANGENT_SEARCH_INDEX = " + searchIndex + ";\n", "search-index.js")
    }

    /// Writes the stylesheet and the search script; with math, KaTeX's CSS and fonts (copied
    /// only when missing or not ours) and the math cache.
    func writeAssets(math: SiteMath, previous: [String], into files: inout SiteFiles) throws {
        try files.write(SiteAssets.stylesheet, "assets/tangent.css")
        try files.write(SiteAssets.searchScript, "assets/search.js")
        try files.write(SiteAssets.themeScript, "assets/theme.js")
        guard !math.rendered.isEmpty else { return }
        let site = files.site
        if site.kind(of: KaTeXAssets.stylesheetPath) != .file || !previous.contains(KaTeXAssets.stylesheetPath) {
            try KaTeXAssets.install(into: site)
        }
        files.record(filesUnder: KaTeXAssets.directoryPath)
        try files.write(math.cacheToKeep(), SiteMath.cacheName)
    }

    /// Whether the page of `entry` passes raw HTML through: only with `--unsafe-html`, and not
    /// when the notebook's front matter says `unsafe_html: false`. A notebook asking for it
    /// without the flag gets a warning and a sanitised page.
    func passesRawHTML(_ entry: Entry) -> Bool {
        let asked = entry.result.notebook.frontMatter.fields["unsafe_html"]
        if !unsafeHTML, asked == "true" {
            warnings.append(
                "\(entry.result.notebook.path): warning: front matter 'unsafe_html: true' is ignored: raw HTML is "
                    + "passed through only by 'tangent render --unsafe-html' (the notebook's HTML was sanitised)")
        }
        return unsafeHTML && asked != "false"
    }
}
