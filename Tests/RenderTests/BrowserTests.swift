import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook
@testable import Render

/// Opens the rendered site in headless Chromium and checks the DOM after scripts ran: math
/// typeset, figures present, search finding a known page, and no request leaving file://.
@Suite(.serialized) struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func site() throws -> URL {
        let dir = try TemporaryFolder("browser").root
        let first =
            "---\ntitle: Kernels on a circle\n---\nThe arc-cosine kernel $k(x, x') = \\frac{1}{2\\pi}$ and a broken one $\\frac{$.\n\n$$\\Theta = \\sum_l \\Sigma_l$$\n\n```ntk {#fig}\nx = linspace(0, 1, 20)\nplot(x, x ^ 2, label: \"square\", title: \"Parabola\")\nheatmap(eye(4), title: \"identity\")\n```\n"
        let second = "# Zebra page\n\nThe word xylophone appears only here.\n\n```ntk\nx = nope\n```\n"
        let a = Runner(notebookURL: dir.appendingPathComponent("a.md")).run(try Notebook.parse(first, path: "a.md"))
        let b = Runner(notebookURL: dir.appendingPathComponent("b.md")).run(try Notebook.parse(second, path: "b.md"))
        let out = dir.appendingPathComponent("site")
        try SiteBuilder(outputDirectory: out).build([
            .init(result: a, pagePath: "a.html"), .init(result: b, pagePath: "b.html")
        ])
        return out
    }

    /// Runs Chromium on a URL; returns the DOM after load and the URLs it requested.
    static func dumpDOM(_ url: String, scratch: URL) throws -> (dom: String, requests: [String]) {
        let netlog = scratch.appendingPathComponent("netlog-\(UUID().uuidString).json")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium!)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            // Nothing may leave the machine, not even Chromium's own update checks.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
            "--disable-sync", "--disable-default-apps", "--user-data-dir=\(scratch.path)/profile",
            "--log-net-log=\(netlog.path)", "--virtual-time-budget=3000", "--dump-dom", url
        ]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        // URLs the page asked for over the network: requests with a page initiator (a file://
        // page's origin is "null"; Chromium's own service requests say "not an origin").
        var requests: [String] = []
        if let log = try? Data(contentsOf: netlog),
            let json = try? JSONSerialization.jsonObject(with: log) as? [String: Any],
            let events = json["events"] as? [[String: Any]]
        {
            for e in events {
                guard let params = e["params"] as? [String: Any], let url = params["url"] as? String,
                    let initiator = params["initiator"] as? String, initiator != "not an origin"
                else { continue }
                requests.append(url)
            }
        }
        return (String(decoding: data, as: UTF8.self), requests)
    }

    @Test(
        .enabled(if: chromium != nil, "needs Debian's chromium (scripts/test.sh installs it)"),
        .enabled(if: KaTeXRenderer.isAvailable, "needs node and libjs-katex"))
    func pagesWorkOfflineInABrowser() throws {
        let site = try BrowserTests.site()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        let scratch = site.deletingLastPathComponent()
        let (dom, requests) = try BrowserTests.dumpDOM(
            "file://" + site.appendingPathComponent("a.html").path, scratch: scratch)
        #expect(dom.contains("class=\"katex\""), "inline math is typeset")
        #expect(dom.contains("class=\"katex-display\""), "display math is typeset")
        #expect(dom.contains("katex-error"), "a broken formula shows KaTeX's error inline")
        #expect(dom.components(separatedBy: "<svg").count - 1 >= 2, "both figures are inline SVG")
        #expect(dom.contains("Parabola"))
        let remote = requests.filter { !$0.hasPrefix("file://") && !$0.hasPrefix("data:") }
        #expect(remote.isEmpty, "the page requested: \(remote)")
        #expect(dom.contains("href=\"assets/katex/katex.min.css\""))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("assets/katex/katex.min.css").path))

        let (searchDOM, _) = try BrowserTests.dumpDOM(
            "file://" + site.appendingPathComponent("index.html").path + "?q=xylophone", scratch: scratch)
        #expect(searchDOM.contains("<a href=\"./b.html\">Zebra page</a>"), "search finds the page with the word")
        #expect(!searchDOM.contains("<a href=\"./a.html\">Kernels on a circle</a><div class=\"snippet\">"))

        let (failing, _) = try BrowserTests.dumpDOM(
            "file://" + site.appendingPathComponent("b.html").path, scratch: scratch)
        #expect(failing.contains("error: unknown name"), "the failing block's error is on its page")
    }
}
