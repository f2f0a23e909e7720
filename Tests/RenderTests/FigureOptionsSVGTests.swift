import Foundation
import NTKCore
import Testing

@testable import Language
@testable import Render

/// The drawing of what `band`, `color:`/`style:`/`width:`/`marker:`, `xlim:`/`ylim:` and
/// `heatmap(label:)` ask for, and legends that list every series with whole labels.
@Suite struct FigureOptionsSVGTests {
    private func figure(_ series: [Figure.Series]) -> Figure {
        var f = Figure(title: "T", xlabel: "x", ylabel: "y")
        f.series = series
        return f
    }

    private func line(_ x: [Double], _ y: [Double], _ label: String? = nil, _ style: SeriesStyle = SeriesStyle())
        -> Figure.Series
    {
        Figure.Series(kind: .line, x: x, y: y, label: label, style: style)
    }

    private func double(_ node: SVGNode, _ key: String) throws -> Double {
        try #require(Double(node.attributes[key] ?? ""), "\(node.name) has no numeric \(key)")
    }

    /// The (x, y) pairs of a path's `d` made of M, L and Z commands.
    private func vertices(_ d: String) -> [(Double, Double)] {
        d.split(whereSeparator: { "MLZ".contains($0) }).compactMap { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    // MARK: Legend

    @Test func aLegendOfTwentySeriesListsTwenty() throws {
        let series = (0..<20).map { k in line([0, 1], [Double(k), Double(k) + 1], "series \(k)") }
        let svg = SVGFigure.render(figure(series))
        let root = try SVGTreeBuilder.parse(svg)
        let legend = try #require(root.group("tg-legend"))
        #expect(legend.all("text").map(\.allText) == (0..<20).map { "series \($0)" })
        #expect(!svg.contains("more"))
        // The legend does not fit beside a 400-pixel plot: it goes below, and the figure grows.
        let box = try #require(legend.all("rect").first)
        let height = try double(root, "height")
        #expect(height > 400)
        #expect(try double(box, "y") >= 400 - 1)
        #expect(try double(box, "y") + double(box, "height") <= height)
        #expect(root.attributes["viewBox"] == "0 0 640 \(Int(height))")
        // Past the palette's seven colours, the second round is dashed and the third dotted.
        let paths = try #require(root.group("tg-data")).all("path")
        #expect(paths.count == 20)
        #expect(paths[0].attributes["stroke-dasharray"] == nil)
        #expect(paths[7].attributes["stroke-dasharray"] == "6 4")
        #expect(paths[14].attributes["stroke-dasharray"] == "0.5 4")
        #expect(paths[0].attributes["stroke"] == paths[7].attributes["stroke"])
    }

    @Test func aLongLabelIsWrappedNotCut() throws {
        let label = "the NNGP posterior mean with a band of two standard deviations on either side"
        let svg = SVGFigure.render(figure([line([0, 1], [0, 1], label), line([0, 1], [1, 0], "short")]))
        #expect(!svg.contains("…"))
        let root = try SVGTreeBuilder.parse(svg)
        let texts = try #require(root.group("tg-legend")).all("text")
        #expect(texts.count == 2)
        let lines = texts[0].all("tspan").map(\.text)
        #expect(lines.count >= 2)
        #expect(lines.joined(separator: " ") == label)
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(texts[1].text == "short")
    }

    @Test func wrappingKeepsEveryCharacter() {
        #expect(SVGLegend.wrap("a bb ccc", width: 4) == ["a bb", "ccc"])
        #expect(SVGLegend.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(SVGLegend.wrap("", width: 4) == [""])
        #expect(SVGLegend.wrap("x  y", width: 10) == ["x y"])
    }

    // MARK: Bands and styles

    @Test func aBandIsAFilledPathBetweenItsCurves() throws {
        let x: [Double] = [0, 1, 2, 3]
        let band = Figure.Series(
            kind: .band, x: x, y: [0, 1, 0, 1], label: "±2σ", upper: [2, 3, 2, 3],
            style: SeriesStyle(color: "#009e73"))
        let root = try SVGTreeBuilder.parse(SVGFigure.render(figure([band, line(x, [1, 2, 1, 2], "mean")])))
        let data = try #require(root.group("tg-data"))
        let area = try #require(data.all("path").first { $0.attributes["class"] == "tg-band" })
        #expect(area.attributes["fill"] == "#009e73")
        let d = try #require(area.attributes["d"])
        #expect(d.hasSuffix("Z"))
        let points = vertices(d)
        #expect(points.count == 8)
        // Along the upper curve left to right, then back along the lower one: the x pixels go
        // up then down, and at each x the upper curve is drawn above (smaller y) the lower.
        let xs = points.map(\.0)
        #expect(Array(xs[0..<4]) == xs[0..<4].sorted() && Array(xs[4...]) == xs[4...].sorted(by: >))
        for k in 0..<4 {
            #expect(xs[k] == xs[7 - k])
            #expect(points[k].1 < points[7 - k].1)
        }
        // The band is drawn under the line, and listed in the legend with a filled swatch.
        #expect(data.all("path").firstIndex { $0.attributes["class"] == "tg-band" } == 0)
        let legend = try #require(root.group("tg-legend"))
        #expect(legend.all("rect").contains { $0.attributes["fill"] == "#009e73" })
        #expect(legend.all("text").map(\.allText) == ["±2σ", "mean"])
    }

    @Test func styleWidthColourAndMarkerAreDrawn() throws {
        let x: [Double] = [0, 1, 2]
        let root = try SVGTreeBuilder.parse(
            SVGFigure.render(
                figure([
                    line(x, x, "dashed", SeriesStyle(color: "#d55e00", dash: .dashed, width: 3)),
                    line(x, [2, 1, 0], "dotted", SeriesStyle(dash: .dotted, marker: .square)),
                    Figure.Series(
                        kind: .scatter, x: x, y: [1, 1, 1], label: "tri", style: SeriesStyle(marker: .triangle))
                ])))
        let data = try #require(root.group("tg-data"))
        let lines = data.children.filter { $0.name == "path" }
        #expect(lines.count == 2)
        #expect(lines[0].attributes["stroke-dasharray"] == "6 4")
        #expect(lines[0].attributes["stroke"] == "#d55e00")
        #expect(lines[0].attributes["stroke-width"] == "3")
        #expect(lines[1].attributes["stroke-dasharray"] == "0.5 4")
        // One square per point of the dotted line, one triangle (a closed path) per scatter point.
        #expect(data.all("rect").count == 3)
        let groups = data.children.filter { $0.name == "g" }
        #expect(groups.count == 2)
        #expect(
            groups[1].all("path").count == 3 && groups[1].all("path").allSatisfy { $0.attributes["d"]!.hasSuffix("Z") })
        // The legend repeats each look.
        let legend = try #require(root.group("tg-legend"))
        #expect(legend.all("line").first?.attributes["stroke-dasharray"] == "6 4")
    }

    // MARK: Limits

    @Test func xlimSetsTheAxisAndClipsTheData() throws {
        var f = figure([
            line([0, 5, 10], [0, 5, 10], "line"),
            Figure.Series(kind: .scatter, x: [1, 3, 9], y: [1, 3, 9], label: "points")
        ])
        f.xlim = Figure.Limits(2, 6)
        f.ylim = Figure.Limits(0, 8)
        let root = try SVGTreeBuilder.parse(SVGFigure.render(f))
        // Ticks only inside the limits, and the first and last at the axis ends when they are nice.
        let ticks = try #require(root.group("tg-ticks")).all("text").map(\.allText)
        #expect(ticks.starts(with: ["2", "3", "4", "5", "6"]))
        // The data group is clipped to a rectangle that is the plot frame.
        let data = try #require(root.group("tg-data"))
        let clip = try #require(data.attributes["clip-path"])
        let clipPath = try #require(root.all("clipPath").first)
        #expect(clip == "url(#\(clipPath.attributes["id"] ?? ""))")
        let rect = try #require(clipPath.all("rect").first)
        let axes = try #require(root.group("tg-axes")).all("line")
        #expect(try double(rect, "x") == double(axes[0], "x1"))
        #expect(try double(rect, "y") + double(rect, "height") == double(axes[1], "y1"))
        #expect(try double(rect, "x") + double(rect, "width") == double(axes[1], "x2"))
        // Scatter points outside the limits are not drawn: only x = 3 is inside [2, 6].
        #expect(data.all("circle").count == 1)
    }

    // MARK: Heatmap

    @Test func theColourBarHasALabel() throws {
        var f = Figure(title: "K")
        f.heatmap = Matrix(rowArrays: [[1, 0], [0, 1]])
        let plain = try SVGTreeBuilder.parse(SVGFigure.render(f))
        #expect(plain.descendants.first { $0.attributes["class"] == "tg-colorbar-label" }?.text == "value")
        f.colorbarLabel = "k(x, x′)"
        let labelled = try SVGTreeBuilder.parse(SVGFigure.render(f))
        let label = try #require(labelled.descendants.first { $0.attributes["class"] == "tg-colorbar-label" })
        #expect(label.text == "k(x, x′)")
        // Right of the colour bar, inside the figure.
        let bar = try #require(
            labelled.descendants.first { $0.name == "rect" && $0.attributes["stroke-opacity"] == "0.35" })
        #expect(try double(label, "x") > double(bar, "x") + double(bar, "width"))
        #expect(try double(label, "x") < 640)
    }
}

