import Testing

@testable import Language

/// docs/language.md#statements: golden AST dumps of every compound statement, comprehension and
/// f-string form, and the parser's errors with their exact places and messages.
@Suite struct CompoundParserTests {
    static func dump(_ code: String) throws(Diagnostic) -> String {
        ASTDump.dump(try Parser.parse(SourceText(code)))
    }

    static func parseError(_ code: String) -> Diagnostic? {
        do {
            _ = try Parser.parse(SourceText(code))
            return nil
        } catch { return error }
    }

    @Test(arguments: [
        // if / elif / else
        (
            "if x > 0:\n    y = 1\nelif x == 0:\n    y = 0\nelse:\n    y = -1",
            "(if@1:1 (branch (compare@1:4 x@1:4 > 0.0@1:8) (body (assign@2:5 y 1.0@2:9))) "
                + "(branch (compare@3:6 x@3:6 == 0.0@3:11) (body (assign@4:5 y 0.0@4:9))) (else (body (assign@6:5 y -1.0@6:9))))"
        ),
        (
            "if a:\n    pass\nelif b:\n    pass\nelif c:\n    pass",
            "(if@1:1 (branch a@1:4 (body (pass@2:5))) (branch b@3:6 (body (pass@4:5))) (branch c@5:6 (body (pass@6:5))))"
        ),
        // an else after two bodies close at once belongs to the outer if
        (
            "if a:\n    if b:\n        x = 1\nelse:\n    x = 2",
            "(if@1:1 (branch a@1:4 (body (if@2:5 (branch b@2:8 (body (assign@3:9 x 1.0@3:13)))))) (else (body (assign@5:5 x 2.0@5:9))))"
        ),
        // one-line bodies
        (
            "if x > 0: y = 1\nelse: y = 2",
            "(if@1:1 (branch (compare@1:4 x@1:4 > 0.0@1:8) (body (assign@1:11 y 1.0@1:15))) (else (body (assign@2:7 y 2.0@2:11))))"
        ),
        ("for i in xs: pass", "(for@1:1 i xs@1:10 (body (pass@1:14)))"),
        ("def f(a): return a", "(def@1:1 f (a) (body (return@1:11 a@1:18)))"),
        ("while x: x = x - 1", "(while@1:1 x@1:7 (body (assign@1:10 x (-@1:14 x@1:14 1.0@1:18))))"),
        // for over a list and a range
        (
            "for n in [64, 256]:\n    show n\nfor i in range(0, 10, -2):\n    pass",
            "(for@1:1 n (list@1:10 64.0@1:11 256.0@1:15) (body (show@2:5 n@2:10)))\n"
                + "(for@3:1 i (call@3:10 range 0.0@3:16 10.0@3:19 -2.0@3:23) (body (pass@4:5)))"
        ),
        // while with break and continue
        (
            "while k < 10:\n    k = k + 1\n    if k == 3:\n        continue\n    if k > 5: break",
            "(while@1:1 (compare@1:7 k@1:7 < 10.0@1:11) (body (assign@2:5 k (+@2:9 k@2:9 1.0@2:13)) "
                + "(if@3:5 (branch (compare@3:8 k@3:8 == 3.0@3:13) (body (continue@4:9)))) "
                + "(if@5:5 (branch (compare@5:8 k@5:8 > 5.0@5:12) (body (break@5:15))))))"
        ),
        // def: positional, then keyword parameters written `seed: 0` and `scale=2.5`
        (
            "def relerr(net, X, seed: 0, scale=2.5):\n    return norm(net) / scale",
            "(def@1:1 relerr (net X seed: 0.0@1:26 scale: 2.5@1:35) (body (return@2:5 (/@2:12 (call@2:12 norm net@2:17) scale@2:24))))"
        ),
        ("def g():\n    pass", "(def@1:1 g () (body (pass@2:5)))"),
        // nested def; return with and without a value
        (
            "def outer(a):\n    def inner(b):\n        return a + b\n    if a < 0:\n        return\n    return inner",
            "(def@1:1 outer (a) (body (def@2:5 inner (b) (body (return@3:9 (+@3:16 a@3:16 b@3:20)))) "
                + "(if@4:5 (branch (compare@4:8 a@4:8 < 0.0@4:12) (body (return@5:9)))) (return@6:5 inner@6:12)))"
        ),
        // comprehensions: a filter, several for clauses
        (
            "r = [x * 2 for x in xs if x > 0]",
            "(assign@1:1 r (comprehension@1:5 (*@1:6 x@1:6 2.0@1:10) (for x xs@1:21) (if (compare@1:27 x@1:27 > 0.0@1:31))))"
        ),
        (
            "r = [g(a, b) for a in A if a for b in range(a)]",
            "(assign@1:1 r (comprehension@1:5 (call@1:6 g a@1:8 b@1:11) (for a A@1:23) (if a@1:28) (for b (call@1:39 range a@1:45))))"
        ),
        (
            "r = [[i, j] for i in range(2)\n        for j in [3]]",
            "(assign@1:1 r (comprehension@1:5 (list@1:6 i@1:7 j@1:10) (for i (call@1:22 range 2.0@1:28)) (for j (list@2:18 3.0@2:19))))"
        ),
        // f-strings: specs, a call with a keyword inside a field, literal braces
        (
            "s = f\"width {n}: error {e:.3f}\"",
            "(assign@1:1 s (fstring@1:5 \"width \" (field n@1:14) \": error \" (field e@1:25 :.3f)))"
        ),
        (
            "s = f\"{relerr(net, seed: 3):.3f}\"",
            "(assign@1:1 s (fstring@1:5 (field (call@1:8 relerr net@1:15 seed: 3.0@1:26) :.3f)))"
        ),
        ("s = f\"{{x}} {x:>6d} {{\"", "(assign@1:1 s (fstring@1:5 \"{x} \" (field x@1:14 :>6d) \" {\"))"),
        (
            "s = f\"{ x }|{A[0, 1:2]:,}\"",
            "(assign@1:1 s (fstring@1:5 (field x@1:9) \"|\" (field (index@1:14 A@1:14 0.0@1:16 (slice 1.0@1:19 2.0@1:21 _)) :,)))"
        ),
        ("show f'{len(\"a:b\")}'", "(show@1:1 (fstring@1:6 (field (call@1:9 len \"a:b\"@1:13))))")
    ])
    func golden(code: String, dump: String) throws {
        #expect(try Self.dump(code) == dump)
    }

