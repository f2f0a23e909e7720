import Foundation
import Testing

@testable import Render

/// A page as a 390 px phone shows it. Chromium's `--window-size=390,844` gives a wider layout
/// viewport than that (it clamps the window), so the page is held in a 390 × 844 `<iframe>` of
/// a harness page instead: media queries follow the frame's width. A probe in the frame measures
/// the page and posts what it saw to the harness, which writes it into its own DOM.
/// In `BrowserTests`' serialized suite, so one browser runs at a time.
extension BrowserTests {
    static let phoneHarness = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Phone</title></head>
        <body><iframe title="phone" src="phone-page.html" style="width:390px;height:844px;border:0"></iframe>
        <script src="phone-harness.js"></script></body></html>
        """

    static let phoneHarnessScript = """
        window.addEventListener("message", function (e) {
          Object.keys(e.data).forEach(function (k) { document.body.setAttribute("data-probe-" + k, String(e.data[k])); });
        });
        """

    /// In the frame: the viewport width, whether the sidebar waits behind the menu button and the
    /// button opens it, where the title ends, how far the page reaches past its width (and what reaches
    /// furthest outside a scrolling box), and the smallest SVG text as
    /// displayed (its font size × the scale its SVG is drawn at, from the screen CTM).
    static let phoneProbe = """
        window.addEventListener("load", function () {
          var out = {};
          out.innerwidth = window.innerWidth;
          var sidebar = document.getElementById("sidebar"), menu = document.getElementById("menu-toggle");
          out.sidebar = getComputedStyle(sidebar).display;
          out.menu = menu ? getComputedStyle(menu).display : "missing";
          var h1 = document.querySelector("h1");
          out.titlebottom = h1 ? h1.getBoundingClientRect().bottom : "no h1";
          // How far the page reaches past its viewport (the frame's vertical scroll bar takes 15 px).
          out.overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
          var widest = null, right = 0;
          function clipped(e) {
            for (var a = e.parentElement; a && a !== document.body; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== "visible") return true;
            }
            return false;
          }
          document.querySelectorAll("body *").forEach(function (e) {
            var r = e.getBoundingClientRect().right;
            if (clipped(e)) return;
            if (r > right) { right = r; widest = e; }
          });
          out.widest = widest ? widest.tagName.toLowerCase() + "#" + widest.id + "." + widest.className + " " + right : "";
          var count = 0, smallest = Infinity, which = "";
          document.querySelectorAll("svg text, svg tspan").forEach(function (t) {
            if (!t.textContent.trim()) return;
            var m = t.getScreenCTM();
            var shown = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
            count += 1;
            if (shown < smallest) { smallest = shown; which = t.textContent; }
          });
          out.svgtexts = count;
          out.scrollingfigures = Array.prototype.filter.call(document.querySelectorAll("figure"), function (f) {
            return f.scrollWidth > f.clientWidth + 1;
          }).length;
          out.smallesttext = smallest.toFixed(2) + " " + which;
          if (menu) menu.click();
          out.sidebaropen = getComputedStyle(sidebar).display + " " + (menu ? menu.getAttribute("aria-expanded") : "");
          parent.postMessage(out, "*");
        });
        """

    /// What the phone probe saw on `page` of `site`, in a frame `width` × `height` px.
    static func phoneProbe(site: URL, page: String, width: Int = 390, height: Int = 844) throws -> (String) -> String {
        let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
        try html.replacingOccurrences(of: "</body>", with: "<script src=\"phone-probe.js\"></script>\n</body>")
            .write(to: site.appendingPathComponent("phone-page.html"), atomically: true, encoding: .utf8)
        try phoneProbe.write(to: site.appendingPathComponent("phone-probe.js"), atomically: true, encoding: .utf8)
        try phoneHarness.replacingOccurrences(
            of: "width:390px;height:844px", with: "width:\(width)px;height:\(height)px"
        )
        .write(to: site.appendingPathComponent("phone.html"), atomically: true, encoding: .utf8)
        try phoneHarnessScript.write(
            to: site.appendingPathComponent("phone-harness.js"), atomically: true, encoding: .utf8)
        let (dom, _) = try dumpDOM(
            "file://" + site.appendingPathComponent("phone.html").path, scratch: site.deletingLastPathComponent(),
            window: "\(width + 100),\(height + 100)")
        return { probe(dom, $0) ?? "(missing)" }
    }

    @Test(
        .enabled(if: chromium != nil, "needs Debian's chromium (scripts/test.sh installs it)"),
        .enabled(if: KaTeXRenderer.isAvailable, "needs node and libjs-katex"))
    func aPhoneShowsTheTitleFirstAndFigureTextAtTenPixelsAndADesktopFitsFigures() throws {
        let site = try BrowserTests.accessibilitySite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        let q = try BrowserTests.phoneProbe(site: site, page: "t.html")
        #expect(q("innerwidth") == "390", "the page is laid out 390 px wide")
        #expect(q("sidebar") == "none" && q("menu") != "none", "the sidebar is behind the menu button")
        #expect(q("sidebaropen") == "block true", "the menu button opens it")
        #expect((Double(q("titlebottom")) ?? .infinity) < 844, "the title is in the first screen: \(q("titlebottom"))")
        #expect(q("overflow") == "0", "the page itself does not scroll sideways: \(q("overflow")) px (\(q("widest")))")
        // Three figures (lines, log axes, heatmap) and the large matrix's thumbnail: dozens of labels.
        #expect((Int(q("svgtexts")) ?? 0) > 30, "the figures' text was measured: \(q("svgtexts"))")
        let smallest = Double(q("smallesttext").split(separator: " ").first ?? "") ?? 0
        #expect(smallest >= 10 - 1e-9, "figure text is at least 10 px as displayed: \(q("smallesttext"))")
        #expect((Int(q("scrollingfigures")) ?? 0) > 0, "figures wider than the phone scroll in their box")

        // In a 1200 px window (a desktop's), the figures fit beside the outline, text at 10 px or more.
        let d = try BrowserTests.phoneProbe(site: site, page: "t.html", width: 1200, height: 800)
        #expect(d("innerwidth") == "1200" && d("sidebar") == "block")
        #expect(d("scrollingfigures") == "0" && d("overflow") == "0", "\(d("scrollingfigures")) figures scroll")
        let desktopSmallest = Double(d("smallesttext").split(separator: " ").first ?? "") ?? 0
        #expect(desktopSmallest >= 10 - 1e-9, "figure text on a desktop: \(d("smallesttext"))")
    }
}
