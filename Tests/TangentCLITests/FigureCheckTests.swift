import Foundation
import Language
import Notebook
import TestSupport
import Testing

/// `check` sees a figure's data change (LANGUAGE.md §7 compares stored outputs, and §4 counts
/// figures among them): `update` stores a few numbers per curve and a heatmap's matrix beside
/// the figure's summary line.
@Suite struct FigureCheckTests {
    static let notebook = """
        # Figures

        ```ntk {#figs}
        x = linspace(0, 1, 9)
        plot(x, x ^ 2, label: "square", title: "Curves")
        heatmap(eye(3), title: "identity")
        ```

        """

    /// An updated copy of the notebook in a fresh folder.
    static func updated() throws -> (TemporaryFolder, String) {
        let folder = try TemporaryFolder("figure-check")
        let file = folder.path("f.md")
        try notebook.write(toFile: file, atomically: true, encoding: .utf8)
        let update = CapturedConsole.run(["update", file])
        #expect(update.status == 0, "\(update.err)")
        return (folder, file)
    }

    static func edit(_ file: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(toFile: file, atomically: true, encoding: .utf8)
    }

    @Test(arguments: [
        ("x ^ 2, label", "x ^ 3, label", 5),  // another curve
        ("heatmap(eye(3)", "heatmap(2 * eye(3)", 6)  // another matrix
    ])
    func changedDataIsAMismatchAtTheFigure(_ old: String, _ new: String, _ line: Int) throws {
        let (folder, file) = try Self.updated()
        defer { folder.remove() }
        #expect(CapturedConsole.run(["check", file]).status == 0)
        try Self.edit(file, old, new)
        let check = CapturedConsole.run(["check", file])
        #expect(check.status == 3, "\(check.out)\n\(check.err)")
        #expect(check.err.contains("\(file):\(line):1: mismatch: block 'figs'"), "\(check.err)")
        #expect(check.err.contains("the figure's data"), "\(check.err)")
    }

    @Test func dataWithinToleranceIsNoMismatch() throws {
        let (folder, file) = try Self.updated()
        defer { folder.remove() }
        try Self.edit(file, "x ^ 2, label", "x ^ 2 + 1e-13, label")
        let check = CapturedConsole.run(["check", file])
        #expect(check.status == 0, "\(check.out)\n\(check.err)")
    }

    /// Notebooks updated before figures stored their data compare by the summary line, and
    /// the next `update` stores the data.
    @Test func figuresStoredWithoutDataCompareBySummary() throws {
        let (folder, file) = try Self.updated()
        defer { folder.remove() }
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let withData = text
        text = text.replacingOccurrences(
            of: #""numbers":\[[^\]]*\],"#, with: "", options: .regularExpression)
        #expect(text != withData && !text.contains("\"numbers\""))
        // As an older Tangent wrote it: the region's hash matches its content.
        var lines = text.components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:begin") })
        let end = try #require(lines.firstIndex { $0.hasPrefix("<!-- tangent:end") })
        lines[begin] = OutputRegion.beginMarker(id: "figs", hash: OutputRegion.hash(Array(lines[(begin + 1)..<end])))
        text = lines.joined(separator: "\n")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try Self.edit(file, "x ^ 2, label", "x ^ 3, label")
        #expect(CapturedConsole.run(["check", file]).status == 0, "an old notebook keeps passing")
        #expect(CapturedConsole.run(["update", file]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("\"numbers\""))
        try Self.edit(file, "x ^ 3, label", "x ^ 2, label")
        #expect(CapturedConsole.run(["check", file]).status == 3)
    }

    /// The stored numbers: per curve the mean of x, then x at the first, quarter, middle,
    /// three-quarter and last points, the same for y; a heatmap's entries.
    @Test func theStoredNumbersOfAFigure() {
        var f = Figure(title: "t", xlabel: nil, ylabel: nil)
        let x = (0..<9).map { Double($0) / 8 }
        f.series.append(.init(kind: .line, x: x, y: x.map { $0 * $0 }, label: "square"))
        let stored = StoredOutput.from(
            .figure(f, range: SourceRange(at: SourceLocation(line: 3, column: 1))), codeLine: 2)
        let meanY = x.map { $0 * $0 }.reduce(0, +) / 9
        #expect(stored.numbers == [0.5, 0, 0.25, 0.5, 0.75, 1, meanY, 0, 0.0625, 0.25, 0.5625, 1])
        #expect(stored.text == "figure \"t\": 1 series, 9 points; labels: square")
    }
}
