import Foundation
import NTKCore
import Testing

@testable import Language

/// What one block may show is capped (`OutputLimits`): text, figures and plotted points. The
/// statement that passes a cap fails with a located error saying the limit.
@Suite struct OutputLimitTests {
    /// Code binding `name` to a string of 2^`power` copies of `unit` (the language has no loops).
    static func doubled(_ name: String, _ unit: String, power: Int) -> String {
        "\(name) = \"\(unit)\"\n" + String(repeating: "\(name) = \(name) + \(name)\n", count: power)
    }

    /// log2 of the text cap (a power of two).
    static let capPower: Int = {
        let p = OutputLimits.textBytes.trailingZeroBitCount
        precondition(1 << p == OutputLimits.textBytes)
        return p
    }()

    static func lineCount(_ code: String) -> Int {
        code.split(separator: "\n", omittingEmptySubsequences: false).count - 1
    }

    @Test func textUpToTheCapIsShown() throws {
        let code = Self.doubled("s", "x", power: Self.capPower) + "print(s)\n"
        let context = try run(code)
        guard case .text(let t, _) = try #require(context.outputs.first) else {
            Issue.record("not text")
            return
        }
        #expect(t.utf8.count == OutputLimits.textBytes)
    }

    @Test func aPrintPastTheCapIsALocatedError() throws {
        let prefix = Self.doubled("s", "x", power: Self.capPower)
        let code = prefix + "print(s)\nprint(\"one more\")\n"
        let d = try #require(diagnostic(code))
        #expect(d.range.start.line == Self.lineCount(prefix) + 2 && d.range.start.column == 1, "\(d)")
        #expect(d.message.contains("over the limit of 1 MiB of text per block"), "\(d.message)")
    }

    @Test func aShowPastTheCapIsALocatedError() throws {
        let prefix = Self.doubled("s", "ab", power: Self.capPower)  // 2 MiB
        let d = try #require(diagnostic(prefix + "show s, \"all of it\"\n"))
        #expect(d.range.start.line == Self.lineCount(prefix) + 1 && d.range.start.column == 1, "\(d)")
        #expect(d.message.contains("over the limit of 1 MiB of text per block"), "\(d.message)")
    }

    @Test func aHugeCaptionOrPlotLabelCounts() throws {
        let prefix = Self.doubled("s", "ab", power: Self.capPower)
        let caption = try #require(diagnostic(prefix + "show 1, s\n"))
        #expect(caption.message.contains("of text per block"), "\(caption.message)")
        let label = try #require(diagnostic(prefix + "plot([1, 2], [3, 4], label: s)\n"))
        #expect(label.range.start.line == Self.lineCount(prefix) + 1, "\(label)")
        #expect(label.message.contains("of text per block"), "\(label.message)")
    }

    @Test func figuresPastTheCapAreALocatedError() throws {
        let code = String(repeating: "heatmap(eye(2))\n", count: OutputLimits.figures)
        let context = try run(code)
        #expect(context.outputs.count == OutputLimits.figures)
        let d = try #require(diagnostic(code + "heatmap(eye(3))\n"))
        #expect(d.range.start.line == OutputLimits.figures + 1, "\(d)")
        #expect(d.message.contains("over the limit of \(OutputLimits.figures) figures per block"), "\(d.message)")
    }

    @Test func plottedPointsPastTheCapAreALocatedError() throws {
        let n = OutputLimits.points
        let context = try run("x = linspace(0, 1, \(n))\nplot(x, x)\n")
        guard case .figure(let f, _) = try #require(context.outputs.first) else {
            Issue.record("not a figure")
            return
        }
        #expect(f.series.reduce(0) { $0 + $1.x.count } == n)
        let more = try #require(diagnostic("x = linspace(0, 1, \(n / 2 + 1))\nplot(x, x)\nscatter(x, x)\n"))
        #expect(more.range.start.line == 3 && more.range.start.column == 1, "\(more)")
        #expect(more.message.contains("over the limit of \(n) plotted points per block"), "\(more.message)")
        // Columns of y are series of their own: 2 columns of n/2 + 1 points pass the cap.
        let columns = try #require(diagnostic("x = linspace(0, 1, \(n / 2 + 1))\nplot(x, hcat(x, x))\n"))
        #expect(columns.range.start.line == 2, "\(columns)")
    }
}
