import Notebook
import Testing

@testable import Render

/// The plain-text report on a terminal or in a CI log.
@Suite struct TerminalReportTests {
    /// A notebook's file name comes from the repository: its escape sequences never reach the terminal.
    @Test func theHeaderShowsControlCharactersOfTheFileNameAsQuestionMarks() throws {
        let nb = try Notebook.parse("# t\n", path: "x\u{1b}[2J\u{1b}]0;owned\u{07}.md")
        #expect(TerminalReport.header(nb) == "=== x?[2J?]0;owned?.md\n")
    }
}
