import Foundation
import Testing

@testable import Language
@testable import Render

/// WCAG 2.1 contrast of the site's colours, read from the stylesheet the site ships
/// (`SiteAssets.stylesheet`) and the figures' palette, in the light and the dark theme: text at
/// least 4.5:1 on every background it is drawn on, each series colour at least 3:1 on the
/// figure's background (the page's). LanguageTests' `namedColoursKeepTheirContrastOnBothPages`
/// checks the palette against `SeriesStyle.backgrounds`; this ties those to the CSS.
@Suite struct SiteContrastTests {
    /// The custom properties (`--name: #rrggbb`) of the first rule whose selector is `selector`.
    static func variables(after selector: String) throws -> [String: String] {
        let css = SiteAssets.stylesheet
        let start = try #require(css.range(of: selector + " {"), "no rule \(selector)")
        let body = css[start.upperBound...].prefix { $0 != "}" }
        var out: [String: String] = [:]
        for m in body.matches(of: /--([a-z-]+):\s*(#[0-9a-fA-F]{6});/) {
            out[String(m.output.1)] = String(m.output.2).lowercased()
        }
        return out
    }

    static func light() throws -> [String: String] { try variables(after: ":root") }
    static func dark() throws -> [String: String] { try variables(after: ":root[data-theme=\"dark\"]") }

    /// `color-mix(in srgb, top p, transparent)` drawn over `base`: p·top + (1 − p)·base per channel.
    static func over(_ top: String, _ p: Double, _ base: String) -> String {
        func channels(_ hex: String) -> [Double] {
            let d = Array(hex.dropFirst())
            return (0..<3).map { Double(Int(String(d[2 * $0...2 * $0 + 1]), radix: 16) ?? 0) }
        }
        let mixed = zip(channels(top), channels(base)).map { Int(($0 * p + $1 * (1 - p)).rounded()) }
        return "#" + mixed.map { String(format: "%02x", $0) }.joined()
    }

    @Test func theDarkThemeIsTheSameWhetherChosenOrAutomatic() throws {
        let automatic = try SiteContrastTests.variables(after: ":root:not([data-theme=\"light\"])")
        #expect(try automatic == SiteContrastTests.dark())
        #expect(try SiteContrastTests.light().count >= 16, "the light theme's colours were read")
    }

    @Test func theFiguresPaletteIsReadableOnBothPages() throws {
        let light = try SiteContrastTests.light()
        let dark = try SiteContrastTests.dark()
        // The backgrounds the palette was chosen for are the site's.
        #expect(SeriesStyle.backgrounds.light == light["bg"])
        #expect(SeriesStyle.backgrounds.dark == dark["bg"])
        for (name, theme) in [("light", light), ("dark", dark)] {
            let bg = try #require(theme["bg"])
            for colour in SVGStyle.palette {
                let ratio = SeriesStyle.contrast(colour, bg)
                #expect(ratio >= 3, "series \(colour) on the \(name) page: \(ratio)")
            }
            // A figure's text and axes are `currentColor`, the page's text colour.
            let fg = try #require(theme["fg"])
            #expect(SeriesStyle.contrast(fg, bg) >= 4.5, "figure text on the \(name) page")
        }
        // A figure saved as a file falls back to its own greys.
        #expect(SeriesStyle.contrast("#222222", "#ffffff") >= 4.5)
        #expect(try SeriesStyle.contrast("#dddddd", #require(dark["bg"])) >= 4.5)
    }

    @Test func textIsReadableOnEveryBackgroundItIsDrawnOn() throws {
        for (name, t) in [("light", try SiteContrastTests.light()), ("dark", try SiteContrastTests.dark())] {
            func c(_ k: String) throws -> String { try #require(t[k], "\(name): no --\(k)") }
            let status = ["fg", "muted", "accent", "ok", "bad", "skip"]
            let tokens = ["fg", "tok-keyword", "tok-builtin", "tok-number", "tok-string", "tok-comment", "tok-op"]
            // Where each colour of text is drawn: the page, the header and block heads, code, an
            // error box (8% of --bad over the page), an expected error (8% of --skip), and a
            // search match (30% of --skip over the results' panel).
            let pairs: [(background: String, where: String, texts: [String])] = [
                (try c("bg"), "page", status),
                (try c("panel"), "panel", status),
                (try c("code-bg"), "code", tokens),
                (SiteContrastTests.over(try c("bad"), 0.08, try c("bg")), "error box", ["fg", "muted", "accent"]),
                (SiteContrastTests.over(try c("skip"), 0.08, try c("bg")), "expected error", ["fg", "skip"]),
                (SiteContrastTests.over(try c("skip"), 0.30, try c("panel")), "search match", ["fg"])
            ]
            for (background, place, texts) in pairs {
                for k in texts {
                    let ratio = SeriesStyle.contrast(try c(k), background)
                    #expect(ratio >= 4.5, "\(name): --\(k) on the \(place) (\(background)): \(ratio)")
                }
            }
        }
    }

    /// The mixing above is the one browsers do: half of black over white is mid grey.
    @Test func mixingOverABackground() {
        #expect(SiteContrastTests.over("#000000", 0.5, "#ffffff") == "#808080")
        #expect(SiteContrastTests.over("#cf222e", 0, "#0d1117") == "#0d1117")
    }
}
