import TangentSupport

/// The HTML around the pages: the shared layout (skip link, header with the search box and the
/// light/dark toggle, sidebar), the pager between neighbouring notebooks, and the index page.
extension SiteBuilder {
    /// A page of the site; `scriptPolicy` adds the Content-Security-Policy that runs only the
    /// site's own script files (every page but those built with `--unsafe-html`).
    func layout(
        title: String, root: String, current: Int?, entries: [Entry], body: String, scriptPolicy: Bool = true
    ) -> String {
        var nav = "<ul>"
        for (k, e) in entries.enumerated() {
            let cls = k == current ? " class=\"current\" aria-current=\"page\"" : ""
            let href = HTMLText.escape(PageLink.href(e.pagePath, root: root))
            nav += "<li><a\(cls) href=\"\(href)\">\(HTMLText.escape(e.result.notebook.title))</a></li>"
        }
        let csp = HTMLText.escape(SiteAssets.contentSecurityPolicy)
        let policy = scriptPolicy ? "<meta http-equiv=\"Content-Security-Policy\" content=\"\(csp)\">\n" : ""
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
            <script src="\(root)assets/theme.js"></script>
            </head>
            <body data-root="\(root)">
            <a class="skip-link" id="skip-link" href="#content">Skip to content</a>
            <header class="site-header">
            <a class="site-title" href="\(root)index.html">\(HTMLText.escape(siteTitle))</a>
            <div class="header-tools">
            <input id="search" type="search" placeholder="Search (/)" aria-label="Search the notebooks" aria-controls="search-results" autocomplete="off">
            </div>
            </header>
            <div id="search-results" role="region" aria-label="Search results" hidden></div>
            <div class="layout">
            <nav class="sidebar" id="sidebar" aria-label="Notebooks">\(nav)</nav>
            <main id="content" tabindex="-1">
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
            let href = HTMLText.escape(PageLink.href(p.pagePath, root: root))
            out += "<a class=\"prev\" href=\"\(href)\">← \(HTMLText.escape(p.result.notebook.title))</a>"
        }
        if k + 1 < entries.count {
            let n = entries[k + 1]
            let href = HTMLText.escape(PageLink.href(n.pagePath, root: root))
            out += "<a class=\"next\" href=\"\(href)\">\(HTMLText.escape(n.result.notebook.title)) →</a>"
        }
        return out + "</nav>\n"
    }

    /// The index page; `summaries` are HTML (escaped text with typeset math).
    func index(_ entries: [Entry], _ summaries: [String]) -> String {
        var out = "<article class=\"index\"><h1>\(HTMLText.escape(siteTitle))</h1>\n<ol class=\"notebook-list\">\n"
        for (k, e) in entries.enumerated() {
            let failed = e.result.failed ? " <span class=\"block-status bad\">has failures</span>" : ""
            let href = HTMLText.escape(PageLink.href(e.pagePath, root: ""))
            out += "<li><a href=\"\(href)\">\(HTMLText.escape(e.result.notebook.title))</a>\(failed)"
            if !summaries[k].isEmpty { out += "<p>\(summaries[k])</p>" }
            out += "</li>\n"
        }
        return out + "</ol></article>\n"
    }
}
