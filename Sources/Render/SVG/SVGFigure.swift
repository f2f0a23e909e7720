import Foundation
import Language
import NTKCore

/// Draws a `Figure` as a standalone SVG document: no script, no external resource, and the same
/// bytes for the same figure, so it can be inlined in the HTML site or saved next to a notebook.
///
/// Text and axes use `currentColor`, set by a `<style>` block that follows
/// `prefers-color-scheme`, so the figure reads on light and dark pages. What the drawing leaves
/// out (points a log axis cannot show, non-finite values, downsampling) is said in `<desc>`.
public enum SVGFigure {
    /// A standalone SVG document for the figure (width × height in CSS pixels). `caption`
    /// (from `show …, "caption"`) is not drawn inside; callers put it in `<figcaption>`.
    public static func render(_ figure: Figure, width: Int = 640, height: Int = 400) -> String {
        let width = max(width, 200), height = max(height, 150)
        var body = SVGWriter()
        let notes: [String]
        if let matrix = figure.heatmap {
            notes = HeatmapPlot(figure: figure, matrix: matrix, width: Double(width), height: Double(height)).draw(into: &body)
        } else {
            notes = SeriesPlot(figure: figure, width: Double(width), height: Double(height)).draw(into: &body)
        }
        let name = nonEmpty(figure.title) ?? (figure.heatmap != nil ? "Heatmap" : "Plot")
        var svg = SVGWriter()
        svg.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", String(width)), ("height", String(height)),
            ("viewBox", "0 0 \(width) \(height)"),
            ("role", "img"), ("aria-label", name), ("class", "tg-fig"),
            ("font-family", SVGStyle.fontFamily), ("font-size", "12"),
        ])
        svg.element("title", content: name)
        svg.element("desc", content: ([figure.summary] + notes).joined(separator: ". ") + ".")
        svg.raw("<style>" + SVGStyle.css + "</style>\n")
        svg.raw(body.text)
        svg.close("svg")
        return svg.text
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }
}

/// Shared look: fonts, palette, sizes, and the CSS that switches text colour in dark mode.
enum SVGStyle {
    static let fontFamily = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"
    /// Text and axes take `currentColor`; the NaN grey darkens in dark mode.
    static let css = ".tg-fig{color:#222}"
        + "@media (prefers-color-scheme:dark){.tg-fig{color:#ddd}.tg-fig .tg-nan{fill:#555}}"
    /// Okabe & Ito's colour-blind-safe palette, ordered so the first colours contrast most
    /// (yellow, weak on white, last; black left out, invisible in dark mode).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
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
            s += "<tspan dy=\"-0.45em\" font-size=\"\(SVGWriter.number(tickFont * 0.75))\">" + SVGWriter.escape(e) + "</tspan>"
        }
        return s
    }

    /// The title, centred across the figure and cut to fit its width.
    static func drawTitle(_ title: String?, width: Double, into w: inout SVGWriter) {
        guard let title = SVGFigure.nonEmpty(title) else { return }
        let fits = max(Int((width - 16) / (titleFont * 0.6)), 8)
        w.element("text", [("class", "tg-title"), ("x", SVGWriter.number(width / 2)), ("y", "21"),
                           ("text-anchor", "middle"), ("font-size", SVGWriter.number(titleFont)),
                           ("font-weight", "600"), ("fill", "currentColor")],
                  content: SVGWriter.truncate(title, to: fits))
    }
}

/// A rectangle in pixels (y grows downwards).
struct SVGRect: Equatable {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ px: Double, _ py: Double) -> Bool {
        px >= x && px <= maxX && py >= y && py <= maxY
    }

    func insetBy(_ d: Double) -> SVGRect {
        SVGRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }

    /// Whether the segment from (x0, y0) to (x1, y1) meets the rectangle (Liang–Barsky).
    func intersects(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Bool {
        var t0 = 0.0, t1 = 1.0
        let dx = x1 - x0, dy = y1 - y0
        for (p, q) in [(-dx, x0 - x), (dx, maxX - x0), (-dy, y0 - y), (dy, maxY - y0)] {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let r = q / p
                if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
                if t0 > t1 { return false }
            }
        }
        return true
    }
}

