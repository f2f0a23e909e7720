import Language
import NTKCore

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
        let rowBlock = max(1, (m.rows + maxCells - 1) / maxCells)
        let colBlock = max(1, (m.cols + maxCells - 1) / maxCells)
        if rowBlock == 1 && colBlock == 1 { return (m, 1, 1) }
        let rows = (m.rows + rowBlock - 1) / rowBlock
        let cols = (m.cols + colBlock - 1) / colBlock
        let values = Matrix(rows: rows, cols: cols) { bi, bj in
            var sum = 0.0
            var count = 0
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
            notes.append(
                "the \(matrix.rows)×\(matrix.cols) matrix is drawn as \(cells.rows)×\(cells.cols) cells, "
                    + "each the mean of a \(rowBlock)×\(colBlock) block")
        }
        let finite = cells.storage.filter(\.isFinite)
        let nanCount = cells.storage.filter(\.isNaN).count
        if nanCount > 0 { notes.append("\(nanCount) NaN cell\(nanCount == 1 ? "" : "s") drawn in grey") }
        if finite.isEmpty { notes.append("no finite values") }
        let vmin = finite.min() ?? 0
        let vmax = finite.max() ?? 0

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
        let rowTicks = Axis.innerTicks(
            0, Double(matrix.rows - 1), maxTicks: min(10, max(2, Int(area.height / 22) + 1)), integers: true)
        var colTicks = Axis.innerTicks(0, Double(matrix.cols - 1), maxTicks: 10, integers: true)
        for maxTicks in stride(from: 10, through: 2, by: -1) {
            colTicks = Axis.innerTicks(0, Double(matrix.cols - 1), maxTicks: maxTicks, integers: true)
            let widest = colTicks.map(SVGStyle.textWidth).max() ?? 0
            let spacing =
                colTicks.count > 1
                ? (colTicks[1].value - colTicks[0].value) / Double(matrix.cols) * area.width : area.width
            if spacing >= widest + 8 { break }
        }

        // Cells, in cell units scaled to pixels.
        let cellWidth = area.width / Double(cells.cols)
        let cellHeight = area.height / Double(cells.rows)
        w.open(
            "g",
            [
                ("class", "tg-cells"), ("shape-rendering", "crispEdges"),
                ("transform", "translate(\(n(area.x)) \(n(area.y))) scale(\(scale(cellWidth)) \(scale(cellHeight)))"),
            ])
        for i in 0..<cells.rows {
            for j in 0..<cells.cols {
                let v = cells[i, j]
                var attributes: SVGWriter.Attributes = [
                    ("x", String(j)), ("y", String(i)), ("width", "1"), ("height", "1"),
                ]
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
            w.raw(
                "<text x=\"\(x)\" y=\"\(n(area.maxY + 19))\" text-anchor=\"middle\">" + SVGStyle.tickMarkup(t)
                    + "</text>\n")
        }
        w.close("g")

        // Axis titles.
        let xlabel = SVGFigure.nonEmpty(figure.xlabel) ?? "column"
        let ylabel = SVGFigure.nonEmpty(figure.ylabel) ?? "row"
        w.element(
            "text",
            [
                ("x", n(area.x + area.width / 2)), ("y", n(area.maxY + 38)), ("text-anchor", "middle"),
                ("fill", "currentColor"),
            ],
            content: SVGWriter.truncate(xlabel, to: max(Int(area.width / 7.2), 8)))
        let cx = area.x - 9 - rowLabelWidth - 12
        let cy = area.y + area.height / 2
        w.element(
            "text",
            [
                ("x", n(cx)), ("y", n(cy)), ("transform", "rotate(-90 \(n(cx)) \(n(cy)))"),
                ("text-anchor", "middle"), ("fill", "currentColor"),
            ],
            content: SVGWriter.truncate(ylabel, to: max(Int(area.height / 7.2), 8)))

        // Colour bar: strips from vmin (bottom) to vmax (top).
        let bar = SVGRect(x: area.maxX + 18, y: area.y, width: Self.colorBarWidth, height: area.height)
        let steps = Self.colorBarSteps
        w.open(
            "g",
            [
                ("class", "tg-colorbar"), ("shape-rendering", "crispEdges"),
                (
                    "transform",
                    "translate(\(n(bar.x)) \(n(bar.maxY))) scale(\(n(bar.width)) \(scale(-bar.height / Double(steps))))"
                ),
            ])
        for k in 0..<steps {
            w.element(
                "rect",
                [
                    ("x", "0"), ("y", String(k)), ("width", "1"), ("height", "1"),
                    ("fill", Colormap.viridisHex((Double(k) + 0.5) / Double(steps))),
                ])
        }
        w.close("g")
        w.element(
            "rect",
            [
                ("x", n(bar.x)), ("y", n(bar.y)), ("width", n(bar.width)), ("height", n(bar.height)),
                ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.35"),
            ])
        w.open(
            "g",
            [
                ("class", "tg-colorbar-ticks"), ("fill", "currentColor"), ("stroke", "currentColor"),
                ("font-size", n(SVGStyle.tickFont)),
            ])
        for t in barTicks {
            let y = bar.maxY - Self.position(t.value, vmin, vmax) * bar.height
            w.element("line", [("x1", n(bar.maxX)), ("y1", n(y)), ("x2", n(bar.maxX + 5)), ("y2", n(y))])
            w.raw(
                "<text x=\"\(n(bar.maxX + 8))\" y=\"\(n(y + 4))\" stroke=\"none\">" + SVGStyle.tickMarkup(t)
                    + "</text>\n")
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
