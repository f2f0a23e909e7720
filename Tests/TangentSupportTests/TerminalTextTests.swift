import Testing

@testable import TangentSupport

/// Repository text on its way to a terminal never carries a control character.
@Suite struct TerminalTextTests {
    @Test func controlCharactersShowAsQuestionMarks() {
        #expect(TerminalText.printable("evil\u{1b}]0;title\u{07}.md") == "evil?]0;title?.md")
        #expect(TerminalText.printable("a\u{9b}2J\u{7f}b\nc\td") == "a?2J?b?c?d")
        #expect(TerminalText.printable("τ-ünïcode.md") == "τ-ünïcode.md")
    }
}
