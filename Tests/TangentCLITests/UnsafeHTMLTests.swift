import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// `--unsafe-html`: the one switch that lets raw HTML from notebooks into the site, given by
/// whoever builds it; a notebook's front matter cannot turn it on.
@Suite struct UnsafeHTMLTests {
    @Test func theFlagIsParsedForRenderAndServeOnly() throws {
        #expect(try Options.parse(["render", "nb.md", "--out", "site", "--unsafe-html"]).unsafeHTML)
        #expect(try Options.parse(["render", "nb.md", "--out", "site"]).unsafeHTML == false)
        #expect(
            throws: UsageError(
                "option '--unsafe-html' does not apply to 'tangent run' (it is an option of 'tangent render' and 'tangent serve')"
            )
        ) {
            try Options.parse(["run", "nb.md", "--unsafe-html"])
        }
        let serve = try ServeOptions.parse(["nb.md", "--unsafe-html"])
        #expect(serve.unsafeHTML && serve.renderOptions(out: "site").unsafeHTML)
        #expect(try ServeOptions.parse(["nb.md"]).renderOptions(out: "site").unsafeHTML == false)
    }

    @Test(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
    func renderSanitisesUnlessTheFlagIsGiven() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let notebook = sandbox.root.appendingPathComponent("nb.md")
        try "---\nunsafe_html: true\n---\n# Page\n\n<script>window.ran = 1</script>\n\n<b>bold</b>\n"
            .write(to: notebook, atomically: true, encoding: .utf8)

        let safe = try TangentBinary.run(["render", "nb.md", "--out", "safe"], in: sandbox.root, scratch: sandbox)
        #expect(safe.status == 0, "\(safe.transcript)")
        #expect(safe.err.contains("nb.md: warning: front matter 'unsafe_html: true' is ignored"), "\(safe.transcript)")
        let safePage = try String(contentsOf: sandbox.root.appendingPathComponent("safe/nb.html"), encoding: .utf8)
        // The tag filter shows the script as text, as GitHub does; no script tag is left.
        #expect(!safePage.contains("<script>window.ran") && safePage.contains("<b>bold</b>"))
        #expect(safePage.contains("&lt;script>window.ran = 1&lt;/script>"))
        #expect(safePage.contains("http-equiv=\"Content-Security-Policy\""))

        let unsafe = try TangentBinary.run(
            ["render", "nb.md", "--out", "unsafe", "--unsafe-html"], in: sandbox.root, scratch: sandbox)
        #expect(unsafe.status == 0 && !unsafe.err.contains("warning"), "\(unsafe.transcript)")
        let unsafePage = try String(contentsOf: sandbox.root.appendingPathComponent("unsafe/nb.html"), encoding: .utf8)
        #expect(unsafePage.contains("<script>window.ran = 1</script>"))
        #expect(!unsafePage.contains("Content-Security-Policy"))
    }
}
