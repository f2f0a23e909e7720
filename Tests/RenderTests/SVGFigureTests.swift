import Foundation
import NTKCore
import Testing

// @testable for `Figure.Series`'s memberwise initializer, which is internal to Language.
@testable import Language
@testable import Render

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed SVG document, for checking structure.
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This node and all below it, in document order.
    var descendants: [SVGNode] { [self] + children.flatMap(\.descendants) }

    func all(_ name: String) -> [SVGNode] { descendants.filter { $0.name == name } }

    func group(_ cssClass: String) -> SVGNode? { descendants.first { $0.attributes["class"] == cssClass } }

    /// The text of this node and its descendants.
    var allText: String { text + children.map(\.allText).joined() }
}

/// Builds an `SVGNode` tree with Foundation's `XMLParser`, failing on malformed XML.
final class SVGTreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [SVGNode] = []
    private(set) var root: SVGNode?

    static func parse(_ svg: String) throws -> SVGNode {
        let parser = XMLParser(data: Data(svg.utf8))
        let builder = SVGTreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw ParseFailure(description: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    struct ParseFailure: Error, CustomStringConvertible { var description: String }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        let node = SVGNode(name: name, attributes: attributes)
        if let parent = stack.last { parent.children.append(node) } else { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}

// MARK: - Fixtures

private func line(_ x: [Double], _ y: [Double], _ label: String? = nil) -> Figure.Series {
    Figure.Series(kind: .line, x: x, y: y, label: label)
}

private func scatter(_ x: [Double], _ y: [Double], _ label: String? = nil) -> Figure.Series {
    Figure.Series(kind: .scatter, x: x, y: y, label: label)
}

private func figure(_ series: [Figure.Series], title: String? = "T", logX: Bool = false, logY: Bool = false) -> Figure {
    var f = Figure(title: title, xlabel: "x", ylabel: "y")
    f.series = series
    f.logX = logX
    f.logY = logY
    return f
}

private func heatmapFigure(_ m: Matrix, title: String? = "K") -> Figure {
    var f = Figure(title: title)
    f.heatmap = m
    return f
}

/// Figures covering the kinds and the degenerate cases.
private let sampleFigures: [(String, Figure)] = {
    let xs = (0..<50).map { Double($0) / 10 }
    return [
        ("lines", figure([line(xs, xs.map { sin($0) }, "sin"), line(xs, xs.map { cos($0) }, "cos")])),
        ("scatter", figure([scatter([1, 2, 3, 4], [2, 1, 4, 3], "data"), line([1, 4], [1, 4], "fit")])),
        ("log", figure([line([1e-3, 1e-2, 0.1, 1, 10, 100], [1, 10, 100, 1e3, 1e4, 1e5])], logX: true, logY: true)),
        ("one point", figure([scatter([3], [7])])),
        ("all equal", figure([line([1, 2, 3], [5, 5, 5])])),
        ("zeros", figure([line([0, 0], [0, 0])])),
        ("nan and inf", figure([line([1, 2, .nan, 4, .infinity, 6], [1, 2, 3, .nan, 5, -.infinity])])),
        ("all nan", figure([line([.nan, .nan], [.nan, 1])])),
        ("empty", figure([line([], []), scatter([], [], "nothing")])),
        ("no series", figure([], title: nil)),
        ("huge", figure([line([0, 1, 2], [1e300, -1e300, 1.7e308])])),
        ("tiny", figure([scatter([1e-12, 2e-12, 3e-12], [-4e-9, 1e-9, 2e-8])])),
        ("log with non-positive", figure([line([1, 2, 3, 4], [-1, 0, 10, 100])], logY: true)),
        ("many series", figure((0..<16).map { k in line([0, 1], [Double(k), Double(k) + 1], "s\(k)") })),
        ("heatmap", heatmapFigure(Matrix(rows: 5, cols: 5) { i, j in exp(-Double((i - j) * (i - j))) })),
        ("heatmap nan", heatmapFigure(Matrix(rowArrays: [[1, .nan], [.infinity, 2]]))),
        ("heatmap constant", heatmapFigure(Matrix(rows: 3, cols: 4, repeating: 2))),
        ("heatmap 1x1 nan", heatmapFigure(Matrix(rowArrays: [[.nan]]))),
        ("heatmap wide", heatmapFigure(Matrix(rows: 2, cols: 150) { i, j in Double(i + j) }))
    ]
}()

private func allAttributes(_ root: SVGNode) -> [(String, String)] {
    root.descendants.flatMap { node in node.attributes.map { ($0.key, $0.value) } }
}

// MARK: - Tests

@Suite struct SVGFigureTests {
    // MARK: Document

    @Test(arguments: sampleFigures.map(\.0))
    func validXMLWithAccessibleName(_ name: String) throws {
        let f = try #require(sampleFigures.first { $0.0 == name }?.1)
        let svg = SVGFigure.render(f)
        let root = try SVGTreeBuilder.parse(svg)
        #expect(root.name == "svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["viewBox"] == "0 0 640 400")
        #expect(root.attributes["aria-label"] == (f.title ?? (f.heatmap != nil ? "Heatmap" : "Plot")))
        #expect(root.children.first?.name == "title")
        #expect(root.all("desc").count == 1)
        #expect(!svg.contains("<script"))
        // Coordinates are finite, with at most two decimals.
        let coordinate = try Regex(#"^-?\d+(\.\d{1,2})?$"#)
        for (key, value) in allAttributes(root)
        where ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "width", "height"].contains(key) {
            #expect(value.wholeMatch(of: coordinate) != nil, "\(name): \(key)=\"\(value)\"")
        }
        for path in root.all("path") {
            let d = try #require(path.attributes["d"])
            #expect(!d.lowercased().contains("nan") && !d.lowercased().contains("inf"), "\(name): d=\(d)")
        }
    }

    @Test func sameFigureSameBytes() {
        for (name, f) in sampleFigures {
            #expect(SVGFigure.render(f) == SVGFigure.render(f), "\(name)")
        }
        #expect(SVGFigure.render(sampleFigures[0].1, width: 800, height: 500).contains("viewBox=\"0 0 800 500\""))
    }

    @Test func titleIsEscaped() throws {
        let title = "K <&> \"quoted\" 'single'"
        let svg = SVGFigure.render(figure([line([0, 1], [0, 1], "a<b")], title: title))
        #expect(svg.contains("K &lt;&amp;&gt; &quot;quoted&quot; &apos;single&apos;"))
        #expect(!svg.contains("<&>"))
        let root = try SVGTreeBuilder.parse(svg)
        #expect(root.attributes["aria-label"] == title)
        #expect(root.all("title").first?.text == title)
        #expect(root.group("tg-legend")?.allText.contains("a<b") == true)
    }

    @Test func followsTheColourScheme() {
        let svg = SVGFigure.render(sampleFigures[0].1)
        #expect(svg.contains("@media (prefers-color-scheme:dark)"))
        #expect(svg.contains("fill=\"currentColor\""))
        #expect(svg.contains("stroke=\"currentColor\""))
        // Inlined in the site, text takes the page's own colour, whatever sets its theme.
        #expect(svg.contains(".tg-fig{color:var(--fg,#222)}"))
    }

    // MARK: Series

    @Test func onePathPerLineAndOneCirclePerPoint() throws {
        let f = figure([
            line([0, 1, 2], [0, 1, 4], "a"),
            line([0, 1, 2], [4, 1, 0], "b"),
            scatter([0, 0.5, 1, 1.5, 2, 2.5, 3], [1, 2, 3, 2, 1, 2, 3], "c"),
            scatter([], [], "empty")
        ])
        let root = try SVGTreeBuilder.parse(SVGFigure.render(f))
        let data = try #require(root.group("tg-data"))
        #expect(data.all("path").count == 2)
        #expect(data.all("circle").count == 7)
        // The two lines and the scatter differ in colour.
        let colours = Set(
            data.all("path").compactMap { $0.attributes["stroke"] } + data.all("g").compactMap { $0.attributes["fill"] }
        )
        #expect(colours.count == 3)
        // Legend: one entry per labelled series.
        let legend = try #require(root.group("tg-legend"))
        #expect(legend.all("text").map(\.text) == ["a", "b", "c", "empty"])
    }

    @Test func noLegendWithoutLabels() throws {
        let root = try SVGTreeBuilder.parse(SVGFigure.render(figure([line([0, 1], [1, 0])])))
        #expect(root.group("tg-legend") == nil)
    }

    @Test func nanBreaksALineIntoSubpaths() throws {
        let root = try SVGTreeBuilder.parse(SVGFigure.render(figure([line([1, 2, 3, 4, 5], [1, 2, .nan, 4, 5])])))
        let paths = try #require(root.group("tg-data")).all("path")
        #expect(paths.count == 1)
        let d = try #require(paths.first?.attributes["d"])
        #expect(d.filter { $0 == "M" }.count == 2)
        #expect(d.filter { $0 == "L" }.count == 2)
        #expect(root.all("desc").first?.text.contains("1 point with NaN or infinite values skipped") == true)
    }

    @Test func aLonePointStillShows() throws {
        let root = try SVGTreeBuilder.parse(SVGFigure.render(figure([line([1, 2, 3], [1, .nan, 3])])))
        let d = try #require(root.group("tg-data")?.all("path").first?.attributes["d"])
        // Two one-point subpaths, each drawn as a dot by its round cap.
        #expect(d.filter { $0 == "M" }.count == 2)
        #expect(root.group("tg-data")?.all("path").first?.attributes["stroke-linecap"] == "round")
    }

    @Test func logAxisDropsNonPositiveValuesAndSaysSo() throws {
        let svg = SVGFigure.render(figure([line([1, 2, 3, 4], [-1, 0, 10, 100])], logY: true))
        let root = try SVGTreeBuilder.parse(svg)
        #expect(root.all("desc").first?.text.contains("2 non-positive y values dropped (log scale)") == true)
        let d = try #require(root.group("tg-data")?.all("path").first?.attributes["d"])
        #expect(d.filter { $0 == "M" }.count == 1)
        // Powers of ten are labelled with superscript exponents.
        let labels = try #require(root.descendants.first { $0.attributes["class"] == "tg-ticks" }).all("text").map(
            \.allText)
        #expect(labels.contains("101") && labels.contains("102"))
    }

    @Test func legendStaysOffTheData() throws {
        // Data fills the upper right; the legend goes to another corner.
        let xs = (0..<20).map { Double($0) }
        let root = try SVGTreeBuilder.parse(SVGFigure.render(figure([scatter(xs, xs.map { $0 * $0 }, "squares")])))
        let box = try #require(root.group("tg-legend")?.all("rect").first)
        let x = try #require(Double(box.attributes["x"] ?? ""))
        let y = try #require(Double(box.attributes["y"] ?? ""))
        let w = try #require(Double(box.attributes["width"] ?? ""))
        let h = try #require(Double(box.attributes["height"] ?? ""))
        for c in try #require(root.group("tg-data")).all("circle") {
            let cx = try #require(Double(c.attributes["cx"] ?? ""))
            let cy = try #require(Double(c.attributes["cy"] ?? ""))
            #expect(
                !(cx >= x - 3 && cx <= x + w + 3 && cy >= y - 3 && cy <= y + h + 3),
                "point (\(cx), \(cy)) under the legend")
        }
    }

    // MARK: Ticks

    @Test func niceTicksForTypicalRanges() {
        #expect(Axis.linear(0, 1).ticks.map(\.value) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Axis.linear(0, 1).ticks.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(Axis.linear(-3.7, 12.1).ticks.map(\.value) == [-5, 0, 5, 10, 15])
        #expect(Axis.linear(1e-9, 3e-9).ticks.map(\.value) == [1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9])
        #expect(Axis.linear(1e-9, 3e-9).ticks.map(\.label) == ["1e-9", "1.5e-9", "2e-9", "2.5e-9", "3e-9"])
        #expect(Axis.linear(0, 2.5e6).ticks.map(\.label) == ["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6"])
        #expect(Axis.linear(0, 1e-8).ticks.map(\.label).contains("1e-8"))
        #expect(Axis.linear(0, 450_000).ticks.map(\.label).contains("400000"))
        #expect(Axis.linear(-0.013, 0.0021).ticks.map(\.label) == ["-0.015", "-0.01", "-0.005", "0", "0.005"])
        // Labels relative to an offset when the ticks share many digits.
        let narrow = Axis.linear(2000, 2000.001)
        #expect(narrow.offset == "+2000")
        #expect(narrow.ticks.map(\.label) == ["0", "0.0002", "0.0004", "0.0006", "0.0008", "0.001"])
        #expect(narrow.ticks.last?.value == 2000.001)
        #expect(Axis.linear(1.4, 1.4000007).offset == "+1.4")
        #expect(Axis.linear(-5000002.5, -5e6).offset == "-5e6")
        #expect(Axis.linear(-5000002.5, -5e6).ticks.map(\.label) == ["-2.5", "-2", "-1.5", "-1", "-0.5", "0"])
        #expect(Axis.linear(-5_000_002, -4_999_998).offset == "-5e6")
        #expect(Axis.linear(-5_000_002, -4_999_998).ticks.map(\.label) == ["-2", "-1", "0", "1", "2"])
        #expect(Axis.linear(1234567.1, 1234568.3).offset == "+1.234567e6")
        #expect(Axis.linear(0.999, 1.001).offset == nil)
        let log = Axis.log(1e-3, 1e2)
        #expect(log.ticks.map(\.value) == [1e-3, 1e-2, 0.1, 1, 10, 100])
        #expect(log.ticks.map(\.text) == ["10^-3", "10^-2", "10^-1", "10^0", "10^1", "10^2"])
        #expect(log.minorTicks.count == 5 * 8)
        #expect(Axis.log(2, 5).ticks.map(\.value) == [1, 10])
        #expect(Axis.log(10, 10).ticks.map(\.value) == [1, 10, 100])
        // Many decades: every other (or third …) decade is labelled.
        let wide = Axis.log(1e-20, 1e20)
        #expect(wide.ticks.count <= 8 && wide.ticks.first!.value <= 1e-20 && wide.ticks.last!.value >= 1e20)
    }

    @Test func niceTicksOverAGridOfRanges() {
        var ranges: [(Double, Double)] = []
        for scale in [1e-12, 1e-9, 1e-3, 0.7, 1, 3, 1e3, 2.5e6, 1e12, 1e200] {
            for (a, b) in [
                (0.0, 1.0), (-3.7, 12.1), (1, 3), (0.1, 0.11), (-1, -0.2), (17, 1000), (-5, 5), (0.999, 1.001),
                (2, 2.000001)
            ] {
                ranges.append((a * scale, b * scale))
            }
        }
        ranges += [(5, 5), (0, 0), (-7, -7), (.nan, 1), (0, .infinity)]
        for (lo, hi) in ranges {
            let axis = Axis.linear(lo, hi)
            let values = axis.ticks.map(\.value)
            #expect((4...8).contains(values.count), "\(lo)…\(hi): \(values)")
            if lo.isFinite && hi.isFinite && hi > lo {
                #expect(axis.lower <= lo && axis.upper >= hi, "\(lo)…\(hi) not covered by \(axis.lower)…\(axis.upper)")
            }
            // Equal steps of 1, 2 or 5 × 10^k, and distinct labels.
            let steps = zip(values.dropFirst(), values).map { $0 - $1 }
            guard let step = steps.first, step > 0 else {
                Issue.record("\(lo)…\(hi): no step")
                continue
            }
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-6 }, "\(lo)…\(hi): step \(step)")
            #expect(steps.allSatisfy { abs($0 - step) <= step * 1e-6 }, "\(lo)…\(hi): uneven \(values)")
            #expect(Set(axis.ticks.map(\.label)).count == values.count, "\(lo)…\(hi): \(axis.ticks.map(\.label))")
            // Compact: at most five significant digits a label.
            let significant = axis.ticks.map { t in
                t.label.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }.reversed().drop { $0 == "0" }
                    .count
            }
            #expect(significant.allSatisfy { $0 <= 5 }, "\(lo)…\(hi): \(axis.ticks.map(\.label))")
        }
    }

    @Test func extremeRangesGiveFiniteTicks() {
        for (lo, hi) in [
            (1e300, 1.7e308), (-1.7e308, 1.7e308), (Double.leastNonzeroMagnitude, 2 * Double.leastNonzeroMagnitude),
            (-Double.greatestFiniteMagnitude, 0)
        ] {
            let axis = Axis.linear(lo, hi)
            #expect(axis.ticks.count >= 2 && axis.ticks.allSatisfy { $0.value.isFinite }, "\(lo)…\(hi): \(axis.ticks)")
            #expect(axis.lower.isFinite && axis.upper.isFinite && axis.lower < axis.upper)
        }
        for (lo, hi) in [(Double.leastNonzeroMagnitude, 1.7e308), (1e-299, 1e298), (3e-200, 1e-3)] {
            let log = Axis.log(lo, hi)
            #expect(log.ticks.count <= 8 && log.ticks.allSatisfy { $0.value.isFinite && $0.value > 0 }, "\(lo)…\(hi)")
            #expect(log.lower > 0 && log.upper.isFinite)
        }
    }

    @Test func innerTicksStayInsideTheRange() {
        #expect(
            Axis.innerTicks(0, 99, maxTicks: 10, integers: true).map(\.value) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
        )
        #expect(Axis.innerTicks(0, 299, maxTicks: 6, integers: true).map(\.value) == [0, 50, 100, 150, 200, 250])
        #expect(Axis.innerTicks(0, 4, maxTicks: 10, integers: true).map(\.value) == [0, 1, 2, 3, 4])
        #expect(Axis.innerTicks(0, 0, maxTicks: 10, integers: true).map(\.value) == [0])
        #expect(Axis.innerTicks(0.13, 0.97, maxTicks: 6).map(\.value) == [0.2, 0.4, 0.6, 0.8])
    }

    @Test func compactNumbers() {
        #expect(SVGWriter.number(3.14159) == "3.14")
        #expect(SVGWriter.number(12.5) == "12.5")
        #expect(SVGWriter.number(7.0) == "7")
        #expect(SVGWriter.number(0.05) == "0.05")
        #expect(SVGWriter.number(-0.001) == "0")
        #expect(SVGWriter.number(-2.999) == "-3")
        #expect(SVGWriter.number(.nan) == "0")
        #expect(SVGWriter.tickLabels([-2.5e-7, 0, 1e-6], stepExponent: -8) == ["-2.5e-7", "0", "1e-6"])
        #expect(SVGWriter.tickLabels([1e20, 1.5e20], stepExponent: 19) == ["1e20", "1.5e20"])
        #expect(SVGWriter.tickLabels([0.3, 0.35, -1], stepExponent: -2) == ["0.3", "0.35", "-1"])
        #expect(SVGWriter.shortest(1.4) == "1.4")
        #expect(SVGWriter.shortest(5e6) == "5e6")
        #expect(SVGWriter.shortest(1e-12) == "1e-12")
        #expect(SVGWriter.shortest(2000) == "2000")
    }

    // MARK: Heatmaps

    @Test func viridisEndpointsAndMonotoneLuminance() {
        #expect(Colormap.viridisHex(0) == "#440154")
        #expect(Colormap.viridisHex(1) == "#fde725")
        #expect(Colormap.viridisHex(0.5) == "#21918c")  // matplotlib's viridis(0.5)
        #expect(Colormap.viridisTable.count == 256)
        func luminance(_ c: (red: Double, green: Double, blue: Double)) -> Double {
            func linear(_ s: Double) -> Double {
                s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * linear(c.red) + 0.7152 * linear(c.green) + 0.0722 * linear(c.blue)
        }
        let ys = (0..<256).map { luminance(Colormap.viridis((Double($0) + 0.5) / 256)) }
        #expect(zip(ys.dropFirst(), ys).allSatisfy { $0 > $1 })
    }

    @Test func smallHeatmapHasOneRectPerCell() throws {
        let m = Matrix(rows: 7, cols: 5) { i, j in Double(i * 5 + j) }
        let root = try SVGTreeBuilder.parse(SVGFigure.render(heatmapFigure(m)))
        let cells = try #require(root.group("tg-cells")).all("rect")
        #expect(cells.count == 35)
        // Row-major: the first cell is the minimum (viridis start), the last the maximum.
        #expect(cells.first?.attributes["fill"] == "#440154")
        #expect(cells.last?.attributes["fill"] == "#fde725")
        #expect(root.group("tg-colorbar") != nil)
        #expect(root.group("tg-colorbar-ticks")?.all("text").isEmpty == false)
    }

    @Test func largeHeatmapIsDownsampled() throws {
        let m = Matrix(rows: 300, cols: 300) { i, j in sin(Double(i) / 30) * cos(Double(j) / 40) }
        let svg = SVGFigure.render(heatmapFigure(m))
        let root = try SVGTreeBuilder.parse(svg)
        let cells = try #require(root.group("tg-cells")).all("rect")
        #expect(cells.count <= 100 * 100)
        #expect(cells.count == 100 * 100)
        #expect(
            root.all("desc").first?.text.contains(
                "the 300×300 matrix is drawn as 100×100 cells, each the mean of a 3×3 block") == true)
        // Index labels refer to the original matrix.
        let labels = root.descendants.filter { $0.attributes["class"] == "tg-ticks" }.flatMap { $0.all("text") }.map(
            \.text)
        #expect(labels.contains("250") || labels.contains("200"))
    }

    @Test func blockAveragesSkipNaN() {
        let m = Matrix(rows: 202, cols: 1) { i, _ in i == 0 ? .nan : Double(i) }
        let (values, rowBlock, colBlock) = HeatmapPlot.downsample(m)
        #expect(rowBlock == 3 && colBlock == 1)
        #expect(values.rows == 68 && values.cols == 1)
        #expect(values[0, 0] == 1.5)  // mean of 1, 2 (NaN left out)
        #expect(values[67, 0] == 201)  // a last, partial block
    }

    @Test func nanCellsAreGrey() throws {
        let root = try SVGTreeBuilder.parse(SVGFigure.render(heatmapFigure(Matrix(rowArrays: [[1, .nan], [3, 4]]))))
        let cells = try #require(root.group("tg-cells")).all("rect")
        #expect(
            cells.map { $0.attributes["fill"] ?? "" } == ["#440154", "#d9d9d9", Colormap.viridisHex(2.0 / 3), "#fde725"]
        )
        #expect(cells[1].attributes["class"] == "tg-nan")
        #expect(root.all("desc").first?.text.contains("1 NaN cell drawn in grey") == true)
    }

    /// A figure's least width keeps its smallest text at 10 px: the 11 px tick labels of a
    /// linear figure allow 640 · 10 / 11 px; a log axis's 10 px exponents, no shrinking at all.
    /// The rule is scoped to a figure inside a page (a standalone file's root has no parent).
    @Test func theLeastWidthKeepsTheSmallestTextAtTenPixels() throws {
        for (figure, smallest) in [
            (figure([line([0, 1, 2], [1, 2, 3], "a")]), 11.0),
            (figure([line([1, 10, 100], [1, 10, 100], "a")], logX: true, logY: true), 10.0),
            (heatmapFigure(Matrix(rowArrays: [[1, 2], [3, 4]])), 11.0)
        ] {
            let svg = SVGFigure.render(figure)
            let least = Int((640 * 10 / smallest).rounded(.up))
            let root = try SVGTreeBuilder.parse(svg)
            #expect(root.attributes["class"] == "tg-fig tg-min-\(least)")
            #expect(svg.contains(":not(svg)>.tg-min-\(least){min-width:\(least)px}"))
            let sizes = svg.matches(of: /font-size="([0-9.]+)"/).compactMap { Double($0.output.1) }
            #expect(sizes.min() == smallest, "\(sizes)")
        }
    }
}
