import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// axe-core, Deque's accessibility engine, run in headless Chromium on rendered pages (a
/// tutorial-like page, a page with a failing block, the index with search results), each in the
/// light and the dark theme. axe.min.js comes from the PyPI package axe-playwright-python, which
/// scripts/a11y-venv.sh installs in .build/venv-a11y (no npm, nothing fetched at test time).
/// In `BrowserTests`' serialized suite, so one browser runs at a time.
extension BrowserTests {
    /// axe.min.js: `TANGENT_AXE_JS`, else the copy in the package's .build/venv-a11y.
    static let axeScript: URL? = {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["TANGENT_AXE_JS"], fm.fileExists(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let lib = packageRoot.appendingPathComponent(".build/venv-a11y/lib")
        for python in (try? fm.contentsOfDirectory(atPath: lib.path)) ?? [] {
            let axe = lib.appendingPathComponent("\(python)/site-packages/axe_playwright_python/axe.min.js")
            if fm.fileExists(atPath: axe.path) { return axe }
        }
        return nil
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A page with everything a tutorial has: math, a GFM table, a task list, a footnote, code,
    /// figures (lines with a band, log axes, a heatmap), matrices small and large, a named
    /// table, text output, an expected error, and an outline.
    static let tutorialSource = """
        ---
        title: A kernel tutorial
        ---
        The neural tangent kernel $\\Theta(x, x') = \\sum_l \\Sigma_l$ of a network, with `code`,
        a [link](#results) and ~~old~~ text.[^1]

        $$K_{*X} K_{XX}^{-1} y$$

        $$\\Theta(x, x') = \\sum_{l=1}^{L} \\Sigma_l(x, x') \\prod_{k=l+1}^{L} \\dot\\Sigma_k(x, x') + \\frac{1}{2} \\sum_{i=1}^{n} \\alpha_i K(x, x_i)$$

        ## Setup

        | width | error |
        | ----- | ----: |
        | 16    | 0.1   |
        | 64    | 0.05  |

        - [x] done
        - [ ] to do

        > A quoted remark.

        ```ntk {#fig}
        figure(id: "lines", caption: "Three curves and a band")
        # three curves and a band
        x = linspace(0.1, 1, 20)
        band(x, x - 0.1, x + 0.1, label: "±σ")
        plot(x, x ^ 2, label: "square", xlabel: "x", ylabel: "y")
        plot(x, sqrt(x), label: "root", style: "dashed")
        scatter(x, x, label: "points", marker: "square")
        ```

        ### Results

        ```ntk {#log}
        w = [10, 100, 1000, 10000]
        plot(w, 1 / w, label: "error", title: "Error against width", logx: true, logy: true)
        heatmap(eye(5), title: "identity", label: "value")
        ```

        ```ntk {#numbers}
        show eye(3)
        show eye(9)
        show eye(40)
        show table(hcat([1, 3], [2, 4]), columns: ["a", "b"]), "two columns"
        print("some text")
        ```

        ```ntk {#oops expect=error}
        y = nope
        ```

        [^1]: A footnote.

        """

    /// The site for the accessibility pass; its pages and the probe's sub-folder.
    static func accessibilitySite() throws -> URL {
        let dir = try TemporaryFolder("a11y").root
        let failing = "# A failing page\n\nSome text.\n\n```ntk\nx = nope\n```\n"
        let a = Runner(notebookURL: dir.appendingPathComponent("t.md")).run(
            try Notebook.parse(tutorialSource, path: "t.md"))
        let b = Runner(notebookURL: dir.appendingPathComponent("f.md")).run(try Notebook.parse(failing, path: "f.md"))
        let out = dir.appendingPathComponent("site")
        try SiteBuilder(outputDirectory: out).build([
            .init(result: a, pagePath: "t.html"), .init(result: b, pagePath: "f.html")
        ])
        return out
    }

    /// Runs axe on the page in the light theme, then in the dark one, and leaves the violations
    /// (JSON: theme, rule id, impact, the targets) in `data-probe-axe` of `<body>` and the page's
    /// background in each theme in `data-probe-axe-backgrounds`, or the error in
    /// `data-probe-axe-error`; in a frame (the phone harness), it posts them to the harness too.
    /// Every rule runs, best practices included; the test fails on the serious ones.
    static let axeProbe = """
        window.addEventListener("load", function () {
          var root = document.documentElement, body = document.body;
          var backgrounds = [];
          function run(theme) {
            root.setAttribute("data-theme", theme);
            backgrounds.push(getComputedStyle(body).backgroundColor);
            return axe.run(document, { resultTypes: ["violations"] }).then(function (r) {
              return r.violations.map(function (v) {
                return { theme: theme, id: v.id, impact: v.impact || "",
                  targets: v.nodes.map(function (n) { return n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.replace(/\\s+/g, " ") : ""); }) };
              });
            });
          }
          run("light").then(function (a) {
            return run("dark").then(function (b) { return a.concat(b); });
          }).then(function (all) {
            report({ "axe-backgrounds": backgrounds.join(" / "), axe: JSON.stringify(all) });
          }, function (e) { report({ "axe-error": String(e) }); });
          function report(out) {
            Object.keys(out).forEach(function (k) { body.setAttribute("data-probe-" + k, out[k]); });
            if (window.parent !== window) window.parent.postMessage(out, "*");
          }
        });
        """

    struct AxeFinding: Decodable, CustomStringConvertible {
        var theme: String
        var id: String
        var impact: String
        var targets: [String]
        var description: String { "\(id) (\(impact), \(theme)): " + targets.joined(separator: "; ") }
    }

    /// The findings of axe on `page` of `site` (opened with `query`), from a copy of the page
    /// with axe and the probe added as script files beside it; on a `phone`, in the 390 px frame
    /// of the phone harness (`BrowserPhoneTests`).
    static func axeFindings(site: URL, page: String, query: String = "", axe: URL, phone: Bool = false) throws
        -> [AxeFinding]
    {
        let fm = FileManager.default
        let copy = (phone ? "axe-phone-" : "axe-") + page
        if !fm.fileExists(atPath: site.appendingPathComponent("axe.min.js").path) {
            try fm.copyItem(at: axe, to: site.appendingPathComponent("axe.min.js"))
            try axeProbe.write(to: site.appendingPathComponent("axe-probe.js"), atomically: true, encoding: .utf8)
        }
        let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
        try html.replacingOccurrences(
            of: "</body>", with: "<script src=\"axe.min.js\"></script><script src=\"axe-probe.js\"></script>\n</body>"
        ).write(to: site.appendingPathComponent(copy), atomically: true, encoding: .utf8)
        var opened = copy
        if phone {
            opened = "axe-phone.html"
            try phoneHarness.replacingOccurrences(of: "phone-page.html", with: copy + query)
                .write(to: site.appendingPathComponent(opened), atomically: true, encoding: .utf8)
            try phoneHarnessScript.write(
                to: site.appendingPathComponent("phone-harness.js"), atomically: true, encoding: .utf8)
        }
        let (dom, _) = try dumpDOM(
            "file://" + site.appendingPathComponent(opened).path + (phone ? "" : query),
            scratch: site.deletingLastPathComponent(), budget: 30000)
        if let error = probe(dom, "axe-error") { throw AxeError(message: "\(page): axe failed: \(error)") }
        let json = try #require(probe(dom, "axe"), "\(page): axe left no result")
        let backgrounds = probe(dom, "axe-backgrounds") ?? "(missing)"
        #expect(
            backgrounds == "rgb(255, 255, 255) / rgb(13, 17, 23)",
            "\(page): axe ran on the light page, then on the dark one")
        return try JSONDecoder().decode([AxeFinding].self, from: Data(json.utf8))
    }

    struct AxeError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    @Test(
        .enabled(if: chromium != nil, "needs Debian's chromium (scripts/test.sh installs it)"),
        .enabled(if: KaTeXRenderer.isAvailable, "needs node and libjs-katex"),
        .enabled(if: axeScript != nil, "needs axe-core: run scripts/a11y-venv.sh (scripts/test.sh does)"))
    func axeFindsNothingSeriousInEitherThemeOrOnAPhone() throws {
        let site = try BrowserTests.accessibilitySite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        let axe = try #require(BrowserTests.axeScript)
        var all: [(String, AxeFinding)] = []
        for (page, query) in [("t.html", ""), ("f.html", ""), ("index.html", "?q=kernel")] {
            let findings = try BrowserTests.axeFindings(site: site, page: page, query: query, axe: axe)
            all += findings.map { (page, $0) }
        }
        // And on a phone, where figures, tables and formulas scroll sideways in their boxes.
        let phone = try BrowserTests.axeFindings(site: site, page: "t.html", axe: axe, phone: true)
        all += phone.map { ("t.html at 390 px", $0) }
        let report = all.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        let serious = all.filter { $0.1.impact == "serious" || $0.1.impact == "critical" }
        #expect(serious.isEmpty, "axe found \(serious.count) serious or critical; every finding:\n\(report)")
        print("axe findings (\(all.count)):\n\(report)")
    }
}
