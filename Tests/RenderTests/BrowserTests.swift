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
        let second =
            "# Zebra page\n\nAn introduction.\n\n## Music room\n\nThe word xylophone appears only here.\n\n"
            + "```ntk\nx = nope\n```\n"
        let filler = (1...40).map { "Paragraph \($0) of the long page, there to make it scroll.\n\n" }.joined()
        let third =
            "# Long page\n\n" + filler
            + "## Far section\n\nThe section a link jumps to.\n\n```ntk {#late}\nshow 1\n```\n\n"
            + filler
        let a = Runner(notebookURL: dir.appendingPathComponent("a.md")).run(try Notebook.parse(first, path: "a.md"))
        let b = Runner(notebookURL: dir.appendingPathComponent("b.md")).run(try Notebook.parse(second, path: "b.md"))
        let c = Runner(notebookURL: dir.appendingPathComponent("c.md")).run(try Notebook.parse(third, path: "c.md"))
        let out = dir.appendingPathComponent("site")
        try SiteBuilder(outputDirectory: out).build([
            .init(result: a, pagePath: "a.html"), .init(result: b, pagePath: "b.html"),
            .init(result: c, pagePath: "c.html")
        ])
        return out
    }

    /// Drives a page as a reader would (clicks the theme toggle twice, presses `/`, types a
    /// word with a typo, moves into the results with ↓, closes them with Esc, jumps to a heading
    /// and to a block) and leaves what it saw in `data-probe-*` attributes of `<body>`. It is a
    /// script file beside the page, so the page's Content-Security-Policy lets it run.
    static let probeScript = """
        window.addEventListener("load", function () {
          var body = document.body, out = {};
          function bg() { return getComputedStyle(body).backgroundColor; }
          var sidebar = document.getElementById("sidebar"), menu = document.getElementById("menu-toggle");
          out.sidebar = getComputedStyle(sidebar).display;
          out.titletop = String(document.querySelector("h1").getBoundingClientRect().top);
          out.menu = getComputedStyle(menu).display;
          menu.click();
          out.sidebaropen = getComputedStyle(sidebar).display + " " + menu.getAttribute("aria-expanded");
          menu.click();
          var button = document.getElementById("theme-toggle");
          out.auto = bg();
          button.click();
          out.light = bg();
          button.click();
          out.dark = bg();
          out.label = button.textContent;
          out.stored = localStorage.getItem("tangent-theme");
          var input = document.getElementById("search"), box = document.getElementById("search-results");
          document.dispatchEvent(new KeyboardEvent("keydown", { key: "/", bubbles: true }));
          out.slashFocus = document.activeElement === input ? "search" : "elsewhere";
          input.value = "xylophne";
          input.dispatchEvent(new Event("input"));
          out.results = box.innerHTML;
          input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
          out.arrowFocus = document.activeElement ? document.activeElement.getAttribute("href") : "";
          document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
          out.escapeHidden = String(box.hidden);
          var header = document.querySelector(".site-header").getBoundingClientRect().bottom;
          ["far-section", "block-late"].forEach(function (id) {
            document.getElementById(id).scrollIntoView();
            out[id] = (document.getElementById(id).getBoundingClientRect().top - header) + " " + window.scrollY;
          });
          Object.keys(out).forEach(function (k) { body.setAttribute("data-probe-" + k.toLowerCase(), out[k]); });
        });
        """

    /// The value of `data-probe-NAME` in a dumped DOM (entities of the attribute decoded).
    static func probe(_ dom: String, _ name: String) -> String? {
        guard let start = dom.range(of: "data-probe-\(name)=\"") else { return nil }
        let rest = dom[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return HTMLEntities.decode(String(rest[..<end]), inAttribute: true)
    }

    /// Runs Chromium on a URL; returns the DOM once `budget` ms of virtual time passed, and the
    /// URLs it requested.
    static func dumpDOM(_ url: String, scratch: URL, window: String = "1200,800", budget: Int = 3000) throws -> (
        dom: String, requests: [String]
    ) {
        let netlog = scratch.appendingPathComponent("netlog-\(UUID().uuidString).json")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium!)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            // Nothing may leave the machine, not even Chromium's own update checks.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
            "--disable-sync", "--disable-default-apps", "--user-data-dir=\(scratch.path)/profile",
            "--log-net-log=\(netlog.path)", "--virtual-time-budget=\(budget)", "--window-size=\(window)", "--dump-dom",
            url
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
        #expect(
            searchDOM.contains(
                "<a href=\"./b.html#music-room\">Zebra page <span class=\"section\">› Music room</span></a>"
                    + "<div class=\"snippet\">The word <mark>xylophone</mark> appears only here. x = nope</div>"
            ),
            "search finds the section with the word, the word marked")
        let results =
            searchDOM.components(separatedBy: "id=\"search-results\"").last?
            .components(separatedBy: "<div class=\"layout\">").first ?? ""
        #expect(results.components(separatedBy: "<li>").count == 2, "one result: \(results)")

        let (failing, _) = try BrowserTests.dumpDOM(
            "file://" + site.appendingPathComponent("b.html").path, scratch: scratch)
        #expect(failing.contains("error: unknown name"), "the failing block's error is on its page")

        // A reader's session on the long page (with the probe script added beside its own).
        let page = try String(contentsOf: site.appendingPathComponent("c.html"), encoding: .utf8)
        try page.replacingOccurrences(of: "</body>", with: "<script src=\"probe.js\"></script>\n</body>")
            .write(to: site.appendingPathComponent("probe.html"), atomically: true, encoding: .utf8)
        try BrowserTests.probeScript.write(
            to: site.appendingPathComponent("probe.js"), atomically: true, encoding: .utf8)
        let (probed, _) = try BrowserTests.dumpDOM(
            "file://" + site.appendingPathComponent("probe.html").path, scratch: scratch)
        let p = { BrowserTests.probe(probed, $0) ?? "(missing)" }
        #expect(p("light") == "rgb(255, 255, 255)", "the toggle's first step is light")
        #expect(p("dark") == "rgb(13, 17, 23)", "and its second dark")
        #expect(p("label") == "Theme: dark" && p("stored") == "dark", "the choice is shown and remembered")
        #expect(p("slashfocus") == "search", "/ focuses the search box")
        #expect(p("results").contains("<mark>xylophone</mark>"), "a word one edit away is found: \(p("results"))")
        #expect(p("arrowfocus") == "./b.html#music-room", "↓ moves to the first result")
        #expect(p("escapehidden") == "true", "Esc closes the results")
        #expect(p("sidebar") == "block" && p("menu") == "none", "on a desktop the sidebar shows, with no menu button")
        // The phone layout is checked at a true 390 px viewport by BrowserPhoneTests.
        for id in ["far-section", "block-late"] {
            let numbers = p(id).split(separator: " ").compactMap { Double($0) }
            #expect(numbers.count == 2, "\(id): \(p(id))")
            if numbers.count == 2 {
                #expect(numbers[1] > 0, "\(id): the page scrolled")
                #expect(numbers[0] >= 0, "\(id) lands below the sticky header (\(numbers[0]) px)")
            }
        }
    }
}
