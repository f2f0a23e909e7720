import Language

/// Lays out and draws line, scatter and band series: nice-tick axes (linear or log, or the
/// notebook's `xlim`/`ylim`, clipped to), light grid, one filled `<path>` per band, one `<path>`
/// per line (a subpath per unbroken run), one marker per scatter point, and a legend listing
/// every labelled series: in an empty corner of the plot, else beside it, else below it.
struct SeriesPlot {
    /// A series ready to draw: its valid points in runs broken at dropped values, and its look.
    struct Prepared {
        var kind: Figure.SeriesKind
        var label: String?
        /// Points (x, y); for a band (x, low) with the matching `upper` runs holding (x, high).
        var runs: [[(x: Double, y: Double)]]
        var upper: [[(x: Double, y: Double)]] = []
        var color: String
        /// The line's dash (nil: solid).
        var dashArray: String?
        var lineWidth: Double
        var marker: SeriesStyle.Marker
        var markerSize: Double
    }

    let figure: Figure
    let width: Double
    let height: Double

    static let markerRadius = 3.0

    /// Draws the plot; returns what the drawing left out and the figure's height (taller than
    /// asked when the legend goes below the plot).
    func draw(into w: inout SVGWriter) -> (notes: [String], height: Double) {
        var notes: [String] = []
        let series = prepare(&notes)
        var points = series.flatMap { $0.runs.joined() }
        points += series.flatMap { $0.upper.joined() }
        if points.isEmpty { notes.append("no data to plot") }
        let layout = layOut(series, xs: points.map(\.x), ys: points.map(\.y))

        // Data over the axis lines, so points on the frame stay whole; tick labels on top.
        drawGrid(layout.plot, layout.xAxis, layout.yAxis, into: &w)
        drawAxes(layout.plot, layout.xAxis, layout.yAxis, into: &w)
        drawSeries(series, layout.plot, layout.xAxis, layout.yAxis, clip: layout.clip, into: &w)
        drawTickLabels(layout.plot, layout.xAxis, layout.yAxis, into: &w)
        SVGStyle.drawTitle(figure.title, width: width, into: &w)
        drawAxisTitles(layout.plot, into: &w)
        if let legend = layout.legend { drawLegend(legend, into: &w) }
        return (notes, layout.height)
    }

    // MARK: Layout

    /// Where the plot goes, its axes, and its legend.
    struct Layout {
        var plot: SVGRect
        var xAxis: Axis
        var yAxis: Axis
        var legend: SVGLegend?
        /// Whether the data is clipped to the plot (set limits leave data outside).
        var clip: Bool
        /// The figure's height, grown for a legend below the plot.
        var height: Double
    }

