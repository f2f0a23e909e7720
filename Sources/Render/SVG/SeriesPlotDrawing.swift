import Language

/// The drawing of a line or scatter plot once it is laid out: grid, axes, data, tick labels
/// and legend, in the order they stack.
extension SeriesPlot {
    func drawGrid(_ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        w.open(
            "g", [("class", "tg-grid"), ("stroke", "currentColor"), ("stroke-opacity", "0.12"), ("stroke-width", "1")])
        for t in x.ticks {
            let px = SVGWriter.number(plot.x + x.fraction(t.value) * plot.width)
            w.element(
                "line", [("x1", px), ("y1", SVGWriter.number(plot.y)), ("x2", px), ("y2", SVGWriter.number(plot.maxY))])
        }
        for t in y.ticks {
            let py = SVGWriter.number(plot.maxY - y.fraction(t.value) * plot.height)
            w.element(
                "line", [("x1", SVGWriter.number(plot.x)), ("y1", py), ("x2", SVGWriter.number(plot.maxX)), ("y2", py)])
        }
        w.close("g")
    }

    /// Bands first (under everything), then lines and their markers, then scatters; clipped
    /// to the plot when the notebook set limits.
    func drawSeries(
        _ series: [Prepared], _ plot: SVGRect, _ x: Axis, _ y: Axis, clip: Bool, into w: inout SVGWriter
    ) {
        let n = SVGWriter.number
        var attributes: SVGWriter.Attributes = [("class", "tg-data")]
        if clip {
            // Ids are page-wide once the SVG is inlined: this one is a hash of the figure and its
            // frame, so figures differ in id, and two that share one clip to the same place.
            let id = "tg-clip-" + clipID(plot)
            w.open("clipPath", [("id", id)])
            w.element(
                "rect", [("x", n(plot.x)), ("y", n(plot.y)), ("width", n(plot.width)), ("height", n(plot.height))])
            w.close("clipPath")
            attributes.append(("clip-path", "url(#\(id))"))
        }
        w.open("g", attributes)
        for s in series where s.kind == .band && !s.runs.isEmpty {
            var area = ""
            var edges = ""
            for (low, high) in zip(s.runs, s.upper) {
                let top = high.map { pixel($0, plot, x, y) }
                let bottom = low.map { pixel($0, plot, x, y) }.reversed()
                for (i, p) in (top + bottom).enumerated() { area += (i == 0 ? "M" : "L") + n(p.x) + "," + n(p.y) }
                area += "Z"
                for curve in [top, Array(bottom)] {
                    for (i, p) in curve.enumerated() { edges += (i == 0 ? "M" : "L") + n(p.x) + "," + n(p.y) }
                }
            }
            w.element(
                "path",
                [("class", "tg-band"), ("d", area), ("fill", s.color), ("fill-opacity", "0.2"), ("stroke", "none")])
            var edge: SVGWriter.Attributes = [
                ("class", "tg-band-edge"), ("d", edges), ("fill", "none"), ("stroke", s.color),
                ("stroke-width", n(s.lineWidth))
            ]
            if let dash = s.dashArray { edge.append(("stroke-dasharray", dash)) }
            w.element("path", edge)
        }
        for s in series where s.kind == .line && !s.runs.isEmpty {
            var d = ""
            for run in s.runs {
                let pixels = run.map { pixel($0, plot, x, y) }
                for (i, p) in pixels.enumerated() {
                    d += (i == 0 ? "M" : "L") + n(p.x) + "," + n(p.y)
                }
                // A lone point is a zero-length subpath: its round cap draws a dot.
                if pixels.count == 1 { d += "L" + n(pixels[0].x) + "," + n(pixels[0].y) }
            }
            var line: SVGWriter.Attributes = [
                ("d", d), ("fill", "none"), ("stroke", s.color), ("stroke-width", n(s.lineWidth)),
                ("stroke-linejoin", "round"), ("stroke-linecap", "round")
            ]
            if let dash = s.dashArray { line.append(("stroke-dasharray", dash)) }
            w.element("path", line)
            if s.marker != .none { drawMarkers(s, plot, x, y, into: &w) }
        }
        for s in series where s.kind == .scatter && !s.runs.isEmpty {
            // Opaque: a translucent marker would lose the colour's 3:1 contrast with the page.
            drawMarkers(s, plot, x, y, into: &w)
        }
        w.close("g")
    }

