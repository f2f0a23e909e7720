import Language

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
        let points = series.flatMap { $0.runs.joined() }
        if points.isEmpty { notes.append("no data to plot") }
        let layout = layOut(series, xs: points.map(\.x), ys: points.map(\.y))

        // Data over the axis lines, so points on the frame stay whole; tick labels on top.
        drawGrid(layout.plot, layout.xAxis, layout.yAxis, into: &w)
        drawAxes(layout.plot, layout.xAxis, layout.yAxis, into: &w)
        drawSeries(series, layout.plot, layout.xAxis, layout.yAxis, into: &w)
        drawTickLabels(layout.plot, layout.xAxis, layout.yAxis, into: &w)
        SVGStyle.drawTitle(figure.title, width: width, into: &w)
        drawAxisTitles(layout.plot, into: &w)
        if let box = layout.legendBox {
            drawLegend(layout.legendEntries, layout.legendLabels, box, into: &w)
        }
        return notes
    }

    // MARK: Layout

    /// Where the plot goes, its axes, and its legend.
    struct Layout {
        var plot: SVGRect
        var xAxis: Axis
        var yAxis: Axis
        /// The labelled series the legend lists (as many as fit).
        var legendEntries: [Prepared]
        /// Their labels, cut to fit, and "+k more" when not all fit.
        var legendLabels: [String]
        var legendBox: SVGRect?
    }

    /// Margins from the axes' labels, then the legend: inside the plot if a corner is free,
    /// else to its right when the plot keeps enough width, else in the least crowded corner.
    private func layOut(_ series: [Prepared], xs: [Double], ys: [Double]) -> Layout {
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
        let legendLabels =
            entries.map { SVGWriter.truncate($0.label ?? "", to: 32) }
            + (hiddenEntries > 0 ? ["+\(hiddenEntries) more"] : [])
        let legendSize = (
            width: 10 + 22 + 6 + (legendLabels.map { SVGStyle.textWidth($0) }.max() ?? 0) + 10,
            height: 8 + Self.rowHeight * Double(legendLabels.count)
        )

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
            let conflicts = corners.map {
                conflictCount(series, in: $0.insetBy(-Self.markerRadius - 1), plot: plot, x: xAxis, y: yAxis)
            }
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
        return Layout(
            plot: plot, xAxis: xAxis, yAxis: yAxis, legendEntries: entries, legendLabels: legendLabels,
            legendBox: legendBox)
    }

    // MARK: Data

    /// Splits each series into runs of drawable points, counting what is dropped.
    private func prepare(_ notes: inout [String]) -> [Prepared] {
        var nonFinite = 0
        var nonPositiveX = 0
        var nonPositiveY = 0
        var result: [Prepared] = []
        for (index, s) in figure.series.enumerated() {
            if s.x.count != s.y.count {
                notes.append(
                    "series \(index + 1) has \(s.x.count) x and \(s.y.count) y values; the extra values are ignored")
            }
            var runs: [[(x: Double, y: Double)]] = []
            var run: [(x: Double, y: Double)] = []
            for i in 0..<min(s.x.count, s.y.count) {
                let x = s.x[i]
                let y = s.y[i]
                var drawable = x.isFinite && y.isFinite
                if !drawable {
                    nonFinite += 1
                } else {
                    if figure.logX && x <= 0 {
                        nonPositiveX += 1
                        drawable = false
                    }
                    if figure.logY && y <= 0 {
                        nonPositiveY += 1
                        drawable = false
                    }
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
            result.append(
                Prepared(
                    kind: s.kind, label: SVGFigure.nonEmpty(s.label), runs: runs,
                    color: palette[index % palette.count],
                    alternate: (index / palette.count) % 2 == 1))
        }
        if nonFinite > 0 {
            notes.append("\(nonFinite) point\(nonFinite == 1 ? "" : "s") with NaN or infinite values skipped")
        }
        if nonPositiveX > 0 {
            notes.append("\(nonPositiveX) non-positive x value\(nonPositiveX == 1 ? "" : "s") dropped (log scale)")
        }
        if nonPositiveY > 0 {
            notes.append("\(nonPositiveY) non-positive y value\(nonPositiveY == 1 ? "" : "s") dropped (log scale)")
        }
        return result
    }

    private func makeAxis(log: Bool, values: [Double], maxTicks: Int) -> Axis {
        let lo = values.min() ?? (log ? 1 : 0)
        let hi = values.max() ?? (log ? 10 : 1)
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
        return [(0, 0), (1, 0), (0, 1), (1, 1)].map {
            SVGRect(x: xs[$0.0], y: ys[$0.1], width: size.width, height: size.height)
        }
    }

    /// How many points and line segments would lie under `box`.
    private func conflictCount(_ series: [Prepared], in box: SVGRect, plot: SVGRect, x: Axis, y: Axis) -> Int {
        var count = 0
        for s in series {
            for run in s.runs {
                let pixels = run.map { pixel($0, plot, x, y) }
                for (i, p) in pixels.enumerated() {
                    if box.contains(p.x, p.y) { count += 1 }
                    if s.kind == .line && i > 0 && box.intersects(pixels[i - 1].x, pixels[i - 1].y, p.x, p.y) {
                        count += 1
                    }
                }
            }
        }
        return count
    }

    func pixel(_ p: (x: Double, y: Double), _ plot: SVGRect, _ x: Axis, _ y: Axis) -> (x: Double, y: Double) {
        (plot.x + x.fraction(p.x) * plot.width, plot.maxY - y.fraction(p.y) * plot.height)
    }
}
