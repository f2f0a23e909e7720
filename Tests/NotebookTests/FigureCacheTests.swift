import Foundation
import Language
import TangentSupport
import TestSupport
import Testing

@testable import Notebook

/// Figures are stored values: every option a figure carries comes back from the cache as it was
/// drawn, and damaged bytes are never read as a figure.
@Suite struct FigureCacheTests {
    let notebook = """
        ```ntk {#fig}
        x = [1, 2, 3]
        figure(title: "T", id: "prior", caption: "Ten draws")
        band(x, x - 1, x + 1, label: "±2σ", color: "green", xlim: [0, 4], ylim: [-1, 5])
        plot(x, x, label: "mean", color: "#3a8fb7", style: "dotted", width: 2.5, marker: "diamond")
        scatter(x, x, marker: "cross", width: 9)
        heatmap(eye(2), label: "k")
        ```

        """

    @Test func everyOptionSurvivesTheCache() throws {
        let p = try Project()
        defer { p.remove() }
        let first = try p.run(notebook)
        #expect(first.blocks.map(\.status) == [.ran])
        let second = try p.run(notebook)
        #expect(second.blocks.map(\.status) == [.cached])
        #expect(second.blocks[0].outputs == first.blocks[0].outputs)
        guard case .figure(let f, _) = try #require(second.blocks[0].outputs.first) else {
            Issue.record("not a figure")
            return
        }
        #expect(f.id == "prior" && f.caption == "Ten draws" && f.xlim == Figure.Limits(0, 4))
        #expect(f.series.map(\.kind) == [.band, .line, .scatter])
        #expect(f.series[0].upper == [2, 3, 4])
        #expect(f.series[1].style == SeriesStyle(color: "#3a8fb7", dash: .dotted, width: 2.5, marker: .diamond))
    }

    @Test func aFigureDecodesToItselfAndDamageIsNil() throws {
        let p = try Project()
        defer { p.remove() }
        for item in try p.run(notebook).blocks[0].outputs {
            var w = BinaryWriter()
            item.encode(into: &w)
            var r = BinaryReader(w.bytes)
            #expect(DisplayItem.decode(from: &r) == item)
            // Every truncation is refused, never read as a smaller figure.
            for cut in stride(from: 0, to: w.bytes.count, by: 7) {
                var short = BinaryReader(Array(w.bytes.prefix(cut)))
                #expect(DisplayItem.decode(from: &short) == nil, "decoded from \(cut) of \(w.bytes.count) bytes")
            }
        }
    }
}