// MARK: - Line and scatter plots

/// Lays out and draws line and scatter series: nice-tick axes (linear or log), light grid,
/// one `<path>` per line (a subpath per unbroken run), one `<circle>` per scatter point, and
/// a legend in an empty corner of the plot, or beside it when no corner is free.
struct SeriesPlot {
    /// A series ready to draw: its valid points in runs broken at dropped values.
    struct Prepared {
        var kind: Figure.SeriesKind
        var label: String?
        var runs: [[(x: Double, y: Double)]]
        var color: String
        /// A second pass through the palette: dashed lines, hollow markers.
        var alternate: Bool
    }

    let figure: Figure
    let width: Double
    let height: Double

    static let rowHeight = 18.0
    static let markerRadius = 3.0

    func draw(into w: inout SVGWriter) -> [String] {
        var notes: [String] = []
        let series = prepare(&notes)

        // Data ranges.
        let points = series.flatMap { $0.runs.joined() }
        let xs = points.map(\.x), ys = points.map(\.y)
        if points.isEmpty { notes.append("no data to plot") }

        // Vertical layout, then the y axis (its labels set the left margin).
        let hasTitle = SVGFigure.nonEmpty(figure.title) != nil
        let top = hasTitle ? 34.0 : 14.0
        let bottom = 8 + 5 + 17 + (SVGFigure.nonEmpty(figure.xlabel) != nil ? 18.0 : 0)
        let plotHeight = height - top - bottom
        let yAxis = makeAxis(log: figure.logY, values: ys, maxTicks: min(8, max(2, Int(plotHeight / 30) + 1)))
        let yLabelWidth = yAxis.ticks.map(SVGStyle.textWidth).max() ?? 0
        let left = 10 + (SVGFigure.nonEmpty(figure.ylabel) != nil ? 20 : 0) + yLabelWidth + 9

        // Legend entries (as many as the plot's height holds, then "+k more") and size.
        var entries = series.filter { $0.label != nil }
        let room = max(1, Int((plotHeight - 8) / Self.rowHeight))
        let hiddenEntries = entries.count > room ? entries.count - (room - 1) : 0
        if hiddenEntries > 0 { entries = Array(entries.prefix(room - 1)) }
        let legendLabels = entries.map { SVGWriter.truncate($0.label ?? "", to: 32) }
            + (hiddenEntries > 0 ? ["+\(hiddenEntries) more"] : [])
        let legendSize = (width: 10 + 22 + 6 + (legendLabels.map { SVGStyle.textWidth($0) }.max() ?? 0) + 10,
                          height: 8 + Self.rowHeight * Double(legendLabels.count))

        // Horizontal layout: room on the right for half the last x label; the legend inside
        // if a corner is free, else to the right of the plot.
        var right = 20.0
        var plot = SVGRect(x: left, y: top, width: width - left - right, height: plotHeight)
        var xAxis = fittingXAxis(xs, plotWidth: plot.width)
        if let last = xAxis.ticks.last, SVGStyle.textWidth(last) / 2 + 6 > right {
            right = SVGStyle.textWidth(last) / 2 + 6
            plot.width = width - left - right
            xAxis = fittingXAxis(xs, plotWidth: plot.width)
        }
        var legendBox: SVGRect?
        if !legendLabels.isEmpty {
            let corners = cornerBoxes(plot, legendSize)
            let conflicts = corners.map { conflictCount(series, in: $0.insetBy(-Self.markerRadius - 1), plot: plot, x: xAxis, y: yAxis) }
            if let free = conflicts.firstIndex(of: 0) {
                legendBox = corners[free]
            } else if width - left - (legendSize.width + 16 + 12) >= width * 0.45 {
                right = max(right, legendSize.width + 16 + 12)
                plot.width = width - left - right
                xAxis = fittingXAxis(xs, plotWidth: plot.width)
                legendBox = SVGRect(x: plot.maxX + 16, y: plot.y, width: legendSize.width, height: legendSize.height)
            } else {
                legendBox = corners[conflicts.firstIndex(of: conflicts.min()!)!]
            }
        }

        // Data over the axis lines, so points on the frame stay whole; tick labels on top.
        drawGrid(plot, xAxis, yAxis, into: &w)
        drawAxes(plot, xAxis, yAxis, into: &w)
        drawSeries(series, plot, xAxis, yAxis, into: &w)
        drawTickLabels(plot, xAxis, yAxis, into: &w)
        SVGStyle.drawTitle(figure.title, width: width, into: &w)
        if let xlabel = SVGFigure.nonEmpty(figure.xlabel) {
            let fits = max(Int(plot.width / 7.2), 8)
            w.element("text", [("x", SVGWriter.number(plot.x + plot.width / 2)), ("y", SVGWriter.number(height - 9)),
                               ("text-anchor", "middle"), ("fill", "currentColor")],
                      content: SVGWriter.truncate(xlabel, to: fits))
        }
        if let ylabel = SVGFigure.nonEmpty(figure.ylabel) {
            let cx = 16.0, cy = plot.y + plot.height / 2
            let fits = max(Int(plot.height / 7.2), 8)
            w.element("text", [("x", SVGWriter.number(cx)), ("y", SVGWriter.number(cy)),
                               ("transform", "rotate(-90 \(SVGWriter.number(cx)) \(SVGWriter.number(cy)))"),
                               ("text-anchor", "middle"), ("dominant-baseline", "central"), ("fill", "currentColor")],
                      content: SVGWriter.truncate(ylabel, to: fits))
        }
        if let box = legendBox { drawLegend(entries, legendLabels, box, into: &w) }
        return notes
    }