    /// 16 hex digits of FNV-1a over the plot frame and the figure's series and texts (the same
    /// on every run, unlike Swift's seeded `Hasher`).
    func clipID(_ plot: SVGRect) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            h = (h ^ v) &* 0x0000_0100_0000_01b3
        }
        for v in [plot.x, plot.y, plot.width, plot.height] { mix(v.bitPattern) }
        for s in figure.series {
            for v in s.x + s.y + s.upper { mix(v.bitPattern) }
            for b in (s.label ?? "").utf8 { mix(UInt64(b)) }
            mix(UInt64(s.x.count))
        }
        for b in (figure.title ?? "").utf8 { mix(UInt64(b)) }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A group filled with the series colour holding one marker per point (inside the plot).
    private func drawMarkers(_ s: Prepared, _ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        w.open("g", [("fill", s.color)])
        let marker = s.marker == .none ? SeriesStyle.Marker.circle : s.marker
        for p in s.runs.joined() {
            let q = pixel(p, plot, x, y)
            // Points outside set limits are not drawn at all (the clip would leave slivers).
            guard q.x >= plot.x - 0.5, q.x <= plot.maxX + 0.5, q.y >= plot.y - 0.5, q.y <= plot.maxY + 0.5 else {
                continue
            }
            SVGMarker.draw(marker, x: q.x, y: q.y, size: s.markerSize, color: s.color, into: &w)
        }
        w.close("g")
    }

    func drawAxes(_ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
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

    func drawTickLabels(_ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
        let n = SVGWriter.number
        w.open("g", [("class", "tg-ticks"), ("fill", "currentColor"), ("font-size", n(SVGStyle.tickFont))])
        for t in x.ticks {
            let px = n(plot.x + x.fraction(t.value) * plot.width)
            w.raw(
                "<text x=\"\(px)\" y=\"\(n(plot.maxY + 19))\" text-anchor=\"middle\">" + SVGStyle.tickMarkup(t)
                    + "</text>\n")
        }
        for t in y.ticks {
            let py = n(plot.maxY - y.fraction(t.value) * plot.height + 4)
            w.raw(
                "<text x=\"\(n(plot.x - 8))\" y=\"\(py)\" text-anchor=\"end\">" + SVGStyle.tickMarkup(t) + "</text>\n")
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

    /// The axis titles, when the figure has them, cut to the plot's size.
    func drawAxisTitles(_ plot: SVGRect, into w: inout SVGWriter) {
        if let xlabel = SVGFigure.nonEmpty(figure.xlabel) {
            let fits = max(Int(plot.width / 7.2), 8)
            w.element(
                "text",
                [
                    ("x", SVGWriter.number(plot.x + plot.width / 2)), ("y", SVGWriter.number(height - 9)),
                    ("text-anchor", "middle"), ("fill", "currentColor")
                ],
                content: SVGWriter.truncate(xlabel, to: fits))
        }
        if let ylabel = SVGFigure.nonEmpty(figure.ylabel) {
            let cx = 16.0
            let cy = plot.y + plot.height / 2
            let fits = max(Int(plot.height / 7.2), 8)
            w.element(
                "text",
                [
                    ("x", SVGWriter.number(cx)), ("y", SVGWriter.number(cy)),
                    ("transform", "rotate(-90 \(SVGWriter.number(cx)) \(SVGWriter.number(cy)))"),
                    ("text-anchor", "middle"), ("dominant-baseline", "central"), ("fill", "currentColor")
                ],
                content: SVGWriter.truncate(ylabel, to: fits))
        }
    }

    /// The legend's frame, then each entry: a swatch in the series' look and its label, one
    /// `<text>` per entry (a `<tspan>` per line when the label wraps).
    func drawLegend(_ legend: SVGLegend, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let box = legend.box
        w.open("g", [("class", "tg-legend")])
        w.element(
            "rect",
            [
                ("x", n(box.x)), ("y", n(box.y)), ("width", n(box.width)), ("height", n(box.height)),
                ("rx", "3"), ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.25")
            ])
        for entry in legend.entries {
            let s = entry.series
            let cy = entry.y + SVGLegend.rowHeight / 2
            let x0 = entry.x + 10
            switch s.kind {
            case .band:
                w.element(
                    "rect",
                    [
                        ("x", n(x0)), ("y", n(cy - 5)), ("width", "22"), ("height", "10"), ("fill", s.color),
                        ("fill-opacity", "0.2"), ("stroke", s.color), ("stroke-width", "1")
                    ])
            case .line:
                var attributes: SVGWriter.Attributes = [
                    ("x1", n(x0)), ("y1", n(cy)), ("x2", n(x0 + 22)), ("y2", n(cy)),
                    ("stroke", s.color), ("stroke-width", n(s.lineWidth)), ("stroke-linecap", "round")
                ]
                if let dash = s.dashArray { attributes.append(("stroke-dasharray", dash)) }
                w.element("line", attributes)
                if s.marker != .none {
                    w.open("g", [("fill", s.color)])
                    SVGMarker.draw(s.marker, x: x0 + 11, y: cy, size: s.markerSize, color: s.color, into: &w)
                    w.close("g")
                }
            case .scatter:
                w.open("g", [("fill", s.color)])
                SVGMarker.draw(
                    s.marker == .none ? .circle : s.marker, x: x0 + 11, y: cy, size: max(s.markerSize, 7),
                    color: s.color, into: &w)
                w.close("g")
            }
            let tx = n(entry.x + SVGLegend.labelOffset)
            if entry.lines.count == 1 {
                w.element("text", [("x", tx), ("y", n(cy + 4)), ("fill", "currentColor")], content: entry.lines[0])
            } else {
                var markup = "<text x=\"\(tx)\" y=\"\(n(cy + 4))\" fill=\"currentColor\">"
                for (i, line) in entry.lines.enumerated() {
                    markup +=
                        "<tspan x=\"\(tx)\" dy=\"\(i == 0 ? "0" : n(SVGLegend.lineHeight))\">" + SVGWriter.escape(line)
                        + "</tspan>"
                }
                w.raw(markup + "</text>\n")
            }
        }
        w.close("g")
    }
}
