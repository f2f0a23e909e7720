import Foundation
import TestSupport
import Testing

/// Two renders of the same sources give the same bytes, whether blocks ran or came from the
/// cache and whether formulas were typeset or taken from the site's math cache: published pages
/// hold no timings, cache states or source lines (`render --debug` shows them).
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct DeterministicSiteTests {
    static let notebooks: [(String, String)] = [
        (
            "notebooks/01-kernels.md",
            """
            ---
            title: Kernels
            seed: 3
            ---
            # Kernels

            The kernel $k(x, y) = x^\\top y$ after time $\\tau = \\eta\\,t$; see [the next one](02-more.md#fit).

            | width | error |
            |---|---|
            | 64 | ~~0.3~~ 0.2 |

            ```ntk {#data}
            X = randn(4, 2)
            show X @ X.T, "Gram"
            plot([1, 2, 3], [1, 4, 9], label: "squares", title: "a figure")
            ```

            ```ntk {#broken}
            y = nope + 1
            ```

            """
        ),
        (
            "notebooks/02-more.md",
            """
            # More

            - [x] a task, a footnote[^a] and https://example.org

            [^a]: With $$\\sum_i x_i$$ inside.

            ```ntk {#fit}
            print(f"{sum([1, 2, 3])} items")
            ```

            """
        )
    ]

    /// Every file under `dir` (the site's hidden files included) by relative path.
    func snapshot(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let root = dir.resolvingSymlinksInPath().path + "/"
        let walk = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walk?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            out[String(url.resolvingSymlinksInPath().path.dropFirst(root.count))] = try Data(contentsOf: url)
        }
        return out
    }

    @Test func twoRendersGiveIdenticalBytes() throws {
        let folder = try TemporaryFolder("deterministic-site")
        defer { folder.remove() }
        try "".write(to: folder.url("tangent.toml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.url("notebooks"), withIntermediateDirectories: true)
        for (path, text) in Self.notebooks {
            try text.write(to: folder.url(path), atomically: true, encoding: .utf8)
        }
        func render(_ out: String, _ extra: [String] = []) throws -> [String: Data] {
            let r = try TangentBinary.run(
                ["render", "notebooks", "--out", out, "-j", "1"] + extra, in: folder.root, scratch: folder)
            #expect(r.status == 1, "the broken block fails: \(r.transcript)")
            return try snapshot(folder.url(out))
        }
        // Cold: blocks run, formulas typeset. Then warm: blocks from the cache, formulas from
        // the site's math cache. Then a new folder: blocks cached, formulas typeset again.
        let first = try render("site")
        let again = try render("site")
        let elsewhere = try render("other")
        #expect(first.count >= 6)
        #expect(first.keys.sorted() == again.keys.sorted())
        for (path, bytes) in first {
            #expect(again[path] == bytes, "\(path) differs after a warm re-render")
            #expect(elsewhere[path] == bytes, "\(path) differs in a second folder")
        }
        let page = String(decoding: first["01-kernels.html"] ?? Data(), as: UTF8.self)
        #expect(page.contains("id=\"block-data\""), "the page was rendered")
        #expect(!page.contains("ran in") && !page.contains("cached") && !page.contains("block-line"))
        #expect(page.contains("<a href=\"./02-more.html#fit\">the next one</a>"))
        #expect(page.contains("<pre>notebooks/01-kernels.md:"), "error boxes name the project's path")

        // --debug shows lines and how each block ran (here: from the cache).
        let debug = try render("debug", ["--debug"])
        let debugPage = String(decoding: debug["01-kernels.html"] ?? Data(), as: UTF8.self)
        let fence = Self.notebooks[0].1.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0 == "```ntk {#data}" }.map { $0 + 1 }
        #expect(debugPage.contains("<span class=\"block-line\">line \(fence ?? -1)</span>"))
        #expect(debugPage.contains(">cached</span>"))
    }
}
