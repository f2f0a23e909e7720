import Foundation
import TestSupport
import Testing

// The third "unseen notebook" tester: notebooks in Contract3/ written only from LANGUAGE.md §8
// (control flow, functions, formatted strings), covering what ContractNotebookTests and
// ContractOutputTests do not. What the notebooks print comes from the Python equivalent of their
// code (Contract3/make_values.py writes Contract3/values.json); lines and columns come from the
// notebooks' own text. Nothing is copied from Tangent's output. The helpers for lines, columns and
// reports are ContractOutputTests' (Contract2Folder).

enum Contract3Folder {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Contract3", isDirectory: true)

    /// A fresh folder holding copies of `files` (relative to Contract3/).
    static func sandbox(_ files: [String]) throws -> TemporaryFolder {
        let sandbox = try TemporaryFolder("contract3")
        for relative in files {
            try FileManager.default.copyItem(
                at: directory.appendingPathComponent(relative), to: sandbox.url(relative))
        }
        return sandbox
    }

    /// The lines `make_values.py` computed for `notebook`.
    static func expected(_ notebook: String) throws -> [String] {
        let data = try Data(contentsOf: directory.appendingPathComponent("values.json"))
        let values = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(values[notebook] as? [String], "values.json has no \(notebook)")
    }

    /// The text outputs (`print`) of every block of a `--json` report, in order.
    static func printed(_ jsonPath: String) throws -> [String] {
        try Contract2Folder.blocks(jsonPath).flatMap { block in
            (block["outputs"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "text" }
                .compactMap { $0["text"] as? String }
        }
    }

    /// Runs `notebook` (a copy) without the cache; returns the run, its printed lines and its blocks.
    static func run(_ notebook: String) throws -> (
        run: (status: Int32, out: String, err: String), printed: [String], blocks: [[String: Any]], file: String
    ) {
        let sandbox = try sandbox([notebook])
        defer { sandbox.remove() }
        let file = sandbox.path(notebook)
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", file, "--no-cache", "--json", json])
        return (run, try printed(json), try Contract2Folder.blocks(json), file)
    }

    /// The diagnostic lines (`FILE:…: error:` / `note:`) of standard error.
    static func diagnostics(_ err: String, file: String) -> [String] {
        err.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("\(file):") && ($0.contains(": error: ") || $0.contains(": note: "))
        }
    }

    /// The 1-based line and column of `token` on the only line of `source` holding `text`.
    static func place(_ token: String, on text: String, in source: String) throws -> (line: Int, column: Int) {
        let line = try Contract2Folder.line(of: text, in: Contract3Folder.directory.appendingPathComponent(source).path)
        let all = try Contract2Folder.lines(Contract3Folder.directory.appendingPathComponent(source).path)
        return (line, try Contract2Folder.column(of: token, in: all[line - 1]))
    }
}

@Suite struct ContractFlowTests {
    /// §8 loops and `if`: `for` over a list, a range (negative step too), an n×1 and a 1×n vector
    /// (their numbers), an n×k matrix (its rows, each 1×k); `while` with `break`/`continue`;
    /// if/elif/else; nested loops where `break` and `continue` act on the inner one; the loop
    /// variable stays bound, an empty loop keeps the old binding, comprehension variables do not
    /// leak; several `for` clauses with `if`; one-line bodies, `pass`, blank and comment-only lines
    /// (at any indentation) inside bodies; headers and statements continued inside brackets.
    @Test func loopsBranchesAndBindings() throws {
        let result = try Contract3Folder.run("flow.md")
        #expect(result.run.status == 0, "\(result.run.err)")
        #expect(result.printed == (try Contract3Folder.expected("flow.md")), "\(result.run.out)")
    }

    /// §8 Lists: `+`, `len`, indexing from either end, slices, `range` with one, two and three
    /// arguments (negative step, empty); a list of numbers as an n×1 column where a matrix is
    /// needed (`@`, `diag`, `rows`, `sum`); `hcat`/`vcat` of numbers (1×n / n×1) and of a list of
    /// matrices; a comprehension is a list.
    @Test func listsAndListsAsMatrices() throws {
        let result = try Contract3Folder.run("lists.md")
        #expect(result.run.status == 0, "\(result.run.err)")
        #expect(result.printed == (try Contract3Folder.expected("lists.md")), "\(result.run.out)")
    }

