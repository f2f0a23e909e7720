/// A plot's legend: every labelled series, each label wrapped onto as many lines as it needs
/// (never cut), laid out in one column (inside or beside the plot) or in several columns below
/// it, where the figure grows to make room.
struct SVGLegend {
    /// One series' entry: where its row starts and its label's lines.
    struct Entry {
        var series: SeriesPlot.Prepared
        var lines: [String]
        var x: Double
        var y: Double

        var height: Double { SVGLegend.rowHeight + SVGLegend.lineHeight * Double(lines.count - 1) }
    }

    var box: SVGRect
    var entries: [Entry]

    static let rowHeight = 18.0
    static let lineHeight = 14.0
    /// Swatch (22 px) and the gaps around it, before the label.
    static let labelOffset = 10.0 + 22 + 6
    /// Characters per line in a legend beside the plot, and in one below it.
    static let besideWidth = 28
    static let belowWidth = 40

    /// The width of an entry whose label is `lines`.
    static func entryWidth(_ lines: [String]) -> Double {
        labelOffset + (lines.map { SVGStyle.textWidth($0) }.max() ?? 0) + 10
    }

    /// One column of entries with its top-left corner at (`x`, `y`).
    static func column(_ series: [SeriesPlot.Prepared], at x: Double, _ y: Double) -> SVGLegend {
        var entries: [Entry] = []
        var top = y + 4
        for s in series {
            let entry = Entry(series: s, lines: wrap(s.label ?? "", width: besideWidth), x: x, y: top)
            entries.append(entry)
            top += entry.height
        }
        let width = entries.map { entryWidth($0.lines) }.max() ?? 0
        return SVGLegend(box: SVGRect(x: x, y: y, width: width, height: top - y + 4), entries: entries)
    }

    /// As many columns as fit across `width` from `x`, filled row by row, from `y` down.
    static func rows(_ series: [SeriesPlot.Prepared], x: Double, y: Double, width: Double) -> SVGLegend {
        let wrapped = series.map { wrap($0.label ?? "", width: belowWidth) }
        let columnWidth = min(wrapped.map(entryWidth).max() ?? 0, width)
        let columns = max(1, Int((width + 8) / (columnWidth + 8)))
        var entries: [Entry] = []
        var top = y + 4
        for start in stride(from: 0, to: series.count, by: columns) {
            var rowHeight = 0.0
            for k in start..<min(start + columns, series.count) {
                let entry = Entry(
                    series: series[k], lines: wrapped[k], x: x + Double(k - start) * (columnWidth + 8), y: top)
                rowHeight = max(rowHeight, entry.height)
                entries.append(entry)
            }
            top += rowHeight
        }
        let used = Double(min(columns, series.count)) * (columnWidth + 8) - 8
        return SVGLegend(box: SVGRect(x: x, y: y, width: used, height: top - y + 4), entries: entries)
    }

    /// The same legend moved so that its box starts at (`x`, `y`).
    func moved(to x: Double, _ y: Double) -> SVGLegend {
        let dx = x - box.x
        let dy = y - box.y
        var copy = self
        copy.box.x = x
        copy.box.y = y
        for k in copy.entries.indices {
            copy.entries[k].x += dx
            copy.entries[k].y += dy
        }
        return copy
    }

    /// `text` broken at spaces into lines of at most `width` characters; a longer word is split.
    /// Every character but the breaking spaces is kept, in order.
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(width, 1)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            if !line.isEmpty && line.count + 1 + word.count <= width {
                line += " " + word
                continue
            }
            if !line.isEmpty { lines.append(line) }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            line = String(word)
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
