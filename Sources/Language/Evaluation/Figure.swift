import NTKCore

/// A figure's data (drawing it is the renderer's job): line, scatter and band series, or a
/// heatmap, with what the notebook said about its axes, its look and its place in the page.
package struct Figure: Equatable, Sendable {
    package enum SeriesKind: String, Sendable { case line, scatter, band }

    package struct Series: Equatable, Sendable {
        package var kind: SeriesKind
        package var x: [Double]
        /// The values; for a band, its lower curve.
        package var y: [Double]
        package var label: String?
        /// A band's upper curve (empty for lines and scatters).
        package var upper: [Double] = []
        package var style = SeriesStyle()

        package init(
            kind: SeriesKind, x: [Double], y: [Double], label: String?, upper: [Double] = [],
            style: SeriesStyle = SeriesStyle()
        ) {
            self.kind = kind
            self.x = x
            self.y = y
            self.label = label
            self.upper = upper
            self.style = style
        }
    }

    /// `xlim:`/`ylim:`: the ends of an axis, `lower < upper`, both finite.
    package struct Limits: Equatable, Sendable {
        package var lower: Double
        package var upper: Double

        package init(_ lower: Double, _ upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    package var title: String?
    package var xlabel: String?
    package var ylabel: String?
    package var logX = false
    package var logY = false
    package var xlim: Limits?
    package var ylim: Limits?
    package var series: [Series] = []
    /// Set for `heatmap(K)` figures.
    package var heatmap: Matrix?
    /// The label of a heatmap's colour bar (`heatmap(K, label:)`).
    package var colorbarLabel: String?
    /// `figure(id:)`: the anchor prose links to (`[](#fig-ID)`); letters, digits, `-` and `_`.
    package var id: String?
    /// `figure(caption:)`: the text under the figure on the site, after "Figure N:".
    package var caption: String?

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
    /// Bytes of text the figure carries (title, axis names, labels, caption), for `OutputLimits`.
    var textBytes: Int {
        [title, xlabel, ylabel, colorbarLabel, id, caption].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            + series.reduce(0) { $0 + ($1.label?.utf8.count ?? 0) }
    }

    /// Points of its series (a band's two curves count), for `OutputLimits`.
    var pointCount: Int { series.reduce(0) { $0 + max($1.x.count, $1.y.count) + $1.upper.count } }
}