    /// §8 Formatted strings: `.Nf .Ne .Ng d %`, width, fill and align, sign, `,`, `{{ }}`, a spec
    /// after a call with a keyword argument and after an index; `str(x)` of numbers, booleans,
    /// `none` and lists; `len(s)` and `==` on strings; `str(x)` is exactly what `print(x)` shows,
    /// for whole, fractional, tiny and huge numbers, booleans, `none`, lists and strings.
    @Test func formattedStringsAndStr() throws {
        let result = try Contract3Folder.run("strings.md")
        #expect(result.run.status == 0, "\(result.run.err)")
        let expected = try Contract3Folder.expected("strings.md")
        #expect(Array(result.printed.prefix(expected.count)) == expected, "\(result.run.out)")
        let pairs = Array(result.printed.dropFirst(expected.count))
        #expect(pairs.count == 24, "print(v) then print(str(v)) for 12 values: \(pairs)")
        for i in stride(from: 0, to: pairs.count - 1, by: 2) {
            #expect(pairs[i] == pairs[i + 1], "print shows '\(pairs[i])', str gives '\(pairs[i + 1])'")
        }
    }

    /// §8 def: positional then keyword parameters with defaults evaluated when the `def` runs;
    /// assigned names stay local; other names are read when the function is called; no `return`
    /// and a bare `return` give `none`; recursion 200 calls deep works; functions passed, stored in
    /// a list, returned (closures keep the enclosing function's names); a binding shadows a builtin
    /// in its block and in later blocks.
    @Test func functionsParametersScopeAndValues() throws {
        let result = try Contract3Folder.run("functions.md")
        #expect(result.run.status == 0, "\(result.run.err)")
        #expect(result.printed == (try Contract3Folder.expected("functions.md")), "\(result.run.out)")
    }

