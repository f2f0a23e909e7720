import Testing

@testable import Language

@Suite struct DiagnosticTests {
    @Test func formatsLikeACompiler() {
        let d = Diagnostic.error(
            "unknown name 'linspce'",
            at: SourceRange(
                SourceLocation(line: 3, column: 5),
                SourceLocation(line: 3, column: 12)))
        let text = d.formatted(file: "nb.md") { $0 == 3 ? "x = linspce(0, 1, 5)" : nil }
        #expect(text == "nb.md:3:5: error: unknown name 'linspce'\nx = linspce(0, 1, 5)\n    ^~~~~~~")
    }

    @Test func caretFollowsTabs() {
        let d = Diagnostic.error("bad", at: SourceRange(at: SourceLocation(line: 1, column: 3)))
        let text = d.formatted(file: "f.md") { _ in "\tx$" }
        #expect(text.hasSuffix("\tx$\n\t ^"))
    }

    @Test(arguments: [("linspce", "linspace"), ("randm", "randn"), ("choleski", "cholesky"), ("eigvals", "eigvalsh")])
    func suggestsNearestName(typo: String, expected: String) {
        #expect(Suggestions.nearest(to: typo, in: Builtins.names) == expected)
    }

    @Test func noSuggestionWhenFarAway() {
        #expect(Suggestions.nearest(to: "zzzzzzzz", in: Builtins.names) == nil)
        #expect(Suggestions.editDistance("abc", "acb") == 1)
        #expect(Suggestions.editDistance("", "abc") == 3)
    }
}
