import Language
import NTKCore

/// Lays out and draws a matrix as a heatmap: one `<rect>` per cell (block averages when the
/// matrix is larger than `maxCells` a side), viridis colours, NaN in grey, 0-based row and
/// column indices, and a colour bar with nice ticks and a title (`heatmap(K, label:)`).
struct HeatmapPlot {
    let figure: Figure
    let matrix: Matrix
    let width: Double
    let height: Double

    static let maxCells = 100
    static let colorBarWidth = 14.0
    static let colorBarSteps = 128
    /// Room right of the colour bar's tick labels for its rotated title.
    static let colorBarTitleWidth = 22.0
    /// The colour bar's title when the notebook gives none.
    static let defaultColorBarLabel = "value"

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
        let range = ValueRange(min: finite.min() ?? 0, max: finite.max() ?? 0)

        // Ticks first: their labels set the margins.
        let barTicks = finite.isEmpty ? [] : Axis.innerTicks(range.min, range.max, maxTicks: 6)
        let layout = layOut(barLabelWidth: barTicks.map(SVGStyle.textWidth).max() ?? 0)
        drawCells(cells, range, in: layout.area, into: &w)
        drawIndexTicks(layout, into: &w)
        drawAxisTitles(layout, into: &w)
        drawColorBar(
            barTicks, range, beside: layout.area, labelWidth: barTicks.map(SVGStyle.textWidth).max() ?? 0, into: &w)
        SVGStyle.drawTitle(figure.title, width: width, into: &w)
        return notes
    }

    /// The smallest and largest finite value, the ends of the colour scale.
    struct ValueRange {
        var min: Double
        var max: Double
    }

    /// Where the heatmap goes, and its index ticks.
    struct Layout {
        /// The heatmap itself, in pixels.
        var area: SVGRect
        var rowTicks: [Axis.Tick]
        var colTicks: [Axis.Tick]
        /// The width of the widest row label (the y title goes left of it).
        var rowLabelWidth: Double
    }

    /// Margins from the tick labels, square entries unless the matrix is very elongated, and
    /// as many index ticks as fit.
    private func layOut(barLabelWidth: Double) -> Layout {
        let rowLabels = Axis.innerTicks(0, Double(matrix.rows - 1), maxTicks: 10, integers: true)
        let rowLabelWidth = rowLabels.map(SVGStyle.textWidth).max() ?? 0
        let top = SVGFigure.nonEmpty(figure.title) != nil ? 34.0 : 14.0
        let bottom = 8 + 5 + 17 + 18.0
        let left = 10 + 20 + rowLabelWidth + 9
        let rightBlock = 18 + Self.colorBarWidth + 8 + barLabelWidth + 8 + Self.colorBarTitleWidth
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
        return Layout(area: area, rowTicks: rowTicks, colTicks: colTicks, rowLabelWidth: rowLabelWidth)
    }

    /// Where `v` falls in [vmin, vmax] (0.5 for an all-equal matrix; infinities at the ends).
    static func position(_ v: Double, _ vmin: Double, _ vmax: Double) -> Double {
        if v == .infinity { return 1 }
        if v == -.infinity { return 0 }
        let span = vmax / 2 - vmin / 2
        return span > 0 ? min(max((v / 2 - vmin / 2) / span, 0), 1) : 0.5
    }

    /// A scale factor with four decimals (cells can be fractions of a pixel wide).
    func scale(_ v: Double) -> String {
        SVGWriter.trimmedFixed(v, decimals: 4)
    }
}