    @Test func aFunctionKeepsItsOwnLinesAndItsLocals() throws {
        let code =
            "x = 1\ndef f(a, k: 2):\n    b = a\n    for i in [1]:\n        c = i\n    def g():\n        d = 1\ny = 2"
        let statements = try Parser.parse(SourceText(code))
        guard case .function(let f) = statements[1].kind else {
            Issue.record("not a def")
            return
        }
        #expect(f.source.map(\.number) == [2, 3, 4, 5, 6, 7])
        #expect(f.locals == ["a", "k", "b", "i", "c", "g"])
    }

    /// `if true:` nested `levels` deep (one more space per level) around `x = 1`.
    static func nestedIfs(_ levels: Int) -> String {
        (0..<levels).map { String(repeating: " ", count: $0) + "if true:\n" }.joined()
            + String(repeating: " ", count: levels) + "x = 1"
    }

    @Test func bodiesNestFiftyLevelsDeepAndNoMore() throws {
        #expect(try number(Self.nestedIfs(Parser.maxBodyDepth), "x") == 1)
        let d = try #require(Self.parseError(Self.nestedIfs(Parser.maxBodyDepth + 1)))
        #expect(d.message == "bodies are nested too deeply (more than 50 levels)")
        #expect(d.range == SourceRange(SourceLocation(line: 51, column: 51), SourceLocation(line: 51, column: 53)))
        // A nesting bomb is refused before it can exhaust the stack.
        #expect(Self.parseError(Self.nestedIfs(3000))?.message == "bodies are nested too deeply (more than 50 levels)")
    }