    // MARK: Data

    /// Splits each series into runs of drawable points, counting what is dropped.
    private func prepare(_ notes: inout [String]) -> [Prepared] {
        var nonFinite = 0, nonPositiveX = 0, nonPositiveY = 0
        var result: [Prepared] = []
        for (index, s) in figure.series.enumerated() {
            if s.x.count != s.y.count {
                notes.append("series \(index + 1) has \(s.x.count) x and \(s.y.count) y values; the extra values are ignored")
            }
            var runs: [[(x: Double, y: Double)]] = [], run: [(x: Double, y: Double)] = []
            for i in 0..<min(s.x.count, s.y.count) {
                let x = s.x[i], y = s.y[i]
                var drawable = x.isFinite && y.isFinite
                if !drawable {
                    nonFinite += 1
                } else {
                    if figure.logX && x <= 0 { nonPositiveX += 1; drawable = false }
                    if figure.logY && y <= 0 { nonPositiveY += 1; drawable = false }
                }
                if drawable {
                    run.append((x, y))
                } else if !run.isEmpty {
                    runs.append(run)
                    run = []
                }
            }
            if !run.isEmpty { runs.append(run) }
            let palette = SVGStyle.palette
            result.append(Prepared(kind: s.kind, label: SVGFigure.nonEmpty(s.label), runs: runs,
                                   color: palette[index % palette.count],
                                   alternate: (index / palette.count) % 2 == 1))
        }
        if nonFinite > 0 { notes.append("\(nonFinite) point\(nonFinite == 1 ? "" : "s") with NaN or infinite values skipped") }
        if nonPositiveX > 0 { notes.append("\(nonPositiveX) non-positive x value\(nonPositiveX == 1 ? "" : "s") dropped (log scale)") }
        if nonPositiveY > 0 { notes.append("\(nonPositiveY) non-positive y value\(nonPositiveY == 1 ? "" : "s") dropped (log scale)") }
        return result
    }

