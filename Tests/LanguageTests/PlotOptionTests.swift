import NTKCore
import Testing

@testable import Language

/// The figures `plot`, `scatter`, `band`, `heatmap` and `figure` describe: the options a
/// tutorial needs, and a located error for every value they cannot draw.
@Suite struct PlotOptionTests {
    /// The block's figures, in order.
    private func figures(_ code: String) throws -> [Figure] {
        try run(code).outputs.compactMap { if case .figure(let f, _) = $0 { f } else { nil } }
    }

    @Test func styleOptionsReachTheSeries() throws {
        let f = try #require(
            try figures(
                """
                x = [1, 2, 3]
                plot(x, x, label: "a", color: "orange", style: "dashed", width: 3, marker: "square")
                scatter(x, x, color: "#3A8FB7", marker: "diamond", width: 8)
                plot(x, x)
                """
            ).first)
        #expect(f.series.count == 3)
        #expect(f.series[0].style == SeriesStyle(color: "#d55e00", dash: .dashed, width: 3, marker: .square))
        #expect(f.series[1].style == SeriesStyle(color: "#3a8fb7", width: 8, marker: .diamond))
        #expect(f.series[2].style == SeriesStyle())
    }

    @Test func bandHoldsBothCurves() throws {
        let f = try #require(
            try figures("x = [0, 1, 2]\nband(x, [0, 0, 0], [1, 2, 3], label: \"±2σ\", color: \"green\")").first)
        #expect(f.series.count == 1)
        let band = f.series[0]
        #expect(band.kind == .band)
        #expect(band.x == [0, 1, 2] && band.y == [0, 0, 0] && band.upper == [1, 2, 3])
        #expect(band.label == "±2σ" && band.style.color == "#009e73")
        // The band and a later line share the block's figure.
        let shared = try figures("x = [0, 1]\nband(x, x, x + 1)\nplot(x, x + 0.5)")
        #expect(shared.count == 1 && shared[0].series.map(\.kind) == [.band, .line])
    }

    @Test func limitsAndFigureHeader() throws {
        let fs = try figures(
            """
            figure(title: "T", id: "prior-draws", caption: "Ten draws")
            plot([1, 2], [3, 4], xlim: [0, 5], ylim: [-1, 10])
            figure(id: "kernel")
            heatmap(eye(2), label: "k(x, x')")
            heatmap(eye(2))
            """)
        #expect(fs.count == 3)
        #expect(fs[0].title == "T" && fs[0].id == "prior-draws" && fs[0].caption == "Ten draws")
        #expect(fs[0].xlim == Figure.Limits(0, 5) && fs[0].ylim == Figure.Limits(-1, 10))
        // A heatmap takes the header figure() announced, and only the next one does.
        #expect(fs[1].id == "kernel" && fs[1].colorbarLabel == "k(x, x')")
        #expect(fs[2].id == nil && fs[2].colorbarLabel == "value")
    }

    /// Each bad value is an error at its own argument, with a suggestion where one is near.
    @Test(arguments: [
        ("plot([1], [1], color: \"bleu\")", "\"bleu\"", "unknown colour 'bleu' (did you mean 'blue'?)"),
        ("plot([1], [1], color: \"#ffff00\")", "\"#ffff00\"", "against the light page"),
        ("plot([1], [1], color: \"#101010\")", "\"#101010\"", "against the dark page"),
        ("plot([1], [1], style: \"dashd\")", "\"dashd\"", "unknown style 'dashd' (did you mean 'dashed'?)"),
        ("plot([1], [1], marker: \"sqare\")", "\"sqare\"", "unknown marker 'sqare' (did you mean 'square'?)"),
        ("plot([1], [1], width: -2)", "-2", "width must be a positive number of pixels up to 20, got -2"),
        ("plot([1], [1], xlim: [3, 1])", "[3, 1]", "xlim low must be less than high, got [3, 1]"),
        ("plot([1], [1], ylim: [2, 2])", "[2, 2]", "ylim low must be less than high"),
        ("plot([1], [1], xlim: [0, 1, 2])", "[0, 1, 2]", "xlim must be [low, high], two numbers"),
        ("plot([1], [1], xlim: [0, inf])", "[0, inf]", "xlim must be finite"),
        ("plot([1], [1], logx: true, xlim: [0, 1])", "[0, 1]", "xlim of a log axis must be positive"),
        ("band([1, 2], [0, 0], [1])", "[1]", "band(): x has 2 points but high has 1"),
        ("figure(id: \"a b\")", "\"a b\"", "figure id must be 1 to 64 letters, digits, '-' or '_'"),
        ("scatter([1], [1], style: \"dashed\")", "style", "scatter() has no argument 'style'"),
        ("scatter([1], [1], marker: \"none\")", "\"none\"", "marker \"none\" would draw nothing")
    ])
    func badOptionsAreLocatedErrors(_ code: String, _ argument: String, _ message: String) throws {
        let d = try #require(diagnostic(code), "\(code) ran")
        #expect(d.message.contains(message), "\(d.message)")
        // The caret is under the argument's value (for an unknown keyword, under its name).
        let column = try #require(code.range(of: argument)).lowerBound.utf16Offset(in: code) + 1
        #expect(d.range.start.line == 1)
        #expect(d.range.start.column == column, "\(d.range)")
    }

    @Test func namedColoursKeepTheirContrastOnBothPages() {
        for (name, hex) in SeriesStyle.palette {
            #expect(SeriesStyle.hex(forColor: name) == hex)
            for background in [SeriesStyle.backgrounds.light, SeriesStyle.backgrounds.dark] {
                #expect(SeriesStyle.contrast(hex, background) >= 3, "\(name) on \(background)")
            }
        }
        // WCAG's own reference points: black on white is 21:1, a colour on itself 1:1.
        #expect(abs(SeriesStyle.contrast("#000000", "#ffffff") - 21) < 1e-9)
        #expect(SeriesStyle.contrast("#0072b2", "#0072b2") == 1)
        #expect(SeriesStyle.hex(forColor: "#ABC") == "#aabbcc")
        #expect(SeriesStyle.hex(forColor: "grey") == "#7a7a7a")
        #expect(SeriesStyle.hex(forColor: "#12345") == nil)
    }
}