    @Test(arguments: [
        ("return 1", "'return' outside a function", 1, 1),
        ("for i in xs:\n    return", "'return' outside a function", 2, 5),
        ("break", "'break' outside a loop", 1, 1),
        ("if x:\n    continue", "'continue' outside a loop", 2, 5),
        // A def inside a loop starts a new function: the loop is not around its body.
        ("for i in xs:\n    def f():\n        continue", "'continue' outside a loop", 3, 9),
        ("else:\n    y = 1", "'else' without an 'if' before it (at the same indentation)", 1, 1),
        (
            "if x:\n    y = 1\nz = 2\nelif y:\n    pass", "'elif' without an 'if' before it (at the same indentation)",
            4, 1
        ),
        ("if x > 0\n    y = 1", "expected ':' at the end of the 'if' line, found end of line", 1, 9),
        ("for i in xs\n    y = 1", "expected ':' at the end of the 'for' line, found end of line", 1, 12),
        ("def f(a) return a", "expected ':' at the end of the 'def' line, found 'return'", 1, 10),
        ("if x:\ny = 1", "expected an indented body after 'if' (indent the lines below it)", 2, 1),
        ("while x:", "expected an indented body after 'while' (indent the lines below it)", 1, 9),
        (
            "if x:\n    y = 1\nelse:\n# nothing\n",
            "expected an indented body after 'else' (indent the lines below it)", 4, 10
        ),
        ("if x:\n    y = 1\nesle:\n    y = 2", "unknown statement 'esle' (did you mean 'else'?)", 3, 1),
        ("if x:\n    y = 1\nelfi x:\n    y = 2", "unknown statement 'elfi' (did you mean 'elif'?)", 3, 1),
        ("def f(x):\n    retrun x", "unknown statement 'retrun' (did you mean 'return'?)", 2, 5),
        ("whle x > 0:\n    x = x - 1", "unknown statement 'whle' (did you mean 'while'?)", 1, 1),
        ("for i in xs:\n    brek", "unknown statement 'brek' (did you mean 'break'?)", 2, 5),
        ("x = 1\n    y = 2", "unexpected indentation: this line follows no header ending in ':'", 2, 1),
        ("if x: y = 1\n    z = 2", "unexpected indentation: this line follows no header ending in ':'", 2, 1),
        (
            "if x:\n    y = 1\n        z = 2",
            "unexpected indentation: this line is indented deeper than the body it is in", 3, 1
        ),
        ("s = f\"a {x\"", "'{' in an f-string is never closed with '}' (write '{{' for a brace)", 1, 9),
        ("s = f\"a {x", "'{' in an f-string is never closed with '}' (write '{{' for a brace)", 1, 9),
        ("s = f\"a {} b\"", "an empty field '{}' in an f-string", 1, 9),
        ("s = f\"a { :>3} b\"", "an empty field '{}' in an f-string", 1, 9),
        ("s = f\"a } b\"", "a single '}' in an f-string (write '}}' for a brace)", 1, 9),
        ("s = f\"{x +}\"", "expected an expression, found end of line", 1, 11),
        ("s = f\"{x y}\"", "unexpected name 'y' in an f-string field", 1, 10),
        (
            "def f(seed: 0, x):\n    pass",
            "positional parameter 'x' after a keyword parameter (positional ones come first)", 1, 16
        ),
        ("def f(a, a):\n    pass", "parameter 'a' is given twice", 1, 10),
        ("def for():\n    pass", "'for' is a keyword and cannot name a function", 1, 5),
        ("x = 1 if y: z = 2", "expected end of statement, found 'if'", 1, 7),
        ("if x: for i in y: pass", "'for' must start its own line", 1, 7),
        ("r = [x for in xs]", "expected a name after 'for', found 'in'", 1, 12),
        ("r = [x for x xs]", "expected 'in' after 'for x', found name 'xs'", 1, 14)
    ])
    func errorsAreLocated(code: String, message: String, line: Int, column: Int) throws {
        let d = try #require(Self.parseError(code), "\(code)")
        #expect(d.message == message, "\(code)")
        #expect(d.range.start == SourceLocation(line: line, column: column), "\(code)")
    }
}