    private func makeAxis(log: Bool, values: [Double], maxTicks: Int) -> Axis {
        let lo = values.min() ?? (log ? 1 : 0), hi = values.max() ?? (log ? 10 : 1)
        return log ? Axis.log(lo, hi, maxTicks: maxTicks) : Axis.linear(lo, hi, maxTicks: maxTicks)
    }

    /// The x axis with the most ticks (up to 8) whose labels do not run into each other.
    private func fittingXAxis(_ xs: [Double], plotWidth: Double) -> Axis {
        var axis = makeAxis(log: figure.logX, values: xs, maxTicks: 8)
        for maxTicks in stride(from: 8, through: 2, by: -1) {
            axis = makeAxis(log: figure.logX, values: xs, maxTicks: maxTicks)
            let widest = axis.ticks.map(SVGStyle.textWidth).max() ?? 0
            let gap = axis.ticks.count > 1 ? plotWidth / Double(axis.ticks.count - 1) : plotWidth
            if gap >= widest + 10 { break }
        }
        return axis
    }

    // MARK: Legend placement

    /// Legend boxes in the corners of the plot, in order of preference.
    private func cornerBoxes(_ plot: SVGRect, _ size: (width: Double, height: Double)) -> [SVGRect] {
        let inset = 8.0
        let xs = [plot.maxX - inset - size.width, plot.x + inset]
        let ys = [plot.y + inset, plot.maxY - inset - size.height]
        return [(0, 0), (1, 0), (0, 1), (1, 1)].map { SVGRect(x: xs[$0.0], y: ys[$0.1], width: size.width, height: size.height) }
    }

    /// How many points and line segments would lie under `box`.
    private func conflictCount(_ series: [Prepared], in box: SVGRect, plot: SVGRect, x: Axis, y: Axis) -> Int {
        var count = 0
        for s in series {
            for run in s.runs {
                let pixels = run.map { pixel($0, plot, x, y) }
                for (i, p) in pixels.enumerated() {
                    if box.contains(p.x, p.y) { count += 1 }
                    if s.kind == .line && i > 0 && box.intersects(pixels[i - 1].x, pixels[i - 1].y, p.x, p.y) { count += 1 }
                }
            }
        }
        return count
    }

    private func pixel(_ p: (x: Double, y: Double), _ plot: SVGRect, _ x: Axis, _ y: Axis) -> (x: Double, y: Double) {
        (plot.x + x.fraction(p.x) * plot.width, plot.maxY - y.fraction(p.y) * plot.height)
    }

    // MARK: Drawing

    private func drawGrid(_ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        w.open("g", [("class", "tg-grid"), ("stroke", "currentColor"), ("stroke-opacity", "0.12"), ("stroke-width", "1")])
        for t in x.ticks {
            let px = SVGWriter.number(plot.x + x.fraction(t.value) * plot.width)
            w.element("line", [("x1", px), ("y1", SVGWriter.number(plot.y)), ("x2", px), ("y2", SVGWriter.number(plot.maxY))])
        }
        for t in y.ticks {
            let py = SVGWriter.number(plot.maxY - y.fraction(t.value) * plot.height)
            w.element("line", [("x1", SVGWriter.number(plot.x)), ("y1", py), ("x2", SVGWriter.number(plot.maxX)), ("y2", py)])
        }
        w.close("g")
    }

