import Foundation
import Language
import Testing

@testable import Notebook
@testable import Render

/// Runs a notebook text in memory and returns (result, updated text).
func runAndUpdate(_ text: String, force: Bool = false, path: String = "/tmp/tangent-render-tests/nb.md") throws -> (
    NotebookResult, String
) {
    let notebook = try Notebook.parse(text, path: "nb.md")
    let result = Runner(notebookURL: URL(fileURLWithPath: path)).run(notebook)
    var updates: [String: MarkdownWriter.RegionUpdate] = [:]
    for b in result.blocks {
        updates[b.cell.id] =
            b.status == .ran ? .write(b.outputs, expectedError: b.failedAsExpected ? b.error : nil) : .keep
    }
    return (result, try MarkdownWriter.update(notebook, updates, force: force))
}

func checkDifferences(_ text: String) throws -> [Mismatch] {
    var result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-render-tests/nb.md")).run(
        try Notebook.parse(text, path: "nb.md"))
    return try Check.compare(&result)
}

@Suite struct WriteBackTests {
    @Test func regionFollowsTheBlockAndReadsWell() throws {
        let (_, text) = try runAndUpdate("# T\n\n```ntk {#k}\nshow [[1, 0.5]], \"K\"\nprint(\"done\")\n```\n\nAfter.\n")
        #expect(
            text.hasPrefix(
                "# T\n\n```ntk {#k}\nshow [[1, 0.5]], \"K\"\nprint(\"done\")\n```\n\n<!-- tangent:begin id=k hash="))
        #expect(
            text.contains(
                "**K**\n\n|   | 0 | 1 |\n|---|---:|---:|\n| **0** | 1 | 0.5 |\n\n```text\ndone\n```\n<!-- tangent:data "
            ))
        #expect(text.hasSuffix("<!-- tangent:end id=k -->\n\nAfter.\n"))
    }

    @Test func handEditedRegionIsRefusedUnlessForced() throws {
        let (_, first) = try runAndUpdate("```ntk\nshow 1.5\n```\n")
        let edited = first.replacingOccurrences(of: "```text\n1.5\n```", with: "```text\n2.5\n```")
        #expect(edited != first)
        do {
            _ = try runAndUpdate(edited)
            Issue.record("an edited region was overwritten")
        } catch let error as Diagnostic {
            #expect(error.message.contains("edited by hand"))
            #expect(error.range.start.line == 5)
        }
        let (_, forced) = try runAndUpdate(edited, force: true)
        #expect(forced == first)
    }

    @Test func regionGoesAwayWhenTheBlockStopsShowing() throws {
        let (_, first) = try runAndUpdate("```ntk\nshow 1\n```\n\ntext\n")
        let changed = first.replacingOccurrences(of: "show 1\n", with: "x = 1\n")
        let (_, second) = try runAndUpdate(changed)
        #expect(second == "```ntk\nx = 1\n```\n\ntext\n")
    }

    @Test func failedBlocksKeepTheirStoredOutputs() throws {
        let (_, first) = try runAndUpdate("```ntk\nshow 1\n```\n")
        let broken = first.replacingOccurrences(of: "show 1\n", with: "show nope\n")
        let (result, second) = try runAndUpdate(broken)
        #expect(result.blocks[0].status == .failed)
        #expect(second == broken)
    }

    @Test func crlfNotebooksGetCRLFRegions() throws {
        let (_, text) = try runAndUpdate("```ntk\r\nshow 2\r\n```\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let (_, again) = try runAndUpdate(text)
        #expect(again == text)
    }

    @Test func expectedErrorsAreStoredAndChecked() throws {
        let (_, text) = try runAndUpdate("```ntk {expect=error}\nx = cholesky([[1, 2], [2, 1]])\n```\n")
        #expect(text.contains("error (expected): cholesky: matrix is not positive definite"))
        #expect(try checkDifferences(text).isEmpty)
        let other = text.replacingOccurrences(of: "[[1, 2], [2, 1]]", with: "[[1, 3], [3, 1]]")
        #expect(try checkDifferences(other).isEmpty)  // same message: still the same failure
        let changed = text.replacingOccurrences(of: "x = cholesky([[1, 2], [2, 1]])", with: "x = inv(zeros(2, 2))")
        #expect(try checkDifferences(changed).first?.message.contains("text was") == true)
    }
}

@Suite struct CheckTests {
    func stored(_ code: String) throws -> String { try runAndUpdate("```ntk\n\(code)\n```\n").1 }

