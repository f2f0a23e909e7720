internal import CCMark

/// cmark-gfm with GitHub's extensions attached: the one place a parser is made, so the notebook
/// model, the math extraction and the site's HTML all read the same GitHub Flavored Markdown
/// (tables, strikethrough, bare-URL autolinks, task lists, footnotes, and the tag filter that
/// writes `<script>`, `<iframe>` and the like out as text).
enum GFMParser {
    /// GitHub's extensions (cmark-gfm's core set), attached to every parser.
    static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    /// Options every parse uses: raw HTML is kept (the site sanitises it), footnotes are read.
    static let baseOptions = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES

    /// cmark-gfm's registration of its core extensions is not thread-safe; a `static let` runs
    /// it exactly once, before the first parser is made.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses `markdown` (`options` added to `baseOptions`) and hands the document and the
    /// parser's extension list (for rendering) to `body`; both are freed when it returns.
    /// `tagFilter: false` leaves the tag filter out (`--unsafe-html`: scripts pass as written).
    /// Nil only when cmark-gfm could not allocate a parser.
    static func withDocument<T>(
        _ markdown: String, options: Int32 = 0, tagFilter: Bool = true,
        _ body: (_ document: OpaquePointer, _ extensions: UnsafeMutablePointer<cmark_llist>?) -> T
    ) -> T? {
        precondition(registered)
        guard let parser = cmark_parser_new(baseOptions | options) else { return nil }
        defer { cmark_parser_free(parser) }
        for name in extensionNames where tagFilter || name != "tagfilter" {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        let length = markdown.utf8.count
        markdown.withCString { cmark_parser_feed(parser, $0, length) }
        guard let document = cmark_parser_finish(parser) else { return nil }
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }
}