    private func drawSeries(_ series: [Prepared], _ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        w.open("g", [("class", "tg-data")])
        for s in series where !s.runs.isEmpty {
            switch s.kind {
            case .line:
                var d = ""
                for run in s.runs {
                    let pixels = run.map { pixel($0, plot, x, y) }
                    for (i, p) in pixels.enumerated() {
                        d += (i == 0 ? "M" : "L") + SVGWriter.number(p.x) + "," + SVGWriter.number(p.y)
                    }
                    // A lone point is a zero-length subpath: its round cap draws a dot.
                    if pixels.count == 1 { d += "L" + SVGWriter.number(pixels[0].x) + "," + SVGWriter.number(pixels[0].y) }
                }
                var attributes: SVGWriter.Attributes = [("d", d), ("fill", "none"), ("stroke", s.color), ("stroke-width", "1.75"),
                                                        ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
                if s.alternate { attributes.append(("stroke-dasharray", "6 4")) }
                w.element("path", attributes)
            case .scatter:
                w.open("g", s.alternate
                       ? [("fill", "none"), ("stroke", s.color), ("stroke-width", "1.25")]
                       : [("fill", s.color), ("fill-opacity", "0.85")])
                for p in s.runs.joined() {
                    let q = pixel(p, plot, x, y)
                    w.element("circle", [("cx", SVGWriter.number(q.x)), ("cy", SVGWriter.number(q.y)), ("r", SVGWriter.number(Self.markerRadius))])
                }
                w.close("g")
            }
        }
        w.close("g")
    }

    private func drawAxes(_ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        let n = SVGWriter.number
        w.open("g", [("class", "tg-axes"), ("stroke", "currentColor"), ("stroke-width", "1"), ("fill", "none")])
        w.element("line", [("x1", n(plot.x)), ("y1", n(plot.y)), ("x2", n(plot.x)), ("y2", n(plot.maxY))])
        w.element("line", [("x1", n(plot.x)), ("y1", n(plot.maxY)), ("x2", n(plot.maxX)), ("y2", n(plot.maxY))])
        for (values, length) in [(x.ticks.map(\.value), 5.0), (x.minorTicks, 3.0)] {
            for v in values {
                let px = n(plot.x + x.fraction(v) * plot.width)
                w.element("line", [("x1", px), ("y1", n(plot.maxY)), ("x2", px), ("y2", n(plot.maxY + length))])
            }
        }
        for (values, length) in [(y.ticks.map(\.value), 5.0), (y.minorTicks, 3.0)] {
            for v in values {
                let py = n(plot.maxY - y.fraction(v) * plot.height)
                w.element("line", [("x1", n(plot.x - length)), ("y1", py), ("x2", n(plot.x)), ("y2", py)])
            }
        }
        w.close("g")
    }

    private func drawTickLabels(_ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        let n = SVGWriter.number
        w.open("g", [("class", "tg-ticks"), ("fill", "currentColor"), ("font-size", n(SVGStyle.tickFont))])
        for t in x.ticks {
            let px = n(plot.x + x.fraction(t.value) * plot.width)
            w.raw("<text x=\"\(px)\" y=\"\(n(plot.maxY + 19))\" text-anchor=\"middle\">" + SVGStyle.tickMarkup(t) + "</text>\n")
        }
        for t in y.ticks {
            let py = n(plot.maxY - y.fraction(t.value) * plot.height + 4)
            w.raw("<text x=\"\(n(plot.x - 8))\" y=\"\(py)\" text-anchor=\"end\">" + SVGStyle.tickMarkup(t) + "</text>\n")
        }
        // Offsets ("+2000") at the far end of each axis.
        if let offset = x.offset {
            w.element("text", [("x", n(plot.maxX)), ("y", n(plot.maxY + 34)), ("text-anchor", "end")], content: offset)
        }
        if let offset = y.offset {
            w.element("text", [("x", n(plot.x)), ("y", n(plot.y - 7)), ("text-anchor", "start")], content: offset)
        }
        w.close("g")
    }

    private func drawLegend(_ entries: [Prepared], _ labels: [String], _ box: SVGRect, into w: inout SVGWriter) {
        let n = SVGWriter.number
        w.open("g", [("class", "tg-legend")])
        w.element("rect", [("x", n(box.x)), ("y", n(box.y)), ("width", n(box.width)), ("height", n(box.height)),
                           ("rx", "3"), ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.25")])
        for (i, (s, label)) in zip(entries, labels).enumerated() {
            let cy = box.y + 4 + Self.rowHeight * (Double(i) + 0.5)
            let x0 = box.x + 10
            switch s.kind {
            case .line:
                var attributes: SVGWriter.Attributes = [("x1", n(x0)), ("y1", n(cy)), ("x2", n(x0 + 22)), ("y2", n(cy)),
                                                        ("stroke", s.color), ("stroke-width", "1.75"), ("stroke-linecap", "round")]
                if s.alternate { attributes.append(("stroke-dasharray", "6 4")) }
                w.element("line", attributes)
            case .scatter:
                var attributes: SVGWriter.Attributes = [("cx", n(x0 + 11)), ("cy", n(cy)), ("r", "3.5")]
                attributes += s.alternate ? [("fill", "none"), ("stroke", s.color), ("stroke-width", "1.25")] : [("fill", s.color)]
                w.element("circle", attributes)
            }
            w.element("text", [("x", n(x0 + 28)), ("y", n(cy + 4)), ("fill", "currentColor")], content: label)
        }
        // "+k more" when not all entries fit.
        if labels.count > entries.count, let more = labels.last {
            let cy = box.y + 4 + Self.rowHeight * (Double(entries.count) + 0.5)
            w.element("text", [("x", n(box.x + 38)), ("y", n(cy + 4)), ("fill", "currentColor"), ("fill-opacity", "0.7")], content: more)
        }
        w.close("g")
    }
}

// MARK: - Heatmaps

/// Lays out and draws a matrix as a heatmap: one `<rect>` per cell (block averages when the
/// matrix is larger than `maxCells` a side), viridis colours, NaN in grey, 0-based row and
/// column indices, and a colour bar with nice ticks.
struct HeatmapPlot {
    let figure: Figure
    let matrix: Matrix
    let width: Double
    let height: Double

    static let maxCells = 100
    static let colorBarWidth = 14.0
    static let colorBarSteps = 128

    /// The matrix averaged over blocks of `rowBlock` × `colBlock` entries so that neither side
    /// exceeds `maxCells`; NaN and infinite entries are left out of a block's mean (a block
    /// with no finite entry keeps its first entry).
    static func downsample(_ m: Matrix, maxCells: Int = maxCells) -> (values: Matrix, rowBlock: Int, colBlock: Int) {
        let rowBlock = max(1, (m.rows + maxCells - 1) / maxCells), colBlock = max(1, (m.cols + maxCells - 1) / maxCells)
        if rowBlock == 1 && colBlock == 1 { return (m, 1, 1) }
        let rows = (m.rows + rowBlock - 1) / rowBlock, cols = (m.cols + colBlock - 1) / colBlock
        let values = Matrix(rows: rows, cols: cols) { bi, bj in
            var sum = 0.0, count = 0
            for i in (bi * rowBlock)..<min((bi + 1) * rowBlock, m.rows) {
                for j in (bj * colBlock)..<min((bj + 1) * colBlock, m.cols) where m[i, j].isFinite {
                    sum += m[i, j]
                    count += 1
                }
            }
            return count > 0 ? sum / Double(count) : m[bi * rowBlock, bj * colBlock]
        }
        return (values, rowBlock, colBlock)
    }

    func draw(into w: inout SVGWriter) -> [String] {
        let n = SVGWriter.number
        var notes: [String] = []
        guard matrix.rows > 0 && matrix.cols > 0 else {
            SVGStyle.drawTitle(figure.title, width: width, into: &w)
            return ["empty \(matrix.rows)×\(matrix.cols) matrix"]
        }
        let (cells, rowBlock, colBlock) = Self.downsample(matrix)
        if rowBlock > 1 || colBlock > 1 {
            notes.append("the \(matrix.rows)×\(matrix.cols) matrix is drawn as \(cells.rows)×\(cells.cols) cells, "
                         + "each the mean of a \(rowBlock)×\(colBlock) block")
        }
        let finite = cells.storage.filter(\.isFinite)
        let nanCount = cells.storage.filter(\.isNaN).count
        if nanCount > 0 { notes.append("\(nanCount) NaN cell\(nanCount == 1 ? "" : "s") drawn in grey") }
        if finite.isEmpty { notes.append("no finite values") }
        let vmin = finite.min() ?? 0, vmax = finite.max() ?? 0

        // Ticks first: their labels set the margins.
        let barTicks = finite.isEmpty ? [] : Axis.innerTicks(vmin, vmax, maxTicks: 6)
        let barLabelWidth = barTicks.map(SVGStyle.textWidth).max() ?? 0
        let rowLabels = Axis.innerTicks(0, Double(matrix.rows - 1), maxTicks: 10, integers: true)
        let rowLabelWidth = rowLabels.map(SVGStyle.textWidth).max() ?? 0
        let top = SVGFigure.nonEmpty(figure.title) != nil ? 34.0 : 14.0
        let bottom = 8 + 5 + 17 + 18.0
        let left = 10 + 20 + rowLabelWidth + 9
        let rightBlock = 18 + Self.colorBarWidth + 8 + barLabelWidth + 10
        let available = (width: width - left - rightBlock, height: height - top - bottom)

        // Square entries unless the matrix is very elongated.
        var area = SVGRect(x: left, y: top, width: available.width, height: available.height)
        let ratio = Double(matrix.rows) / Double(matrix.cols)
        if ratio >= 0.25 && ratio <= 4 {
            let unit = min(available.width / Double(matrix.cols), available.height / Double(matrix.rows))
            area.width = unit * Double(matrix.cols)
            area.height = unit * Double(matrix.rows)
        }
        area.x = max(left, (width - (left + area.width + rightBlock)) / 2 + left)
        // Tick rows fit the heatmap's final height.
        let rowTicks = Axis.innerTicks(0, Double(matrix.rows - 1), maxTicks: min(10, max(2, Int(area.height / 22) + 1)), integers: true)
        var colTicks = Axis.innerTicks(0, Double(matrix.cols - 1), maxTicks: 10, integers: true)
        for maxTicks in stride(from: 10, through: 2, by: -1) {
            colTicks = Axis.innerTicks(0, Double(matrix.cols - 1), maxTicks: maxTicks, integers: true)
            let widest = colTicks.map(SVGStyle.textWidth).max() ?? 0
            let spacing = colTicks.count > 1 ? (colTicks[1].value - colTicks[0].value) / Double(matrix.cols) * area.width : area.width
            if spacing >= widest + 8 { break }
        }

        // Cells, in cell units scaled to pixels.
        let cellWidth = area.width / Double(cells.cols), cellHeight = area.height / Double(cells.rows)
        w.open("g", [("class", "tg-cells"), ("shape-rendering", "crispEdges"),
                     ("transform", "translate(\(n(area.x)) \(n(area.y))) scale(\(scale(cellWidth)) \(scale(cellHeight)))")])
        for i in 0..<cells.rows {
            for j in 0..<cells.cols {
                let v = cells[i, j]
                var attributes: SVGWriter.Attributes = [("x", String(j)), ("y", String(i)), ("width", "1"), ("height", "1")]
                if v.isNaN {
                    attributes += [("class", "tg-nan"), ("fill", SVGStyle.nanGrey)]
                } else {
                    attributes.append(("fill", Colormap.viridisHex(Self.position(v, vmin, vmax))))
                }
                w.element("rect", attributes)
            }
        }
        w.close("g")

        // Index ticks and labels (entry centres, in the original matrix's indices).
        w.open("g", [("class", "tg-axes"), ("stroke", "currentColor"), ("stroke-width", "1")])
        for t in rowTicks {
            let y = n(area.y + (t.value + 0.5) / Double(matrix.rows) * area.height)
            w.element("line", [("x1", n(area.x - 5)), ("y1", y), ("x2", n(area.x)), ("y2", y)])
        }
        for t in colTicks {
            let x = n(area.x + (t.value + 0.5) / Double(matrix.cols) * area.width)
            w.element("line", [("x1", x), ("y1", n(area.maxY)), ("x2", x), ("y2", n(area.maxY + 5))])
        }
        w.close("g")
        w.open("g", [("class", "tg-ticks"), ("fill", "currentColor"), ("font-size", n(SVGStyle.tickFont))])
        for t in rowTicks {
            let y = n(area.y + (t.value + 0.5) / Double(matrix.rows) * area.height + 4)
            w.raw("<text x=\"\(n(area.x - 8))\" y=\"\(y)\" text-anchor=\"end\">" + SVGStyle.tickMarkup(t) + "</text>\n")
        }
        for t in colTicks {
            let x = n(area.x + (t.value + 0.5) / Double(matrix.cols) * area.width)
            w.raw("<text x=\"\(x)\" y=\"\(n(area.maxY + 19))\" text-anchor=\"middle\">" + SVGStyle.tickMarkup(t) + "</text>\n")
        }
        w.close("g")

        // Axis titles.
        let xlabel = SVGFigure.nonEmpty(figure.xlabel) ?? "column", ylabel = SVGFigure.nonEmpty(figure.ylabel) ?? "row"
        w.element("text", [("x", n(area.x + area.width / 2)), ("y", n(area.maxY + 38)), ("text-anchor", "middle"), ("fill", "currentColor")],
                  content: SVGWriter.truncate(xlabel, to: max(Int(area.width / 7.2), 8)))
        let cx = area.x - 9 - rowLabelWidth - 12, cy = area.y + area.height / 2
        w.element("text", [("x", n(cx)), ("y", n(cy)), ("transform", "rotate(-90 \(n(cx)) \(n(cy)))"),
                           ("text-anchor", "middle"), ("fill", "currentColor")],
                  content: SVGWriter.truncate(ylabel, to: max(Int(area.height / 7.2), 8)))

        // Colour bar: strips from vmin (bottom) to vmax (top).
        let bar = SVGRect(x: area.maxX + 18, y: area.y, width: Self.colorBarWidth, height: area.height)
        let steps = Self.colorBarSteps
        w.open("g", [("class", "tg-colorbar"), ("shape-rendering", "crispEdges"),
                     ("transform", "translate(\(n(bar.x)) \(n(bar.maxY))) scale(\(n(bar.width)) \(scale(-bar.height / Double(steps))))")])
        for k in 0..<steps {
            w.element("rect", [("x", "0"), ("y", String(k)), ("width", "1"), ("height", "1"),
                               ("fill", Colormap.viridisHex((Double(k) + 0.5) / Double(steps)))])
        }
        w.close("g")
        w.element("rect", [("x", n(bar.x)), ("y", n(bar.y)), ("width", n(bar.width)), ("height", n(bar.height)),
                           ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.35")])
        w.open("g", [("class", "tg-colorbar-ticks"), ("fill", "currentColor"), ("stroke", "currentColor"), ("font-size", n(SVGStyle.tickFont))])
        for t in barTicks {
            let y = bar.maxY - Self.position(t.value, vmin, vmax) * bar.height
            w.element("line", [("x1", n(bar.maxX)), ("y1", n(y)), ("x2", n(bar.maxX + 5)), ("y2", n(y))])
            w.raw("<text x=\"\(n(bar.maxX + 8))\" y=\"\(n(y + 4))\" stroke=\"none\">" + SVGStyle.tickMarkup(t) + "</text>\n")
        }
        w.close("g")
        SVGStyle.drawTitle(figure.title, width: width, into: &w)
        return notes
    }

    /// Where `v` falls in [vmin, vmax] (0.5 for an all-equal matrix; infinities at the ends).
    static func position(_ v: Double, _ vmin: Double, _ vmax: Double) -> Double {
        if v == .infinity { return 1 }
        if v == -.infinity { return 0 }
        let span = vmax / 2 - vmin / 2
        return span > 0 ? min(max((v / 2 - vmin / 2) / span, 0), 1) : 0.5
    }

    /// A scale factor with four decimals (cells can be fractions of a pixel wide).
    private func scale(_ v: Double) -> String {
        SVGWriter.trimmedFixed(v, decimals: 4)
    }
}