    @Test func numbersWithinToleranceAgree() throws {
        let text = try stored("show 1.0")
        let near = text.replacingOccurrences(of: "show 1.0", with: "show 1.00000000001")
        #expect(try checkDifferences(near).isEmpty)
        let far = text.replacingOccurrences(of: "show 1.0", with: "show 1.001")
        let d = try #require(try checkDifferences(far).first)
        #expect(d.formatted(file: "nb.md", lineText: { _ in nil }).hasPrefix("nb.md:2:1: mismatch: "))
        #expect(d.message == "block 'b1' output 1: value is 1.001 but 1 was stored (rtol 1e-07, atol 1e-12)")
        #expect(d.range.start == SourceLocation(line: 2, column: 1))
    }

    @Test func blockAttributesSetTheTolerance() throws {
        let text = try runAndUpdate("```ntk {rtol=0.01}\nshow 1.0\n```\n").1
        #expect(try checkDifferences(text.replacingOccurrences(of: "show 1.0", with: "show 1.001")).isEmpty)
    }

    @Test func matricesAreComparedElementByElement() throws {
        let text = try stored("show [[1, 2], [3, 4]]")
        let d = try #require(
            try checkDifferences(text.replacingOccurrences(of: "[3, 4]]\n```", with: "[3, 5]]\n```")).first)
        #expect(d.message.contains("entry [1, 1] is 5 but 4 was stored"))
        let shape = try #require(
            try checkDifferences(text.replacingOccurrences(of: "show [[1, 2], [3, 4]]", with: "show [[1, 2, 3]]")).first
        )
        #expect(shape.message.contains("shape was 2×2, now 1×3"))
    }

    @Test func textIsExactButNumbersInsideAreTolerant() throws {
        let text = try stored("print(\"err\", 0.1)")
        #expect(
            try checkDifferences(
                text.replacingOccurrences(of: "print(\"err\", 0.1)", with: "print(\"err\", 0.1000000000001)")
            ).isEmpty)
        let d = try #require(
            try checkDifferences(text.replacingOccurrences(of: "print(\"err\", 0.1)", with: "print(\"error\", 0.1)"))
                .first)
        #expect(d.message.contains("text was \"err 0.1\", now \"error 0.1\""))
    }

    @Test func outputCountChangesAreMismatches() throws {
        let text = try stored("show 1")
        let d = try #require(
            try checkDifferences(text.replacingOccurrences(of: "show 1\n", with: "show 1\nshow 2\n")).first)
        #expect(d.message.contains("now shows 2 outputs but 1 was stored"))
    }

    @Test func neverUpdatedNotebookFailsClearly() throws {
        let d = try #require(try checkDifferences("intro\n\n```ntk\nshow 1\n```\n").first)
        #expect(d.message.contains("has no stored outputs; run 'tangent update"))
        #expect(d.range.start.line == 3)
    }

    @Test func toleranceIsNumpyIsclose() {
        let t = Tolerance(rtol: 1e-7, atol: 1e-12)
        #expect(t.accepts(1 + 5e-8, stored: 1))
        #expect(!t.accepts(1 + 5e-7, stored: 1))
        #expect(t.accepts(5e-13, stored: 0))
        #expect(t.accepts(.nan, stored: .nan))
        #expect(!t.accepts(.infinity, stored: 1e308))
        #expect(t.accepts(-.infinity, stored: -.infinity))
    }

    @Test func textTokensSplitNumbers() {
        #expect(
            OutputComparison.tokens("err 1.5e-3, x2 -4") == [
                .word("err "), .number(1.5e-3), .word(", x2 "), .number(-4)
            ])
    }
}

@Suite struct JUnitTests {
    @Test func blocksBecomeTestCases() throws {
        let text = "```ntk {#ok}\nx = 1\n```\n\n```ntk {#bad}\ny = nope\n```\n\n```ntk {#later}\nz = y\n```\n"
        let result = Runner(notebookURL: URL(fileURLWithPath: "/tmp/tangent-render-tests/a&b.md")).run(
            try Notebook.parse(text, path: "a&b.md"))
        let xml = JUnitReport.xml([result])
        #expect(xml.contains("<testsuite name=\"a&amp;b.md\" tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"1\""))
        #expect(xml.contains("<testcase classname=\"a&amp;b.md\" name=\"ok (line 1)\""))
        #expect(xml.contains("<error message=\"unknown name &apos;nope&apos;"))
        #expect(xml.contains("a&amp;b.md:6:5: error: unknown name"))
        #expect(xml.contains("<skipped message=\"not run: it reads &apos;y&apos;"))
    }
}
