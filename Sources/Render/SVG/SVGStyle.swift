import Language

/// Shared look: fonts, palette, sizes, and the CSS that switches text colour in dark mode.
enum SVGStyle {
    static let fontFamily = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"
    /// Text and axes take `currentColor`: the page's text colour (`--fg`) when the figure is
    /// inlined in the site, so it follows the page's theme however that is chosen; else dark
    /// grey, or light grey under a dark colour scheme. The NaN grey darkens in dark mode.
    static let css =
        ".tg-fig{color:var(--fg,#222)}"
        + "@media (prefers-color-scheme:dark){.tg-fig{color:var(--fg,#ddd)}.tg-fig .tg-nan{fill:#555}}"
    /// `css` and the figure's least displayed width (`SVGFigure.minimumDisplayWidth`) for its
    /// class `tg-min-N`. A figure's style applies to the whole page it is inlined in, so the
    /// class names the width: every figure with it wants the same. `:not(svg)>` keeps it to a
    /// figure inside a page: the root of a standalone file (or an `<img>`) has no parent element.
    static func css(minimumWidth: Int) -> String {
        css + ":not(svg)>.tg-min-\(minimumWidth){min-width:\(minimumWidth)px}"
    }
    /// The series colours (`SeriesStyle.palette`: Okabe & Ito's hues, each with at least 3:1
    /// contrast against the light and the dark page).
    static let palette = SeriesStyle.palette.map(\.hex)
    /// `stroke-dasharray` of each line style (nil: solid).
    static func dashArray(_ dash: SeriesStyle.Dash) -> String? {
        switch dash {
        case .solid: nil
        case .dashed: "6 4"
        case .dotted: "0.5 4"
        }
    }
    static let nanGrey = "#d9d9d9"
    static let tickFont = 11.0
    static let titleFont = 14.0
    /// A power of ten's exponent (`10⁻³`): a superscript, yet no smaller than `minimumTextSize`
    /// when the figure is drawn at its own size.
    static let exponentFont = 10.0
    /// The smallest text a reader is shown, in CSS pixels: a figure's `min-width` keeps its
    /// smallest font at least this large (`SVGFigure.minimumDisplayWidth`).
    static let minimumTextSize = 10.0

    /// A rough width of `text` in pixels at `size` (no font metrics: 0.6 em a character,
    /// generous for digits and most Latin text; 1 em for a wide East Asian character or emoji).
    static func textWidth(_ text: String, size: Double = 12) -> Double {
        text.reduce(0) { $0 + (isWide($1) ? 1 : 0.6) } * size
    }

    /// Whether `c` is drawn about one em wide (CJK, Hangul, full-width forms, emoji).
    static func isWide(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        let ranges: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
            0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD
        ]
        return ranges.contains { $0.contains(v) }
    }

    /// The width of a tick label, a superscript exponent counting at its own size.
    static func textWidth(_ tick: Axis.Tick) -> Double {
        textWidth(tick.label, size: tickFont) + (tick.exponent.map { textWidth($0, size: exponentFont) } ?? 0)
    }

    /// The markup of a tick label: `10<tspan …>−3</tspan>` for a power of ten.
    static func tickMarkup(_ tick: Axis.Tick) -> String {
        var s = SVGWriter.escape(tick.label)
        if let e = tick.exponent {
            s +=
                "<tspan dy=\"-0.45em\" font-size=\"\(SVGWriter.number(exponentFont))\">" + SVGWriter.escape(e)
                + "</tspan>"
        }
        return s
    }

    /// The title, centred across the figure and cut to fit its width.
    static func drawTitle(_ title: String?, width: Double, into w: inout SVGWriter) {
        guard let title = SVGFigure.nonEmpty(title) else { return }
        let fits = max(Int((width - 16) / (titleFont * 0.6)), 8)
        w.element(
            "text",
            [
                ("class", "tg-title"), ("x", SVGWriter.number(width / 2)), ("y", "21"),
                ("text-anchor", "middle"), ("font-size", SVGWriter.number(titleFont)),
                ("font-weight", "600"), ("fill", "currentColor")
            ],
            content: SVGWriter.truncate(title, to: fits))
    }
}
