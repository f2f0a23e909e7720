import Testing

@testable import Language

@Suite struct LexerTests {
    @Test func tokensCarryFileColumns() throws {
        let text = SourceText(lines: [.init(text: "x = 1e-3 # note", number: 7, columnOffset: 2)])
        let tokens = try Lexer(text).tokenize()
        #expect(tokens.map(\.kind) == [.identifier("x"), .symbol(.assign), .number(1e-3), .newline, .end])
        #expect(tokens[2].range.start == SourceLocation(line: 7, column: 7))
        #expect(tokens[2].range.end == SourceLocation(line: 7, column: 11))
    }

    @Test func newlinesInsideBracketsContinue() throws {
        let tokens = try Lexer(SourceText("f(1,\n  2)\ny = [1,\n2]")).tokenize()
        let newlines = tokens.filter { $0.kind == .newline }.count
        #expect(newlines == 2)
    }

    @Test(arguments: [
        ("x = \"abc", "unterminated string", 1, 5),
        ("x = (1 + 2", "'(' was never closed", 1, 5),
        ("x = [1, 2)", "')' does not match '['", 1, 10),
        ("x = 1 ]", "unmatched ']'", 1, 7),
        ("x = 3 $ 4", "unexpected character '$'", 1, 7),
        ("x = !y", "'!' is not an operator", 1, 5)
    ])
    func lexicalErrorsAreLocated(code: String, message: String, line: Int, column: Int) {
        do {
            _ = try Lexer(SourceText(code)).tokenize()
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.range.start == SourceLocation(line: line, column: column))
        }
    }

    @Test func numbersKeywordsAndFields() throws {
        let kinds = try Lexer(SourceText("inf nan .5 2. true A.T r.mean")).tokenize().map(\.kind)
        #expect(kinds[0] == .number(.infinity))
        if case .number(let v) = kinds[1] { #expect(v.isNaN) } else { Issue.record("nan") }
        #expect(kinds[2] == .number(0.5))
        #expect(kinds[3] == .number(2))
        #expect(kinds[4] == .keyword(.true))
        #expect(Array(kinds[5...7]) == [.identifier("A"), .symbol(.dot), .identifier("T")])
    }
}

@Suite struct ParserTests {
    /// Golden AST dumps: precedence, associativity and positions.
    @Test(arguments: [
        ("r = 1 + 2 * 3", "(assign@1:1 r (+@1:5 1.0@1:5 (*@1:9 2.0@1:9 3.0@1:13)))"),
        ("r = -2 ^ 2", "(assign@1:1 r (-@1:5 (^@1:6 2.0@1:6 2.0@1:10)))"),
        ("r = 2 ^ 3 ^ 2", "(assign@1:1 r (^@1:5 2.0@1:5 (^@1:9 3.0@1:9 2.0@1:13)))"),
        ("r = 2 ^ -1", "(assign@1:1 r (^@1:5 2.0@1:5 -1.0@1:9))"),
        ("r = a - b - c", "(assign@1:1 r (-@1:5 (-@1:5 a@1:5 b@1:9) c@1:13))"),
        ("r = A @ B.T * 2", "(assign@1:1 r (*@1:5 (@@1:5 A@1:5 (field@1:9 B@1:9 T)) 2.0@1:15))"),
        (
            "expect not a < b and c or d",
            "(expect@1:1 (or@1:8 (and@1:8 (not@1:8 (compare@1:12 a@1:12 < b@1:16)) c@1:22) d@1:27))"
        ),
        ("expect 0 < x <= 1", "(expect@1:1 (compare@1:8 0.0@1:8 < x@1:12 <= 1.0@1:17))"),
        ("show K, \"NTK\"", "(show@1:1 K@1:6 \"NTK\"@1:9)"),
        ("f(1, key: [1, 2])", "(expr@1:1 (call@1:1 f 1.0@1:3 key: (list@1:11 1.0@1:12 2.0@1:15)))"),
        ("r = A[0:5, :]", "(assign@1:1 r (index@1:5 A@1:5 (slice 0.0@1:7 5.0@1:9 _) (slice _ _ _)))"),
        ("r = A[::-1, -1]", "(assign@1:1 r (index@1:5 A@1:5 (slice _ _ -1.0@1:9) -1.0@1:13))"),
        ("r = x.mean.T", "(assign@1:1 r (field@1:5 (field@1:5 x@1:5 mean) T))"),
        (
            "r = [[1, 2],\n     [3, 4]]",
            "(assign@1:1 r (list@1:5 (list@1:6 1.0@1:7 2.0@1:10) (list@2:6 3.0@2:7 4.0@2:10)))"
        )
    ])
    func golden(code: String, dump: String) throws {
        #expect(ASTDump.dump(try Parser.parse(SourceText(code))) == dump)
    }

    @Test func statementsSplitOnNewlinesAndSkipComments() throws {
        let s = try Parser.parse(SourceText("# intro\nx = 1\n\n  # more\nshow x\n"))
        #expect(s.count == 2)
        #expect(s[1].range.start == SourceLocation(line: 5, column: 1))
    }

    @Test(arguments: [
        ("x = ", "expected an expression after '='", 1, 4),
        ("x = 1 2", "expected end of statement, found number 2.0", 1, 7),
        ("x = 1 +", "expected an expression, found end of line", 1, 8),
        ("1 + 2 = x", "cannot assign to this expression", 1, 1),
        ("f(a: 1, 2)", "positional argument after a labelled one", 1, 9),
        ("s = x.sum()", "only a named function can be called: write sum(x), not x.sum()", 1, 10),
        ("x = A[1:2:3:4]", "a slice has at most start:stop:step", 1, 12),
        ("x = r.", "expected a field name after '.'", 1, 7),
        ("x = show 1", "'show' must start a statement", 1, 5)
    ])
    func syntaxErrors(code: String, message: String, line: Int, column: Int) {
        do {
            _ = try Parser.parse(SourceText(code))
            Issue.record("expected an error for \(code)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.range.start == SourceLocation(line: line, column: column), "\(error.range)")
        }
    }
}

@Suite struct NestingLimitTests {
    /// Pathological programs, by name (the code itself is too long to print in test output).
    static func bomb(_ name: String) -> String {
        switch name {
        case "parentheses": return String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        case "brackets": return "x = " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        case "sum chain": return "x = " + Array(repeating: "1", count: 50_000).joined(separator: " + ")
        case "unary minus": return "x = " + String(repeating: "-", count: 50_000) + "1"
        case "not chain": return "x = " + String(repeating: "not ", count: 50_000) + "true"
        case "field chain": return "x = a" + String(repeating: ".T", count: 50_000)
        case "power chain": return "x = 2" + String(repeating: " ^ 2", count: 50_000)
        case "call nesting":
            return "x = " + String(repeating: "abs(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)
        default: return ""
        }
    }

    @Test(arguments: [
        "parentheses", "brackets", "sum chain", "unary minus", "not chain", "field chain", "power chain", "call nesting"
    ])
    func deepNestingIsRefusedNotACrash(name: String) {
        do {
            _ = try Parser.parse(SourceText(NestingLimitTests.bomb(name)))
            Issue.record("expected an error for \(name)")
        } catch {
            #expect(error.message.contains("nested too deeply"), "\(name): \(error.message.prefix(200))")
        }
    }

    @Test func ordinaryNestingIsFine() throws {
        let code =
            "x = " + String(repeating: "(", count: 50) + "1" + String(repeating: ")", count: 50) + " + "
            + Array(repeating: "1", count: 100).joined(separator: " + ")
        #expect(try number(code, "x") == 101)
    }
}