    /// §8 seeds: a loop draws fresh numbers on each pass from the block's stream (numpy's
    /// `default_rng(seed)` in execution order); a call with `seed:` leaves that stream alone; a
    /// function defined in block A and called from block B draws from B's stream; a block without
    /// `seed=` uses the documented derivation from (notebook seed, block id); a random default draws
    /// once, from the stream of the block whose `def` ran it. The same on a second run.
    @Test func randomStreamsInLoopsAndFunctions() throws {
        let first = try Contract3Folder.run("draws.md")
        #expect(first.run.status == 0, "\(first.run.err)")
        let expected = try Contract3Folder.expected("draws.md")
        #expect(first.printed.count == expected.count, "\(first.printed)")
        for (got, want) in zip(first.printed, expected) {
            let gotWords = got.split(separator: " ")
            let wantWords = want.split(separator: " ")
            #expect(gotWords.first == wantWords.first && gotWords.count == wantWords.count, "\(got) vs \(want)")
            // Bit for bit: %.17g round-trips a double.
            #expect(
                gotWords.dropFirst().map { Double($0) } == wantWords.dropFirst().map { Double($0) }, "\(got) vs \(want)"
            )
        }
        let second = try Contract3Folder.run("draws.md")
        #expect(second.printed == first.printed)
    }

    /// §8 Indentation: a tab in indentation, an indented line after no header and a dedent to a
    /// level no enclosing body has are errors located at that line (column 1, where the indentation
    /// is); the notebook's other blocks still run.
    @Test func indentationErrorsAreLocated() throws {
        let result = try Contract3Folder.run("indentation.md")
        #expect(result.run.status == 1, "\(result.run.err)")
        let file = result.file
        let source = Contract3Folder.directory.appendingPathComponent("indentation.md").path
        for text in ["\tb = i", "    d = 2", "    f = 2", "        h = 2", "        k = 2"] {
            let line = try Contract2Folder.line(of: text, in: source)
            #expect(
                Contract3Folder.diagnostics(result.run.err, file: file).contains {
                    $0.hasPrefix("\(file):\(line):1: error: ")
                }, "no error at line \(line):\n\(result.run.err)")
        }
        #expect(
            result.blocks.map { $0["status"] as? String } == ["failed", "failed", "failed", "failed", "failed", "ran"])
        #expect(result.printed == ["fine 1"])
    }

    /// §8 calls and errors: too many, too few and unknown arguments (and a positional parameter
    /// passed by keyword) are errors at the call; an error inside a function names its line there and
    /// adds `note: called from` for each call on the way, innermost first; neither comprehension
    /// variables nor a function's locals leak; `d` on a non-integral number, `break` outside a loop,
    /// an index out of range and a zero `range` step are located errors; more than 200 active calls
    /// are an error whose notes are the first ten call sites and then the 190 others (200 active
    /// calls: the top-level one and 199 recursive ones).
    @Test func callErrorsAndNotes() throws {
        let result = try Contract3Folder.run("errors.md")
        #expect(result.run.status == 1, "\(result.run.err)")
        let file = result.file
        let diagnostics = Contract3Folder.diagnostics(result.run.err, file: file)
        func located(_ token: String, on text: String, _ id: String, within call: String? = nil) throws {
            let (line, column) = try Contract3Folder.place(call ?? token, on: text, in: "errors.md")
            let block = try #require(result.blocks.first { $0["id"] as? String == id })
            #expect(block["status"] as? String == "failed", "\(id)")
            let error = try #require((block["errors"] as? [[String: Any]])?.first, "\(id) has no error")
            #expect(CorpusReport.int(error["line"]) == line, "\(id): \(error)")
            let got = CorpusReport.int(error["column"]) ?? 0
            if let call {
                // "At the call": anywhere from the callee's name to the closing parenthesis.
                #expect(got >= column && got < column + call.count, "\(id): column \(got) outside '\(call)'")
            } else {
                #expect(got == column, "\(id): \(error)")
            }
            #expect(
                diagnostics.contains { $0.hasPrefix("\(file):\(line):\(got): error: ") },
                "\(id): not on stderr:\n\(result.run.err)")
        }
        try located("pair", on: "r = pair(1, 2, 3)", "too_many", within: "pair(1, 2, 3)")
        try located("pair", on: "r = pair(1)", "too_few", within: "pair(1)")
        try located("pair", on: "r = pair(1, 2, scael: 2)", "unknown_kw", within: "pair(1, 2, scael: 2)")
        try located("pair", on: "r = pair(1, b: 2)", "positional_as_kw", within: "pair(1, b: 2)")
        try located("undefined_in_inner", on: "return x + undefined_in_inner", "chain")
        try located("tt", on: "print(tt)", "leak")
        try located("undefned_x", on: "print(f\"value {undefned_x:.2f}\")", "in_fstring")
        try located("only_here", on: "print(only_here)", "local")
        try located("f\"{2.5:d}\"", on: "print(f\"{2.5:d}\")", "format_d", within: "f\"{2.5:d}\"")
        try located("count(n - 1)", on: "return 1 + count(n - 1)", "too_deep", within: "count(n - 1)")
        try located("break", on: "break", "stray")
        try located("pair", on: "r = pair(1, 2, 4, 5)", "kw_by_position", within: "pair(1, 2, 4, 5)")
        try located("return", on: "return 3", "stray_return")
        try located("continue", on: "continue", "stray_next")
        try located("else", on: "else:", "lone_else")
        // An `if` with no body: at the header or at the line that should have been indented.
        let header = try Contract3Folder.place("if", on: "if true:", in: "errors.md").line
        let noBody = try #require(result.blocks.first { $0["id"] as? String == "no_body" })
        let noBodyError = try #require((noBody["errors"] as? [[String: Any]])?.first)
        #expect([header, header + 1].contains(CorpusReport.int(noBodyError["line"]) ?? 0), "\(noBodyError)")
        try located("undefined_in_inner", on: "return x + undefined_in_inner", "in_comprehension")
        // `h` assigns `g`, so `g` is local to it throughout (as in Python): reading it first is an error.
        try located("g", on: "    t = g", "local_before_assign")
        try located("xs", on: "print(xs[3])", "index", within: "xs[3]")
        try located("range", on: "print(range(0, 5, 0))", "range_step", within: "range(0, 5, 0)")
        let unknownKeyword = diagnostics.first { $0.contains(": error: ") && $0.contains("scael") }
        #expect(unknownKeyword != nil, "the unknown keyword is not named:\n\(result.run.err)")

        // The chain outer → middle → inner: three notes, innermost first, then the next block's error.
        let inner = try Contract2Folder.line(
            of: "return x + undefined_in_inner", in: Contract3Folder.directory.path + "/errors.md")
        let chainAt = try #require(diagnostics.firstIndex { $0.hasPrefix("\(file):\(inner):") })
        let callLines = try ["return inner(y)", "return middle(x) + 1", "v = outer(5)"].map {
            try Contract2Folder.line(of: $0, in: Contract3Folder.directory.path + "/errors.md")
        }
        let notes = diagnostics[(chainAt + 1)...].prefix { $0.contains(": note: ") }
        #expect(notes.count == 3, "\(notes)")
        for (note, line) in zip(notes, callLines) {
            #expect(note.contains("note: called from \(file):\(line):"), "\(note) is not the call at line \(line)")
        }

        // Called from a comprehension: the error in `inner`, one note at the comprehension's call.
        let comprehension = try Contract2Folder.line(
            of: "ys = [inner(x) for x in [1, 2]]", in: Contract3Folder.directory.path + "/errors.md")
        let second = try #require(
            diagnostics.indices.filter { diagnostics[$0].hasPrefix("\(file):\(inner):") }.dropFirst().first,
            "\(result.run.err)")
        let comprehensionNotes = diagnostics[(second + 1)...].prefix { $0.contains(": note: ") }
        #expect(comprehensionNotes.count == 1, "one call on the way: \(diagnostics)")
        #expect(
            comprehensionNotes.first?.contains("note: called from \(file):\(comprehension):") == true, "\(diagnostics)")

        // Recursion: ten call sites, then "… 190 more calls".
        let deep = try Contract2Folder.line(
            of: "return 1 + count(n - 1)", in: Contract3Folder.directory.path + "/errors.md")
        let deepAt = try #require(
            diagnostics.firstIndex { $0.hasPrefix("\(file):\(deep):") && $0.contains(": error: ") })
        let deepNotes = Array(diagnostics[(deepAt + 1)...].prefix { $0.contains(": note: ") })
        #expect(deepNotes.count == 11, "\(deepNotes)")
        #expect(deepNotes.prefix(10).allSatisfy { $0.contains("note: called from \(file):\(deep):") }, "\(deepNotes)")
        #expect(deepNotes.last?.contains("190 more calls") == true, "\(deepNotes)")

        // An error 15 calls deep: ten notes, then the 5 others; 10 calls deep: ten notes, the last
        // at the block's own call.
        let source = Contract3Folder.directory.path + "/errors.md"
        for (body, call, notesShown, more) in [
            ("    return down(n - 1)", "down(14)", 10, "… 5 more calls"), ("    return d2(n - 1)", "d2(9)", 10, nil)
        ] {
            let recursive = try Contract2Folder.line(of: body, in: source)
            let top = try Contract2Folder.line(of: call, in: source)
            let failing = recursive - 1
            let at = try #require(
                diagnostics.firstIndex { $0.hasPrefix("\(file):\(failing):") && $0.contains(": error: ") },
                "\(result.run.err)")
            let notes = Array(diagnostics[(at + 1)...].prefix { $0.contains(": note: ") })
            #expect(notes.count == notesShown + (more == nil ? 0 : 1), "\(notes)")
            let calledFrom = notes.filter { $0.contains("note: called from") }
            #expect(calledFrom.count == notesShown, "\(notes)")
            if let more {
                #expect(notes.last?.contains(more) == true, "\(notes)")
                #expect(calledFrom.allSatisfy { $0.contains("called from \(file):\(recursive):") }, "\(notes)")
            } else {
                #expect(calledFrom.dropLast().allSatisfy { $0.contains("called from \(file):\(recursive):") })
                #expect(calledFrom.last?.contains("called from \(file):\(top):") == true, "\(notes)")
            }
        }

        #expect(result.printed == (try Contract3Folder.expected("errors.md")), "\(result.run.out)")
        #expect(
            result.blocks.filter { $0["status"] as? String == "ran" }.map { $0["id"] as? String } == ["setup", "ok"])
    }

    /// §5: a block that does not parse reports its own located syntax error even after a failed
    /// block bound names it seems to mention (an f-string `f"…"`, words in a string); a block that
    /// parses and reads such a name is skipped. A block that does not parse binds nothing: a name
    /// its text seems to assign keeps an earlier block's value.
    @Test func syntaxErrorAfterAFailureIsReported() throws {
        let result = try Contract3Folder.run("syntax_after_failure.md")
        #expect(result.run.status == 1, "\(result.run.err)")
        #expect(
            result.blocks.map { $0["status"] as? String } == [
                "failed", "failed", "failed", "skipped", "ran", "failed", "ran"
            ], "\(result.run.out)")
        #expect(result.printed == ["q 5"], "\(result.run.out)")
        let source = Contract3Folder.directory.appendingPathComponent("syntax_after_failure.md").path
        for (id, text) in [("fstring", "print(f\"{1 + 2\")"), ("words", "print(\"f and k are words here\"")] {
            let line = try Contract2Folder.line(of: text, in: source)
            let block = try #require(result.blocks.first { $0["id"] as? String == id })
            let error = try #require((block["errors"] as? [[String: Any]])?.first, "\(id) reports no error")
            // The unclosed call may be reported at its line or at the block's end, the next line.
            #expect([line, line + 1].contains(CorpusReport.int(error["line"]) ?? 0), "\(id): \(error)")
        }
    }

    /// §8 `while` is bounded by the block timeout: `while true:` under `timeout=1` fails located at
    /// the statement running (the loop's header or its body), a later block that reads the loop's
    /// names is skipped, one that reads them through a function defined earlier does not print the
    /// count the loop had reached (it would differ from run to run), one that does not runs.
    @Test func whileTrueTimesOutLocated() throws {
        let result = try Contract3Folder.run("timeout.md")
        #expect(result.run.status == 1, "\(result.run.err)")
        let statuses = result.blocks.map { $0["status"] as? String }
        #expect(statuses.count == 5 && statuses[0] == "ran" && statuses[1] == "failed" && statuses[2] == "skipped")
        #expect(statuses.count == 5 && ["failed", "skipped"].contains(statuses[3]) && statuses[4] == "ran")
        let source = Contract3Folder.directory.appendingPathComponent("timeout.md").path
        let loop = try [
            Contract2Folder.line(of: "while true:", in: source), Contract2Folder.line(of: "n = n + 1", in: source)
        ]
        let spin = try #require(result.blocks.first { $0["id"] as? String == "spin" })
        let error = try #require((spin["errors"] as? [[String: Any]])?.first)
        #expect(loop.contains(CorpusReport.int(error["line"]) ?? 0), "\(error)")
        #expect((error["message"] as? String ?? "").contains("timed out"), "\(error)")
        #expect(result.printed == ["limit 3"])
        // Failing, it says which block did not produce `n`.
        let viaFunction = try #require(result.blocks.first { $0["id"] as? String == "via_function" })
        if viaFunction["status"] as? String == "failed" {
            let message = (viaFunction["errors"] as? [[String: Any]])?.first?["message"] as? String ?? ""
            #expect(message.contains("'n'") && message.contains("'spin'"), "\(message)")
        }
    }

    /// §8 outputs: `print` and `show` inside loops and functions belong to the block in the order
    /// they happen; `figure(title:)` starts a new figure, later calls draw into it, a figure with
    /// nothing drawn is not shown.
    @Test func outputsInLoopsAndFunctionsAndFigures() throws {
        let result = try Contract3Folder.run("figures.md")
        #expect(result.run.status == 0, "\(result.run.err)")
        let ordered = try #require(
            result.blocks.first { $0["id"] as? String == "ordered" }?["outputs"] as? [[String: Any]])
        let texts = ordered.map { ($0["text"] as? String) ?? "" }
        #expect(texts == ["pass 0", "pass 1", "in function 1", "10", "pass 2", "end"], "\(ordered)")
        #expect(ordered[3]["kind"] as? String != "text", "show x * 10 is a value: \(ordered[3])")
        let figs = try #require(result.blocks.first { $0["id"] as? String == "figs" }?["outputs"] as? [[String: Any]])
        let figures = figs.filter { $0["kind"] as? String == "figure" }
        #expect(figures.count == 3, "the first plot, 'Second figure' (three lines), the scatter: \(figs)")
        let captions = figures.map { ($0["text"] as? String) ?? "" }
        #expect(captions.count == 3 && captions[1].contains("Second figure") && captions[1].contains("3 series"))
        #expect(captions.count == 3 && captions[0].contains("1 series") && captions[2].contains("1 series"))
        #expect(!result.run.out.contains("Nothing drawn"), "\(result.run.out)")
    }

    /// §8 "the block cache stays exact" with the default cache: editing a `def` in an earlier block
    /// re-runs the blocks that call it, directly or through another function defined in between;
    /// editing a binding a stored function reads re-runs its caller; changing a file a function
    /// `load`s re-runs the block that calls it; the others are restored (`--json` and `--explain`).
    @Test func cacheFollowsCalls() throws {
        let sandbox = try Contract3Folder.sandbox(["cache.md", "table.csv"])
        defer { sandbox.remove() }
        let file = sandbox.path("cache.md")
        let json = sandbox.path("r.json")
        func run() throws -> (statuses: [String: String], printed: [String], out: String) {
            let run = CapturedConsole.run(["run", file, "--json", json, "--explain"])
            #expect(run.status == 0, "\(run.err)")
            var statuses: [String: String] = [:]
            for block in try Contract2Folder.blocks(json) {
                statuses[block["id"] as? String ?? "?"] = block["status"] as? String
            }
            return (statuses, try Contract3Folder.printed(json), run.out + run.err)
        }
        func edit(_ old: String, _ new: String, in path: String) throws {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(old))
            try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        }
        let ids = ["defs", "wrappers", "other", "use_f", "use_wrap", "use_factor", "use_table"]
        func expect(ran: Set<String>, _ result: (statuses: [String: String], printed: [String], out: String)) {
            for id in ids {
                #expect(result.statuses[id] == (ran.contains(id) ? "ran" : "cached"), "\(id): \(result.out)")
                let explained = result.out.split(separator: "\n").first { $0.contains("#\(id): ") }
                #expect(explained != nil, "--explain says nothing of \(id):\n\(result.out)")
                // "ran: <why>" for a block that ran, another reason for one restored.
                #expect(explained?.contains("#\(id): ran") == ran.contains(id), "\(explained ?? "")")
            }
        }
        let stages = try Contract3Folder.expected("cache.md")
        func lines(_ stage: Int) -> [String] {
            stages.filter { $0.hasPrefix("\(stage) ") }.map { String($0.dropFirst("\(stage) ".count)) }
        }
        let first = try run()
        expect(ran: Set(ids), first)
        #expect(first.printed == lines(0))
        expect(ran: [], try run())

        try edit("return x * 2   # EDIT f", "return x * 3   # EDIT f", in: file)
        let afterF = try run()
        expect(ran: ["defs", "use_f", "use_wrap"], afterF)
        #expect(afterF.printed == lines(1))

        try edit("factor = 10   # EDIT factor", "factor = 20   # EDIT factor", in: file)
        let afterFactor = try run()
        expect(ran: ["defs", "use_factor"], afterFactor)
        #expect(afterFactor.printed == lines(2))

        try "1,2\n3,5\n".write(toFile: sandbox.path("table.csv"), atomically: true, encoding: .utf8)
        let afterFile = try run()
        expect(ran: ["use_table"], afterFile)
        #expect(afterFile.printed == lines(3))
    }
}