extension FigureOptionsSVGTests {
    /// Series are drawn in their full colour (a translucent marker or line would lose its 3:1
    /// contrast with the page); only a band's fill is a tint, and its edges carry the colour.
    @Test func seriesColoursAreOpaque() throws {
        let x: [Double] = [0, 1, 2]
        var f = Figure(title: "T")
        let kinds: [Figure.SeriesKind] = [.band, .line, .scatter]
        for k in 0..<9 {
            let shift = Double(k)
            let y = x.map { $0 + shift }
            let upper: [Double] = kinds[k % 3] == .band ? y.map { $0 + 1 } : []
            f.series.append(Figure.Series(kind: kinds[k % 3], x: x, y: y, label: "s\(k)", upper: upper))
        }
        let root = try SVGTreeBuilder.parse(SVGFigure.render(f))
        let data = try #require(root.group("tg-data"))
        let palette = Set(SeriesStyle.palette.map(\.hex))
        for node in data.descendants where palette.contains(node.attributes["fill"] ?? node.attributes["stroke"] ?? "")
        {
            if node.attributes["class"] == "tg-band" { continue }
            #expect(
                node.attributes["fill-opacity"] == nil && node.attributes["stroke-opacity"] == nil, "\(node.attributes)"
            )
        }
        let edges = data.all("path").filter { $0.attributes["class"] == "tg-band-edge" }
        #expect(edges.count == 3 && edges.allSatisfy { palette.contains($0.attributes["stroke"] ?? "") })
    }

    @Test func wideCharactersWidenTheLegend() throws {
        let narrow = SVGLegend.column([], at: 0, 0)
        #expect(narrow.entries.isEmpty)
        #expect(SVGStyle.textWidth("核函数") == 3 * 12)
        #expect(SVGStyle.textWidth("abc") == 3 * 12 * 0.6)
    }
}

