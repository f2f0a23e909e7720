import Testing

@testable import Language

/// docs/language.md#bodies-and-indentation: how indentation becomes INDENT/DEDENT tokens (Python's
/// rules, spaces only, with the block's first code line as its baseline).
@Suite struct IndentationLexerTests {
    /// The token stream in a compact form: structural tokens with their place, others by text.
    static func stream(_ source: SourceText) throws(Diagnostic) -> String {
        try Lexer(source).tokenize().map { t in
            switch t.kind {
            case .indent: return "INDENT@\(t.range.start)-\(t.range.end)"
            case .dedent: return "DEDENT@\(t.range.start)"
            case .newline: return "NL"
            case .end: return "END@\(t.range.start)"
            default: return t.text
            }
        }.joined(separator: " ")
    }

    static func stream(_ code: String) throws(Diagnostic) -> String { try stream(SourceText(code)) }

    static func lexError(_ code: String) -> Diagnostic? {
        do {
            _ = try Lexer(SourceText(code)).tokenize()
            return nil
        } catch { return error }
    }

    @Test func nestedBodiesIndentAndDedentOncePerLevel() throws {
        let code = """
            for i in xs:
                if i > 0:
                    y = i
                z = 1
            w = 2
            """
        #expect(
            try Self.stream(code) == "for i in xs : NL INDENT@2:1-2:5 if i > 0 : NL INDENT@3:1-3:9 y = i NL "
                + "DEDENT@4:5 z = 1 NL DEDENT@5:1 w = 2 NL END@5:6")
    }

    @Test func closingTwoBodiesAtOnceGivesTwoDedents() throws {
        let code = "def f(x):\n    if x:\n        return 1\nr = f(1)"
        #expect(
            try Self.stream(code) == "def f ( x ) : NL INDENT@2:1-2:5 if x : NL INDENT@3:1-3:9 return 1 NL "
                + "DEDENT@4:1 DEDENT@4:1 r = f ( 1 ) NL END@4:9")
    }

    @Test func bodiesOpenAtTheEndAreClosedAtTheEnd() throws {
        #expect(try Self.stream("if x:\n    y = 1") == "if x : NL INDENT@2:1-2:5 y = 1 NL DEDENT@2:10 END@2:10")
        #expect(
            try Self.stream("if a:\n  if b:\n    c = 1")
                == "if a : NL INDENT@2:1-2:3 if b : NL INDENT@3:1-3:5 c = 1 NL "
                + "DEDENT@3:10 DEDENT@3:10 END@3:10")
    }

    @Test func blankAndCommentOnlyLinesDoNotCount() throws {
        let code = """
            if x:

                # a comment at the body's indentation
                y = 1
                    # a deeper comment
              # a shallower comment
            \("   ")
                z = 2
            # a comment at the left margin
            w = 3
            """
        #expect(try Self.stream(code) == "if x : NL INDENT@4:1-4:5 y = 1 NL z = 2 NL DEDENT@10:1 w = 3 NL END@10:6")
    }

    @Test func continuationLinesInsideBracketsIgnoreIndentation() throws {
        let code = """
            for n in [1,
              2, 3]:
                y = f(n,
             n)
            z = [
                    1]
            """
        #expect(
            try Self.stream(code) == "for n in [ 1 , 2 , 3 ] : NL INDENT@3:1-3:5 y = f ( n , n ) NL "
                + "DEDENT@5:1 z = [ 1 ] NL END@6:11")
    }

    @Test func aBlockIndentedAsAWholeHasItsFirstLineAsBaseline() throws {
        let code = "  # a comment before the code\n  x = 1\n  for i in r:\n      y = i\n  z = 2"
        #expect(try Self.stream(code) == "x = 1 NL for i in r : NL INDENT@4:1-4:7 y = i NL DEDENT@5:3 z = 2 NL END@5:8")
        let d = try #require(Self.lexError("  x = 1\n y = 2"))
        #expect(d.message == "this line is indented less than the first line of the block")
        #expect(d.range == SourceRange(SourceLocation(line: 2, column: 1), SourceLocation(line: 2, column: 2)))
    }

    @Test func columnsCountTheContainerMarkersCmarkStripped() throws {
        // A block inside a blockquote: "> " stripped by cmark, put back by columnOffset.
        let source = SourceText(lines: [
            .init(text: "if x:", number: 10, columnOffset: 2),
            .init(text: "    y = 1", number: 11, columnOffset: 2),
            .init(text: "z = 2", number: 12, columnOffset: 2)
        ])
        #expect(try Self.stream(source) == "if x : NL INDENT@11:3-11:7 y = 1 NL DEDENT@12:3 z = 2 NL END@12:8")
    }

    @Test func carriageReturnsAreNotIndentation() throws {
        #expect(
            try Self.stream("if x:\r\n    y = 1\r\n\r\nz = 2\r")
                == "if x : NL INDENT@2:1-2:5 y = 1 NL DEDENT@4:1 z = 2 NL END@4:7")
    }

    @Test func aTabInIndentationIsALocatedError() throws {
        for (code, line, column) in [
            ("if x:\n\ty = 1", 2, 1), ("if x:\n  \ty = 1", 2, 3), ("  x = 1\n  \ty = 2", 2, 3),
            // A tab where the baseline has spaces is a tab, not "indented less".
            ("    x = 1\n\ty = 2", 2, 1), ("  x = 1\n \t y = 2", 2, 2)
        ] {
            let d = try #require(Self.lexError(code), "\(code)")
            #expect(d.message == "a tab in indentation; indent with spaces", "\(code)")
            #expect(
                d.range
                    == SourceRange(
                        SourceLocation(line: line, column: column), SourceLocation(line: line, column: column + 1)),
                "\(code)")
        }
        // Tabs inside a line, inside brackets, and in comment-only lines are not indentation.
        #expect(try Self.stream("x =\t1\n\t# note\ny = [1,\n\t2]") == "x = 1 NL y = [ 1 , 2 ] NL END@4:4")
    }

    @Test func aDedentToALevelNoBodyHasIsALocatedError() throws {
        let d = try #require(Self.lexError("if x:\n    y = 1\n  z = 2"))
        #expect(
            d.message
                == "this line's indentation (2 spaces) matches no enclosing body (the bodies around it are indented 0 spaces)"
        )
        #expect(d.range == SourceRange(SourceLocation(line: 3, column: 1), SourceLocation(line: 3, column: 3)))
        let nested = try #require(Self.lexError("if a:\n  if b:\n      c = 1\n    d = 2"))
        #expect(
            nested.message
                == "this line's indentation (4 spaces) matches no enclosing body (the bodies around it are indented 0, 2 spaces)"
        )
        #expect(nested.range.start == SourceLocation(line: 4, column: 1))
    }
}
