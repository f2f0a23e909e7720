import Foundation
import Language
import NTKCore

/// Draws a `Figure` as a standalone SVG document: no script, no external resource, and the same
/// bytes for the same figure, so it can be inlined in the HTML site or saved next to a notebook.
///
/// Text and axes use `currentColor`, set by a `<style>` block that follows
/// `prefers-color-scheme`, so the figure reads on light and dark pages. What the drawing leaves
/// out (points a log axis cannot show, non-finite values, downsampling) is said in `<desc>`.
package enum SVGFigure {
    /// Whether `text` can be an SVG this enum drew: a standalone `<svg>` document made only of the
    /// elements it writes, with no event handler or link attribute, no resource but its own clip
    /// paths (`url(#…)`), and a style block without imports. Figure files sit in the repository
    /// beside the notebook, so `export` checks one before copying it into a Jupyter notebook (a
    /// student's pull request could have replaced it). Text between tags is not examined: the
    /// writer escapes it, so a `<` there starts a tag, which is checked.
    package static func isDrawnFigure(_ text: String) -> Bool {
        guard text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), text.utf8.count <= 32 << 20 else {
            return false
        }
        let elements: Set<String> = [
            "svg", "g", "title", "desc", "style", "rect", "line", "path", "circle", "text", "tspan", "clippath"
        ]
        func safeValue(_ v: Substring) -> Bool {
            let lower = v.lowercased()
            if lower.contains("javascript:") || lower.contains("@import") { return false }
            var rest = lower[...]
            while let r = rest.range(of: "url(") {
                if !rest[r.upperBound...].hasPrefix("#") { return false }
                rest = rest[r.upperBound...]
            }
            return true
        }
        var rest = text[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return false }
            var tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let closing = tag.hasPrefix("/")
            if closing { tag = tag.dropFirst() }
            let name = tag.prefix { !$0.isWhitespace && $0 != "/" }.lowercased()
            guard elements.contains(name) else { return false }
            // The style block's text (up to `</style>`) is CSS: no import, no outside resource.
            if name == "style", !closing, !tag.hasSuffix("/") {
                guard let end = rest.range(of: "</style>"), safeValue(rest[..<end.lowerBound]) else { return false }
            }
            // Attributes: name="value" pairs.
            var attributes = tag.dropFirst(name.count)
            while true {
                attributes = attributes.drop { $0.isWhitespace || $0 == "/" }
                if attributes.isEmpty { break }
                let attribute = attributes.prefix { $0 != "=" && !$0.isWhitespace }.lowercased()
                if attribute.hasPrefix("on") || attribute.contains("href") { return false }
                attributes = attributes.dropFirst(attribute.count).drop(while: \.isWhitespace)
                guard attributes.first == "=" else { return false }
                attributes = attributes.dropFirst().drop(while: \.isWhitespace)
                guard let quote = attributes.first, quote == "\"" || quote == "'" else { return false }
                attributes = attributes.dropFirst()
                guard let endQuote = attributes.firstIndex(of: quote) else { return false }
                guard safeValue(attributes[..<endQuote]) else { return false }
                attributes = attributes[attributes.index(after: endQuote)...]
            }
        }
        return true
    }

    /// The thumbnail heatmap of a large matrix that `show` gives (in the site, and linked from
    /// the regions `update` writes): 320 × 260.
    package static func matrixHeatmap(_ m: Matrix) -> String {
        var heat = Figure()
        heat.heatmap = m
        return render(heat, width: 320, height: 260)
    }

    /// A standalone SVG document for the figure (width × height in CSS pixels; taller when its
    /// legend goes below the plot). Its caption is not drawn inside; callers put it in
    /// `<figcaption>`.
    package static func render(_ figure: Figure, width: Int = 640, height: Int = 400) -> String {
        let width = max(width, 200)
        var height = max(height, 150)
        var body = SVGWriter()
        let notes: [String]
        if let matrix = figure.heatmap {
            notes = HeatmapPlot(figure: figure, matrix: matrix, width: Double(width), height: Double(height)).draw(
                into: &body)
        } else {
            let drawn = SeriesPlot(figure: figure, width: Double(width), height: Double(height)).draw(into: &body)
            notes = drawn.notes
            // A legend below the plot makes the figure taller.
            height = Int(drawn.height.rounded(.up))
        }
        let name = nonEmpty(figure.title) ?? (figure.heatmap != nil ? "Heatmap" : "Plot")
        let minimum = minimumDisplayWidth(width: width, drawing: body.text)
        var svg = SVGWriter()
        svg.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("width", String(width)), ("height", String(height)),
                ("viewBox", "0 0 \(width) \(height)"),
                ("role", "img"), ("aria-label", name), ("class", "tg-fig tg-min-\(minimum)"),
                ("font-family", SVGStyle.fontFamily), ("font-size", "12")
            ])
        svg.element("title", content: name)
        svg.element("desc", content: ([figure.summary] + notes).joined(separator: ". ") + ".")
        svg.raw("<style>" + SVGStyle.css(minimumWidth: minimum) + "</style>\n")
        svg.raw(body.text)
        svg.close("svg")
        return svg.text
    }

    /// The narrowest the figure may be shown (CSS `min-width`, in pixels) so that its smallest
    /// text stays `SVGStyle.minimumTextSize` on screen: a page scaling it down to fit a phone
    /// (`max-width: 100%`) stops there, and the figure's box scrolls sideways instead. It is set by
    /// the figure's own stylesheet through a class naming the width (`SVGStyle.css(minimumWidth:)`),
    /// not a `style` attribute: a page holds no inline style.
    static func minimumDisplayWidth(width: Int, drawing: String) -> Int {
        var smallest = 12.0  // the root's font-size, for text that sets none
        var rest = Substring(drawing)
        while let r = rest.range(of: "font-size=\"") {
            rest = rest[r.upperBound...]
            if let end = rest.firstIndex(of: "\""), let size = Double(rest[..<end]), size > 0 {
                smallest = min(smallest, size)
            }
        }
        return Int((Double(width) * SVGStyle.minimumTextSize / smallest).rounded(.up))
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }
}
