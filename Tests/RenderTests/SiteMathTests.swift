import Foundation
import TangentSupport
import Testing

@testable import Notebook
@testable import Render

/// The site's math (`SiteMath`, one step of `SiteBuilder.build`): formulas typeset by an earlier
/// render come from the site's math cache instead of a new `node` run, the cache keeps only the
/// formulas the site still uses, and a site without math gets neither a cache nor KaTeX's files.
@Suite struct SiteMathTests {
    func result(_ text: String, path: String) throws -> NotebookResult {
        Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-site-math-tests/" + path))
            .run(try Notebook.parse(text, path: path))
    }

    func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tangent-site-math-\(UUID().uuidString)")
    }

    func read(_ dir: URL, _ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func aSiteWithoutMathWritesNoMathCacheNorKaTeX() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try result("# Kernels\n\nNo formulas here, only $5 and $6.\n", path: "a.md")
        let files = try SiteBuilder(outputDirectory: dir).build([.init(result: plain, pagePath: "a.html")])
        #expect(!files.contains(".tangent-math.json"))
        #expect(!files.contains { $0.hasPrefix("assets/katex/") })
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(SiteMath.cacheName).path))
    }

    static let katexInstalled = KaTeXInstallation.file(["katex.min.css"]) != nil

    @Test(.enabled(if: katexInstalled, "needs libjs-katex (apt-get install libjs-katex)"))
    func typesetFormulasAreReusedAndUnusedOnesDropped() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A first render makes the folder the site's own (it writes the manifest).
        let plain = try result("# Kernels\n\nNo math yet.\n", path: "a.md")
        try SiteBuilder(outputDirectory: dir).build([.init(result: plain, pagePath: "a.html")])
        // The cache as an earlier render would leave it: display mode and TeX → KaTeX's HTML, for
        // a formula the next render uses and one it no longer does. Real KaTeX output never holds
        // these marker words, so finding them proves the cache was read and no node run replaced it.
        let cache = JSON.object([
            ("I k(x, y)", .string("<span class=\"katex\">CACHED-INLINE</span>")),
            ("D \\sum_i x_i", .string("<span class=\"katex\">CACHED-UNUSED</span>"))
        ])
        let cacheURL = dir.appendingPathComponent(".tangent-math.json")
        try cache.serialized().write(to: cacheURL, atomically: true, encoding: .utf8)

        let math = try result("# Kernels\n\nThe kernel $k(x, y)$ of two inputs.\n", path: "a.md")
        let builder = SiteBuilder(outputDirectory: dir)
        let files = try builder.build([.init(result: math, pagePath: "a.html")])
        #expect(builder.warnings.isEmpty)
        #expect(try read(dir, "a.html").contains("CACHED-INLINE"))
        // The index's summary is the page's first paragraph, its formula from the same cache.
        let summary = "<p>The kernel <span class=\"katex\">CACHED-INLINE</span> of two inputs.</p>"
        #expect(try read(dir, "index.html").contains(summary))
        #expect(files.contains(".tangent-math.json"))
        #expect(files.contains("assets/katex/katex.min.css"))
        guard case .object(let kept)? = JSON.parse(try read(dir, ".tangent-math.json")) else {
            Issue.record("the math cache is not a JSON object")
            return
        }
        #expect(kept.map(\.0) == ["I k(x, y)"])
        #expect(kept.first?.1.stringValue == "<span class=\"katex\">CACHED-INLINE</span>")
    }
}
