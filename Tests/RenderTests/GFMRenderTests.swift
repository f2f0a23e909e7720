import Testing

@testable import Render

/// Golden HTML for each GitHub Flavored Markdown construct, as a published (sanitised) page
/// has it: the expected strings are GFM's own rendering (github.github.com/gfm and cmark-gfm's
/// spec tests), written out by hand.
@Suite struct GFMRenderTests {
    func page(_ markdown: String) -> String { PageRenderer.proseHTML(markdown, unsafeHTML: false) }

    @Test func table() {
        #expect(
            page("| a | b |\n|:-:|--:|\n| 1 | `x` |\n")
                == "<table>\n<thead>\n<tr>\n<th align=\"center\">a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n"
                + "<tbody>\n<tr>\n<td align=\"center\">1</td>\n<td align=\"right\"><code>x</code></td>\n</tr>\n"
                + "</tbody>\n</table>\n")
    }

    @Test func strikethrough() {
        #expect(page("~~old~~ new\n") == "<p><del>old</del> new</p>\n")
    }

    @Test func autolinks() {
        #expect(
            page("See www.example.com and https://example.org/a?b=1.\n")
                == "<p>See <a href=\"http://www.example.com\">www.example.com</a> and "
                + "<a href=\"https://example.org/a?b=1\">https://example.org/a?b=1</a>.</p>\n")
    }

    @Test func footnote() {
        #expect(
            page("Note[^1].\n\n[^1]: The *note*.\n")
                == "<p>Note<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup>.</p>\n"
                + "<section class=\"footnotes\" data-footnotes>\n<ol>\n<li id=\"fn-1\">\n<p>The <em>note</em>. "
                + "<a href=\"#fnref-1\" class=\"footnote-backref\" data-footnote-backref aria-label=\"Back to content\">↩</a>"
                + "</p>\n</li>\n</ol>\n</section>\n")
    }

    /// The boxes are named (axe's `label` rule: an unnamed form control is a critical finding).
    @Test func taskList() {
        #expect(
            page("- [ ] todo\n- [x] done\n")
                == "<ul>\n<li><input type=\"checkbox\" disabled=\"\" aria-label=\"task\" /> todo</li>\n"
                + "<li><input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"task\" /> done</li>\n</ul>\n")
    }

    @Test func tagFilterWritesScriptsAndFramesAsText() {
        #expect(
            page("<script>alert(1)</script>\n\n<iframe src=\"https://example.org\"></iframe>\n")
                == "&lt;script>alert(1)&lt;/script>\n&lt;iframe src=\"https://example.org\">&lt;/iframe>\n")
        // Inline too, and the sanitiser still removes what the filter leaves (`<object>`).
        #expect(
            page("a <script>x()</script> <object data=\"y\"></object> b\n")
                == "<p>a &lt;script>x()&lt;/script>  b</p>\n")
    }

    @Test func sanitiserKeepsOnlyDisabledCheckboxesAndFootnoteIDs() {
        #expect(
            HTMLSanitizer.sanitize("<input type=\"checkbox\" onclick=\"x()\" checked>")
                == "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"task\" />")
        #expect(HTMLSanitizer.sanitize("<input type=\"text\" autofocus onfocus=\"x()\">") == "")
        #expect(HTMLSanitizer.sanitize("<input onfocus=\"x()\">") == "")
        // Prose may not take the site's ids or style itself with the site's classes.
        #expect(HTMLSanitizer.sanitize("<a id=\"search\" class=\"block-id\">a</a>") == "<a>a</a>")
        #expect(
            HTMLSanitizer.sanitize("<li id=\"fn-x\" class=\"footnotes other\">n</li>") == "<li id=\"fn-x\">n</li>")
    }

    @Test func mathInTableCellsIsTypeset() {
        // Emphasis must not eat `*` inside a formula in a cell: the math is taken out first.
        let e = MathExtractor.extract("| kernel |\n|---|\n| $K_{*X} K_{X*}$ |\n")
        #expect(e.spans.map(\.tex) == ["K_{*X} K_{X*}"])
        #expect(page(e.markdown).contains("<td>\(e.spans[0].placeholder)</td>"))
    }
}