extension FigureOptionsSVGTests {
    @Test func limitsOnALogAxisTickThePowersOfTenInside() throws {
        var f = Figure(title: "T")
        f.series = [Figure.Series(kind: .line, x: [0.1, 1, 10, 1000], y: [1, 2, 3, 4], label: nil)]
        f.logX = true
        f.xlim = Figure.Limits(0.5, 200)
        let axis = Axis.fixed(0.5, 200, log: true, maxTicks: 8)
        #expect(axis.lower == 0.5 && axis.upper == 200)
        #expect(axis.ticks.map(\.text) == ["10^0", "10^1", "10^2"])
        #expect(axis.minorTicks.allSatisfy { $0 >= 0.5 && $0 <= 200 })
        let root = try SVGTreeBuilder.parse(SVGFigure.render(f))
        #expect(root.group("tg-data")?.attributes["clip-path"] != nil)
    }

    @Test func clipIdsDifferBetweenFiguresOfOnePage() throws {
        func clipped(_ y: [Double]) throws -> String {
            var f = Figure(title: "T")
            f.series = [Figure.Series(kind: .line, x: [0, 1], y: y, label: nil)]
            f.ylim = Figure.Limits(0, 1)
            let root = try SVGTreeBuilder.parse(SVGFigure.render(f))
            return try #require(root.all("clipPath").first?.attributes["id"])
        }
        #expect(try clipped([0, 1]) != clipped([1, 0]))
        #expect(try clipped([0, 1]) == clipped([0, 1]))
    }
}

extension FigureOptionsSVGTests {
    /// A wide band leaves no corner empty even where no curve passes: the legend goes elsewhere.
    @Test func theLegendStaysOffABandsShading() throws {
        let x = (0...20).map { Double($0) }
        var f = Figure(title: "T")
        // Its edges run along the frame, so no curve passes under a corner's legend.
        f.series = [
            Figure.Series(kind: .band, x: x, y: x.map { _ in -10 }, label: "wide band", upper: x.map { _ in 10 })
        ]
        let root = try SVGTreeBuilder.parse(SVGFigure.render(f))
        let box = try #require(root.group("tg-legend")?.all("rect").first)
        let frame = try #require(root.group("tg-axes")).all("line")
        let plotLeft = try double(frame[0], "x1")
        let plotRight = try double(frame[1], "x2")
        let plotBottom = try double(frame[1], "y1")
        let boxX = try double(box, "x")
        let boxY = try double(box, "y")
        let boxWidth = try double(box, "width")
        // Beside or below the plot, not over the shading.
        #expect(boxX >= plotRight || boxY >= plotBottom || boxX + boxWidth <= plotLeft)
    }
}
