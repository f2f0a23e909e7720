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

    func drawSeries(_ series: [Prepared], _ plot: SVGRect, _ x: Axis, _ y: Axis, into w: inout SVGWriter) {
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
                    if pixels.count == 1 {
                        d += "L" + SVGWriter.number(pixels[0].x) + "," + SVGWriter.number(pixels[0].y)
                    }
                }
                var attributes: SVGWriter.Attributes = [
                    ("d", d), ("fill", "none"), ("stroke", s.color), ("stroke-width", "1.75"),
                    ("stroke-linejoin", "round"), ("stroke-linecap", "round")
                ]
                if s.alternate { attributes.append(("stroke-dasharray", "6 4")) }
                w.element("path", attributes)
            case .scatter:
                w.open(
                    "g",
                    s.alternate
                        ? [("fill", "none"), ("stroke", s.color), ("stroke-width", "1.25")]
                        : [("fill", s.color), ("fill-opacity", "0.85")])
                for p in s.runs.joined() {
                    let q = pixel(p, plot, x, y)
                    w.element(
                        "circle",
                        [
                            ("cx", SVGWriter.number(q.x)), ("cy", SVGWriter.number(q.y)),
                            ("r", SVGWriter.number(Self.markerRadius))
                        ])
                }
                w.close("g")
            }
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

    func drawLegend(_ entries: [Prepared], _ labels: [String], _ box: SVGRect, into w: inout SVGWriter) {
        let n = SVGWriter.number
        w.open("g", [("class", "tg-legend")])
        w.element(
            "rect",
            [
                ("x", n(box.x)), ("y", n(box.y)), ("width", n(box.width)), ("height", n(box.height)),
                ("rx", "3"), ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.25")
            ])
        for (i, (s, label)) in zip(entries, labels).enumerated() {
            let cy = box.y + 4 + Self.rowHeight * (Double(i) + 0.5)
            let x0 = box.x + 10
            switch s.kind {
            case .line:
                var attributes: SVGWriter.Attributes = [
                    ("x1", n(x0)), ("y1", n(cy)), ("x2", n(x0 + 22)), ("y2", n(cy)),
                    ("stroke", s.color), ("stroke-width", "1.75"), ("stroke-linecap", "round")
                ]
                if s.alternate { attributes.append(("stroke-dasharray", "6 4")) }
                w.element("line", attributes)
            case .scatter:
                var attributes: SVGWriter.Attributes = [("cx", n(x0 + 11)), ("cy", n(cy)), ("r", "3.5")]
                attributes +=
                    s.alternate
                    ? [("fill", "none"), ("stroke", s.color), ("stroke-width", "1.25")] : [("fill", s.color)]
                w.element("circle", attributes)
            }
            w.element("text", [("x", n(x0 + 28)), ("y", n(cy + 4)), ("fill", "currentColor")], content: label)
        }
        // "+k more" when not all entries fit.
        if labels.count > entries.count, let more = labels.last {
            let cy = box.y + 4 + Self.rowHeight * (Double(entries.count) + 0.5)
            w.element(
                "text", [("x", n(box.x + 38)), ("y", n(cy + 4)), ("fill", "currentColor"), ("fill-opacity", "0.7")],
                content: more)
        }
        w.close("g")
    }
}
