internal import CCMark

#if canImport(Glibc)
import Glibc
#endif

/// GitHub Flavored Markdown → HTML exactly as cmark-gfm renders it (GitHub's own renderer).
package enum CommonMarkHTML {
    /// Renders Markdown to an HTML fragment. Raw HTML and every link destination are passed
    /// through as written (Tangent's own output regions are HTML comments), except the tags
    /// GitHub's tag filter writes out as text (`<script>`, `<iframe>`, `<style>`, …); this is not
    /// safe to publish from untrusted notebooks by itself: the site runs it through Render's
    /// `HTMLSanitizer`, which sees raw HTML and links alike in this output.
    ///
    /// `tagFilter: false` leaves GitHub's tag filter out, for `--unsafe-html` sites whose raw
    /// HTML (scripts included) is trusted. `rewriteLink` sees the destination of every link
    /// (inline, reference or autolink) and may return another one (the site points links to
    /// notebooks at their pages).
    package static func render(
        _ markdown: String, smartPunctuation: Bool = false, tagFilter: Bool = true,
        rewriteLink: ((String) -> String?)? = nil
    ) -> String {
        let options = smartPunctuation ? CMARK_OPT_SMART : 0
        let html: String? =
            GFMParser.withDocument(markdown, options: options, tagFilter: tagFilter) {
                doc, extensions in
                if let rewriteLink { rewriteLinks(doc, rewriteLink) }
                guard let html = cmark_render_html(doc, GFMParser.baseOptions | options, extensions) else { return nil }
                defer { free(html) }
                return String(cString: html)
            } ?? nil
        return html ?? ""
    }

    private static func rewriteLinks(_ doc: OpaquePointer, _ rewrite: (String) -> String?) {
        guard let iterator = cmark_iter_new(doc) else { return }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                cmark_node_get_type(node) == CMARK_NODE_LINK, let url = cmark_node_get_url(node),
                let replacement = rewrite(String(cString: url))
            else { continue }
            _ = cmark_node_set_url(node, replacement)
        }
    }
}
