import Foundation
import Language
import NTKCore
import Testing

@testable import Render

/// `export` copies a figure file from the repository into a Jupyter notebook only when it can be
/// an SVG Tangent drew: no script, handler, link or embedded document.
@Suite struct DrawnFigureTests {
    static let notebooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("notebooks")

    @Test func everyFigureTangentDrawsPasses() throws {
        var drawn: [String] = []
        var plot = Figure()
        plot.series = [
            Figure.Series(kind: .line, x: [0, 1, 2], y: [0, 1, 4], label: "a <b> onload=1"),
            Figure.Series(kind: .scatter, x: [0, 1, 2], y: [1, 2, 3], label: nil)
        ]
        plot.title = "on = \"x\" onload"
        drawn.append(SVGFigure.render(plot))
        drawn.append(SVGFigure.matrixHeatmap(Matrix(rows: 30, cols: 30) { i, j in Double(i * j) }))
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.notebooks.path).filter {
            $0.hasSuffix(".figures")
        }
        for folder in folders {
            let dir = Self.notebooks.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".svg") {
                drawn.append(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
            }
        }
        #expect(drawn.count > 20)
        for svg in drawn { #expect(SVGFigure.isDrawnFigure(svg), "\(svg.prefix(200))") }
    }

    @Test(arguments: [
        "<script>alert(1)</script>", "<g onload=\"alert(1)\"/>", "<g\tonclick = \"x\"/>", "<a href=\"https://x\"/>",
        "<a xlink:href=\"javascript:alert(1)\"/>", "<foreignObject><body/></foreignObject>",
        "<image x=\"0\" y=\"0\"/>", "<rect style=\"fill: url(https://x/a.png)\"/>", "<use x=\"1\"/>",
        "<style>@import 'https://x/y.css';</style>"
    ])
    func hostileContentIsRefused(_ inner: String) {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\(inner)</svg>"
        #expect(!SVGFigure.isDrawnFigure(svg))
    }

    @Test func onlyAnSVGDocumentPasses() {
        #expect(!SVGFigure.isDrawnFigure("<html><svg xmlns=\"http://www.w3.org/2000/svg\"></svg></html>"))
        #expect(!SVGFigure.isDrawnFigure("-----BEGIN OPENSSH PRIVATE KEY-----"))
        #expect(
            SVGFigure.isDrawnFigure(
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><g clip-path=\"url(#tg-clip-1)\"/></svg>"))
    }
}
