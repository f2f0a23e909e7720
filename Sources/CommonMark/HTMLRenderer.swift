internal import CCMark

#if canImport(Glibc)
import Glibc
#endif

/// CommonMark → HTML exactly as cmark renders it (the reference implementation of the spec).
package enum CommonMarkHTML {
    /// Renders Markdown to an HTML fragment. Raw HTML and every link destination are passed
    /// through as written (Tangent's own output regions are HTML comments); this is not safe to
    /// publish from untrusted notebooks by itself: the site runs it through Render's
    /// `HTMLSanitizer`, which sees raw HTML and links alike in this output.
    package static func render(_ markdown: String, smartPunctuation: Bool = false) -> String {
        var options = CMARK_OPT_UNSAFE
        if smartPunctuation { options |= CMARK_OPT_SMART }
        let length = markdown.utf8.count
        guard let doc = markdown.withCString({ cmark_parse_document($0, length, options) }) else { return "" }
        defer { cmark_node_free(doc) }
        guard let html = cmark_render_html(doc, options) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }
}
