import Language

/// Shared look: fonts, palette, sizes, and the CSS that switches text colour in dark mode.
enum SVGStyle {
    static let fontFamily = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"
    /// Text and axes take `currentColor`; the NaN grey darkens in dark mode.
    static let css =
        ".tg-fig{color:#222}"
        + "@media (prefers-color-scheme:dark){.tg-fig{color:#ddd}.tg-fig .tg-nan{fill:#555}}"
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

    /// A rough width of `text` in pixels at `size` (no font metrics: 0.6 em a character,
    /// generous for digits and most Latin text).
    static func textWidth(_ text: String, size: Double = 12) -> Double {
        Double(text.count) * size * 0.6
    }

    /// The width of a tick label, a superscript exponent counting at 0.75 size.
    static func textWidth(_ tick: Axis.Tick) -> Double {
        textWidth(tick.label, size: tickFont) + (tick.exponent.map { textWidth($0, size: tickFont * 0.75) } ?? 0)
    }

    /// The markup of a tick label: `10<tspan …>−3</tspan>` for a power of ten.
    static func tickMarkup(_ tick: Axis.Tick) -> String {
        var s = SVGWriter.escape(tick.label)
        if let e = tick.exponent {
            s +=
                "<tspan dy=\"-0.45em\" font-size=\"\(SVGWriter.number(tickFont * 0.75))\">" + SVGWriter.escape(e)
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
