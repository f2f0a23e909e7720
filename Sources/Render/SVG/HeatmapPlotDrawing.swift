import NTKCore

/// The drawing of a heatmap once it is laid out: the cells, the index ticks and labels, the
/// axis titles and the colour bar, in the order they stack.
extension HeatmapPlot {
    /// One `<rect>` per cell, in cell units scaled to pixels.
    func drawCells(_ cells: Matrix, _ range: ValueRange, in area: SVGRect, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let cellWidth = area.width / Double(cells.cols)
        let cellHeight = area.height / Double(cells.rows)
        w.open(
            "g",
            [
                ("class", "tg-cells"), ("shape-rendering", "crispEdges"),
                ("transform", "translate(\(n(area.x)) \(n(area.y))) scale(\(scale(cellWidth)) \(scale(cellHeight)))")
            ])
        for i in 0..<cells.rows {
            for j in 0..<cells.cols {
                let v = cells[i, j]
                var attributes: SVGWriter.Attributes = [
                    ("x", String(j)), ("y", String(i)), ("width", "1"), ("height", "1")
                ]
                if v.isNaN {
                    attributes += [("class", "tg-nan"), ("fill", SVGStyle.nanGrey)]
                } else {
                    attributes.append(("fill", Colormap.viridisHex(Self.position(v, range.min, range.max))))
                }
                w.element("rect", attributes)
            }
        }
        w.close("g")
    }

    /// Index ticks and labels at entry centres, in the original matrix's indices.
    func drawIndexTicks(_ layout: Layout, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let area = layout.area
        w.open("g", [("class", "tg-axes"), ("stroke", "currentColor"), ("stroke-width", "1")])
        for t in layout.rowTicks {
            let y = n(area.y + (t.value + 0.5) / Double(matrix.rows) * area.height)
            w.element("line", [("x1", n(area.x - 5)), ("y1", y), ("x2", n(area.x)), ("y2", y)])
        }
        for t in layout.colTicks {
            let x = n(area.x + (t.value + 0.5) / Double(matrix.cols) * area.width)
            w.element("line", [("x1", x), ("y1", n(area.maxY)), ("x2", x), ("y2", n(area.maxY + 5))])
        }
        w.close("g")
        w.open("g", [("class", "tg-ticks"), ("fill", "currentColor"), ("font-size", n(SVGStyle.tickFont))])
        for t in layout.rowTicks {
            let y = n(area.y + (t.value + 0.5) / Double(matrix.rows) * area.height + 4)
            w.raw("<text x=\"\(n(area.x - 8))\" y=\"\(y)\" text-anchor=\"end\">" + SVGStyle.tickMarkup(t) + "</text>\n")
        }
        for t in layout.colTicks {
            let x = n(area.x + (t.value + 0.5) / Double(matrix.cols) * area.width)
            w.raw(
                "<text x=\"\(x)\" y=\"\(n(area.maxY + 19))\" text-anchor=\"middle\">" + SVGStyle.tickMarkup(t)
                    + "</text>\n")
        }
        w.close("g")
    }

    /// The axis titles: the figure's labels, else "column" and "row".
    func drawAxisTitles(_ layout: Layout, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let area = layout.area
        let rowLabelWidth = layout.rowLabelWidth
        let xlabel = SVGFigure.nonEmpty(figure.xlabel) ?? "column"
        let ylabel = SVGFigure.nonEmpty(figure.ylabel) ?? "row"
        w.element(
            "text",
            [
                ("x", n(area.x + area.width / 2)), ("y", n(area.maxY + 38)), ("text-anchor", "middle"),
                ("fill", "currentColor")
            ],
            content: SVGWriter.truncate(xlabel, to: max(Int(area.width / 7.2), 8)))
        let cx = area.x - 9 - rowLabelWidth - 12
        let cy = area.y + area.height / 2
        w.element(
            "text",
            [
                ("x", n(cx)), ("y", n(cy)), ("transform", "rotate(-90 \(n(cx)) \(n(cy)))"),
                ("text-anchor", "middle"), ("fill", "currentColor")
            ],
            content: SVGWriter.truncate(ylabel, to: max(Int(area.height / 7.2), 8)))
    }

    /// The colour bar right of the heatmap: strips from the smallest value (bottom) to the
    /// largest (top), a frame, its ticks, and its title right of the tick labels (`labelWidth`).
    func drawColorBar(
        _ ticks: [Axis.Tick], _ range: ValueRange, beside area: SVGRect, labelWidth: Double, into w: inout SVGWriter
    ) {
        let n = SVGWriter.number
        let bar = SVGRect(x: area.maxX + 18, y: area.y, width: Self.colorBarWidth, height: area.height)
        let steps = Self.colorBarSteps
        w.open(
            "g",
            [
                ("class", "tg-colorbar"), ("shape-rendering", "crispEdges"),
                (
                    "transform",
                    "translate(\(n(bar.x)) \(n(bar.maxY))) scale(\(n(bar.width)) \(scale(-bar.height / Double(steps))))"
                )
            ])
        for k in 0..<steps {
            w.element(
                "rect",
                [
                    ("x", "0"), ("y", String(k)), ("width", "1"), ("height", "1"),
                    ("fill", Colormap.viridisHex((Double(k) + 0.5) / Double(steps)))
                ])
        }
        w.close("g")
        w.element(
            "rect",
            [
                ("x", n(bar.x)), ("y", n(bar.y)), ("width", n(bar.width)), ("height", n(bar.height)),
                ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.35")
            ])
        w.open(
            "g",
            [
                ("class", "tg-colorbar-ticks"), ("fill", "currentColor"), ("stroke", "currentColor"),
                ("font-size", n(SVGStyle.tickFont))
            ])
        for t in ticks {
            let y = bar.maxY - Self.position(t.value, range.min, range.max) * bar.height
            w.element("line", [("x1", n(bar.maxX)), ("y1", n(y)), ("x2", n(bar.maxX + 5)), ("y2", n(y))])
            w.raw(
                "<text x=\"\(n(bar.maxX + 8))\" y=\"\(n(y + 4))\" stroke=\"none\">" + SVGStyle.tickMarkup(t)
                    + "</text>\n")
        }
        w.close("g")
        let title = SVGFigure.nonEmpty(figure.colorbarLabel) ?? Self.defaultColorBarLabel
        let cx = bar.maxX + 8 + labelWidth + 8 + Self.colorBarTitleWidth / 2
        let cy = bar.y + bar.height / 2
        w.element(
            "text",
            [
                ("class", "tg-colorbar-label"), ("x", n(cx)), ("y", n(cy)),
                ("transform", "rotate(90 \(n(cx)) \(n(cy)))"), ("text-anchor", "middle"),
                ("dominant-baseline", "central"), ("fill", "currentColor")
            ],
            content: SVGWriter.truncate(title, to: max(Int(bar.height / 7.2), 8)))
    }
}
