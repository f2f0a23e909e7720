import NTKCore

/// What a block shows: values from `show`, text from `print`, figures from `plot` and friends.
package enum DisplayItem: Equatable, Sendable {
    case value(Value, caption: String?, range: SourceRange)
    case text(String, range: SourceRange)
    case figure(Figure, range: SourceRange)
}

/// A figure's data (drawing it is the renderer's job): line and scatter series, or a heatmap.
package struct Figure: Equatable, Sendable {
    package enum SeriesKind: String, Sendable { case line, scatter }

    package struct Series: Equatable, Sendable {
        package var kind: SeriesKind
        package var x: [Double]
        package var y: [Double]
        package var label: String?

        package init(kind: SeriesKind, x: [Double], y: [Double], label: String?) {
            self.kind = kind
            self.x = x
            self.y = y
            self.label = label
        }
    }

    package var title: String?
    package var xlabel: String?
    package var ylabel: String?
    package var logX = false
    package var logY = false
    package var series: [Series] = []
    /// Set for `heatmap(K)` figures.
    package var heatmap: Matrix?

    package init(title: String? = nil, xlabel: String? = nil, ylabel: String? = nil) {
        self.title = title
        self.xlabel = xlabel
        self.ylabel = ylabel
    }

    /// A one-line description for the terminal.
    package var summary: String {
        var parts: [String] = []
        if let h = heatmap { parts.append("heatmap \(h.shapeDescription)") }
        if !series.isEmpty {
            let points = series.reduce(0) { $0 + $1.x.count }
            parts.append("\(series.count) series, \(points) points")
            let labels = series.compactMap(\.label)
            if !labels.isEmpty { parts.append("labels: " + labels.joined(separator: ", ")) }
        }
        return "figure" + (title.map { " \"\($0)\"" } ?? "") + ": " + parts.joined(separator: "; ")
    }
}

extension Figure {
    /// Bytes of text the figure carries (title, axis names, series labels), for `OutputLimits`.
    var textBytes: Int {
        [title, xlabel, ylabel].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            + series.reduce(0) { $0 + ($1.label?.utf8.count ?? 0) }
    }

    /// Points of its line and scatter series, for `OutputLimits`.
    var pointCount: Int { series.reduce(0) { $0 + max($1.x.count, $1.y.count) } }
}

extension DisplayItem {
    /// Bytes of text this output adds to what its block shows, for `OutputLimits`: a value as
    /// `print` writes it (a large matrix as its summary) with its caption; a figure's texts.
    var textBytes: Int {
        switch self {
        case .value(let v, let caption, _): return ValueFormatter.text(v).utf8.count + (caption?.utf8.count ?? 0)
        case .text(let t, _): return t.utf8.count
        case .figure(let f, _): return f.textBytes
        }
    }

    /// The same output with its source lines moved by `lines` (cached outputs are stored
    /// relative to their block, which may have moved in the file since).
    package func shifted(by lines: Int) -> DisplayItem {
        switch self {
        case .value(let v, let caption, let r): return .value(v, caption: caption, range: r.shifted(by: lines))
        case .text(let t, let r): return .text(t, range: r.shifted(by: lines))
        case .figure(let f, let r): return .figure(f, range: r.shifted(by: lines))
        }
    }
}

extension SourceRange {
    package func shifted(by lines: Int) -> SourceRange {
        SourceRange(
            SourceLocation(line: start.line + lines, column: start.column),
            SourceLocation(line: end.line + lines, column: end.column))
    }
}