    /// Margins from the axes' labels, then the legend: inside the plot if a corner is free,
    /// else to its right when the plot keeps 60 % of the width, else below it.
    private func layOut(_ series: [Prepared], xs: [Double], ys: [Double]) -> Layout {
        // Vertical layout, then the y axis (its labels set the left margin).
        let hasTitle = SVGFigure.nonEmpty(figure.title) != nil
        let top = hasTitle ? 34.0 : 14.0
        let bottom = 8 + 5 + 17 + (SVGFigure.nonEmpty(figure.xlabel) != nil ? 18.0 : 0)
        let plotHeight = height - top - bottom
        let yAxis = makeAxis(
            log: figure.logY, values: ys, limits: figure.ylim, maxTicks: min(8, max(2, Int(plotHeight / 30) + 1)))
        let yLabelWidth = yAxis.ticks.map(SVGStyle.textWidth).max() ?? 0
        let left = 10 + (SVGFigure.nonEmpty(figure.ylabel) != nil ? 20 : 0) + yLabelWidth + 9

        // Horizontal layout: room on the right for half the last x label.
        var right = 20.0
        var plot = SVGRect(x: left, y: top, width: width - left - right, height: plotHeight)
        var xAxis = fittingXAxis(xs, plotWidth: plot.width)
        if let last = xAxis.ticks.last, SVGStyle.textWidth(last) / 2 + 6 > right {
            right = SVGStyle.textWidth(last) / 2 + 6
            plot.width = width - left - right
            xAxis = fittingXAxis(xs, plotWidth: plot.width)
        }
        let clip = figure.xlim != nil || figure.ylim != nil

        // The legend: every labelled series, inside the plot, beside it, or below it.
        let labelled = series.filter { $0.label != nil }
        var legend: SVGLegend?
        var figureHeight = height
        if !labelled.isEmpty {
            let column = SVGLegend.column(labelled, at: 0, 0)
            let inset = 8.0
            if column.box.height <= plotHeight - 2 * inset {
                let corners = cornerBoxes(plot, (column.box.width, column.box.height))
                let conflicts = corners.map {
                    conflictCount(series, in: $0.insetBy(-Self.markerRadius - 1), plot: plot, x: xAxis, y: yAxis)
                }
                if let free = conflicts.firstIndex(of: 0) {
                    legend = column.moved(to: corners[free].x, corners[free].y)
                } else if width - left - (column.box.width + 16 + 12) >= width * 0.6 {
                    right = max(right, column.box.width + 16 + 12)
                    plot.width = width - left - right
                    xAxis = fittingXAxis(xs, plotWidth: plot.width)
                    legend = column.moved(to: plot.maxX + 16, plot.y)
                }
            }
            if legend == nil {
                let below = SVGLegend.rows(labelled, x: 10, y: height, width: width - 20)
                legend = below
                figureHeight = below.box.maxY + 8
            }
        }
        return Layout(plot: plot, xAxis: xAxis, yAxis: yAxis, legend: legend, clip: clip, height: figureHeight)
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
            if s.kind == .band && s.upper.count != s.y.count {
                notes.append(
                    "band \(index + 1) has \(s.y.count) low and \(s.upper.count) high values; the extra values are ignored"
                )
            }
            var runs: [[(x: Double, y: Double)]] = []
            var upperRuns: [[(x: Double, y: Double)]] = []
            var run: [(x: Double, y: Double)] = []
            var upperRun: [(x: Double, y: Double)] = []
            let count = s.kind == .band ? min(s.x.count, s.y.count, s.upper.count) : min(s.x.count, s.y.count)
            for i in 0..<count {
                let x = s.x[i]
                let ys = s.kind == .band ? [s.y[i], s.upper[i]] : [s.y[i]]
                var drawable = x.isFinite && ys.allSatisfy(\.isFinite)
                if !drawable {
                    nonFinite += 1
                } else {
                    if figure.logX && x <= 0 {
                        nonPositiveX += 1
                        drawable = false
                    }
                    if figure.logY && ys.contains(where: { $0 <= 0 }) {
                        nonPositiveY += 1
                        drawable = false
                    }
                }
                if drawable {
                    run.append((x, ys[0]))
                    if s.kind == .band { upperRun.append((x, ys[1])) }
                } else if !run.isEmpty {
                    runs.append(run)
                    run = []
                    if s.kind == .band {
                        upperRuns.append(upperRun)
                        upperRun = []
                    }
                }
            }
            if !run.isEmpty { runs.append(run) }
            if !upperRun.isEmpty { upperRuns.append(upperRun) }
            result.append(prepared(s, index: index, runs: runs, upper: upperRuns))
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

    /// The look of series `index`: what the notebook set, else the palette colour, and past the
    /// palette's end a dash (lines) or marker (scatters) that tells the rounds apart.
    private func prepared(
        _ s: Figure.Series, index: Int, runs: [[(x: Double, y: Double)]], upper: [[(x: Double, y: Double)]]
    ) -> Prepared {
        let palette = SVGStyle.palette
        let round = index / palette.count
        let roundDashes: [SeriesStyle.Dash] = [.solid, .dashed, .dotted]
        let roundMarkers: [SeriesStyle.Marker] = [.circle, .square, .triangle, .diamond, .cross, .plus]
        let dash = s.style.dash ?? (s.kind == .line ? roundDashes[round % roundDashes.count] : .solid)
        let marker: SeriesStyle.Marker
        switch s.kind {
        case .line: marker = s.style.marker ?? (round >= 3 ? roundMarkers[(round - 3) % roundMarkers.count] : .none)
        case .scatter: marker = s.style.marker ?? roundMarkers[round % roundMarkers.count]
        case .band: marker = .none
        }
        return Prepared(
            kind: s.kind, label: SVGFigure.nonEmpty(s.label), runs: runs, upper: upper,
            color: s.style.color ?? palette[index % palette.count], dashArray: SVGStyle.dashArray(dash),
            lineWidth: s.kind == .line ? (s.style.width ?? 1.75) : 1,
            marker: marker,
            markerSize: s.kind == .scatter ? (s.style.width ?? 2 * Self.markerRadius) : 2 * Self.markerRadius + 1)
    }

    private func makeAxis(log: Bool, values: [Double], limits: Figure.Limits?, maxTicks: Int) -> Axis {
        if let limits, !log || limits.lower > 0 {
            return Axis.fixed(limits.lower, limits.upper, log: log, maxTicks: maxTicks)
        }
        let lo = values.min() ?? (log ? 1 : 0)
        let hi = values.max() ?? (log ? 10 : 1)
        return log ? Axis.log(lo, hi, maxTicks: maxTicks) : Axis.linear(lo, hi, maxTicks: maxTicks)
    }

    /// The x axis with the most ticks (up to 8) whose labels do not run into each other.
    private func fittingXAxis(_ xs: [Double], plotWidth: Double) -> Axis {
        var axis = makeAxis(log: figure.logX, values: xs, limits: figure.xlim, maxTicks: 8)
        for maxTicks in stride(from: 8, through: 2, by: -1) {
            axis = makeAxis(log: figure.logX, values: xs, limits: figure.xlim, maxTicks: maxTicks)
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
            for run in s.runs + s.upper {
                let pixels = run.map { pixel($0, plot, x, y) }
                for (i, p) in pixels.enumerated() {
                    if box.contains(p.x, p.y) { count += 1 }
                    if s.kind != .scatter && i > 0 && box.intersects(pixels[i - 1].x, pixels[i - 1].y, p.x, p.y) {
                        count += 1
                    }
                }
            }
            // A band's shading: the box's corners and centre inside it.
            for (low, high) in zip(s.runs, s.upper) {
                let lower = low.map { pixel($0, plot, x, y) }
                let upper = high.map { pixel($0, plot, x, y) }
                let probes = [
                    (box.x, box.y), (box.maxX, box.y), (box.x, box.maxY), (box.maxX, box.maxY),
                    (box.x + box.width / 2, box.y + box.height / 2)
                ]
                for (px, py) in probes {
                    if let top = Self.interpolate(upper, at: px), let bottom = Self.interpolate(lower, at: px),
                        py >= min(top, bottom) && py <= max(top, bottom)
                    {
                        count += 1
                    }
                }
            }
        }
        return count
    }

    /// The y of the polyline `points` (x increasing or decreasing) at `px`; nil outside it.
    static func interpolate(_ points: [(x: Double, y: Double)], at px: Double) -> Double? {
        for (a, b) in zip(points, points.dropFirst()) where min(a.x, b.x) <= px && px <= max(a.x, b.x) {
            return b.x == a.x ? a.y : a.y + (b.y - a.y) * (px - a.x) / (b.x - a.x)
        }
        return nil
    }

    func pixel(_ p: (x: Double, y: Double), _ plot: SVGRect, _ x: Axis, _ y: Axis) -> (x: Double, y: Double) {
        (plot.x + x.fraction(p.x) * plot.width, plot.maxY - y.fraction(p.y) * plot.height)
    }
}
