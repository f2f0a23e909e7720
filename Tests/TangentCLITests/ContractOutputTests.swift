import Foundation
import TestSupport
import Testing

// The second "unseen notebook" tester: notebooks in Contract2/ written only from LANGUAGE.md,
// covering what ContractNotebookTests does not: block attributes and front matter (§1), the
// outputs of `show`, `print` and figures (§4 "Output"), located errors (§5) and the promises of
// the command line (§7: `run` writes nothing, `update` is idempotent and leaves prose alone,
// `check` tolerances, offline `render`, the `--json` fields, several paths at once). Expected
// values come from the contract's text, from the notebooks' own text (lines, columns) or from
// numpy (Contract2/make_values.py writes Contract2/values.json), never from Tangent.

enum Contract2Folder {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Contract2", isDirectory: true)

    /// A fresh folder holding copies of `files` (relative to Contract2/).
    static func sandbox(_ files: [String]) throws -> TemporaryFolder {
        let sandbox = try TemporaryFolder("contract2")
        for relative in files {
            let target = sandbox.url(relative)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: directory.appendingPathComponent(relative), to: target)
        }
        return sandbox
    }

    /// The lines of a file as a reader counts them (split at "\n").
    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }

    /// The 1-based line of the only line of `path` that contains `text`.
    static func line(of text: String, in path: String) throws -> Int {
        let all = try lines(path)
        let hits = all.indices.filter { all[$0].contains(text) }
        try #require(hits.count == 1, "'\(text)' is on \(hits.count) lines of \(path)")
        return hits[0] + 1
    }

    /// The 1-based column where `token` starts in `line`.
    static func column(of token: String, in line: String) throws -> Int {
        let range = try #require(line.range(of: token), "'\(token)' not in '\(line)'")
        return line.distance(from: line.startIndex, to: range.lowerBound) + 1
    }

    /// Every block of every notebook of a `--json` report.
    static func blocks(_ jsonPath: String) throws -> [[String: Any]] {
        CorpusReport.notebooks(try CorpusReport.load(jsonPath)).flatMap(CorpusReport.blocks)
    }

    /// The numbers written in `text` (`-2.3782e-05`, `4.03686`, `100`).
    static func numbers(in text: String) -> [Double] {
        let pattern = /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/
        return text.matches(of: pattern).compactMap { Double(String($0.output.0)) }
    }

    /// Whether `text` names the shape rows×cols in one of the usual spellings.
    static func names(shape rows: Int, _ cols: Int, in text: String) -> Bool {
        ["\(rows)×\(cols)", "\(rows) × \(cols)", "\(rows)x\(cols)", "(\(rows), \(cols))", "[\(rows), \(cols)]"]
            .contains { text.contains($0) }
    }
}

@Suite struct ContractOutputTests {
    /// §1: every attribute alone and combined; default ids `b<N>` count ntk blocks only (the
    /// python, text and plain fences before them are prose and never run); lines count from line
    /// 1 of the file, front matter and prose included; the front matter's `timeout` stops a block
    /// that sets none; `seed=` overrides the block seed, and the report records it.
    @Test func attributesIdsLinesAndStatuses() throws {
        let sandbox = try Contract2Folder.sandbox(["attributes.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("attributes.md")
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", file, "--json", json])
        let transcript = "--- exit \(run.status)\n\(run.out)\n\(run.err)"
        #expect(run.status == 0, "\(transcript)")

        let blocks = try Contract2Folder.blocks(json)
        #expect(
            blocks.map { $0["id"] as? String } == [
                "b1", "b2", "named", "b4", "b5", "bad", "spin", "fixed", "both", "b10"
            ], "\(transcript)")
        let fences = try Contract2Folder.lines(file).enumerated()
            .filter { $0.element.hasPrefix("```ntk") || $0.element.hasPrefix("~~~ntk") }.map { $0.offset + 1 }
        #expect(blocks.map { CorpusReport.int($0["line"]) } == fences)
        #expect(
            blocks.map { $0["status"] as? String } == [
                "ran", "ran", "ran", "ran", "skipped", "ran", "ran", "ran", "skipped", "ran"
            ], "\(transcript)")
        for block in blocks where block["id"] as? String == "fixed" || block["id"] as? String == "b10" {
            #expect("\(block["seed"] ?? "none")" == "7", "block \(block["id"] ?? "?") ran with seed \(block)")
        }
        // `spin` fails because the front matter's 0.5 s ran out (not for another reason).
        let spin = try #require(blocks.first { $0["id"] as? String == "spin" })
        let raised = try #require(spin["raised"] as? [String: Any], "spin raised nothing")
        #expect((raised["message"] as? String ?? "").contains("timed out"), "\(raised)")
        let bad = try #require(blocks.first { $0["id"] as? String == "bad" })
        let badRaised = try #require(bad["raised"] as? [String: Any])
        #expect(CorpusReport.int(badRaised["line"]) == (try Contract2Folder.line(of: "z = no_such_name", in: file)))
    }

    /// §1, §6, §7: without front matter the notebook seed is 0: the same block prints the same
    /// draw as under `seed: 0` and another under `seed: 5`. One command takes a file and a
    /// folder (every `.md` under it) at once.
    @Test func notebookSeedDefaultsToZeroAndPathsMix() throws {
        let sandbox = try Contract2Folder.sandbox(["seed_default.md", "more/seed_zero.md", "more/seed_five.md"])
        defer { sandbox.remove() }
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", sandbox.path("seed_default.md"), sandbox.path("more"), "--json", json])
        #expect(run.status == 0, "\(run.err)")
        let notebooks = CorpusReport.notebooks(try CorpusReport.load(json))
        var draws: [String: String] = [:]
        var seeds: [String: String] = [:]
        for notebook in notebooks {
            let name = URL(fileURLWithPath: notebook["path"] as? String ?? "").lastPathComponent
            let block = try #require(CorpusReport.blocks(notebook).first)
            seeds[name] = "\(block["seed"] ?? "none")"
            let outputs = block["outputs"] as? [[String: Any]] ?? []
            draws[name] = outputs.compactMap { $0["text"] as? String }.first { $0.hasPrefix("draw ") }
        }
        #expect(Set(draws.keys) == ["seed_default.md", "seed_zero.md", "seed_five.md"], "\(run.out)")
        #expect(draws["seed_default.md"] != nil && draws["seed_default.md"] == draws["seed_zero.md"], "\(draws)")
        #expect(draws["seed_five.md"] != nil && draws["seed_five.md"] != draws["seed_zero.md"], "\(draws)")
        #expect(seeds["seed_default.md"] == seeds["seed_zero.md"] && seeds["seed_five.md"] != seeds["seed_zero.md"])
        // Printed to standard output too, once per notebook.
        #expect(run.out.split(separator: "\n").filter { $0.hasPrefix("draw ") }.count == 3, "\(run.out)")
    }

    /// §1: only `ntk` fences run, in a list item, a block quote or `<details>` too; one inside a
    /// longer fence, an indented code block or an HTML comment is text. `update` writes the
    /// outputs of the nested blocks idempotently and `check` agrees with them.
    @Test func onlyNtkFencesRunWhereverTheyAre() throws {
        let sandbox = try Contract2Folder.sandbox(["fences.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("fences.md")
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", file, "--json", json])
        #expect(run.status == 0, "\(run.out)\n\(run.err)")
        let blocks = try Contract2Folder.blocks(json)
        #expect(blocks.map { $0["id"] as? String } == ["listed", "b2", "det"])
        #expect(blocks.map { $0["status"] as? String } == ["ran", "ran", "ran"])
        #expect(
            blocks.map { CorpusReport.int($0["line"]) } == [
                try Contract2Folder.line(of: "```ntk {#listed}", in: file),
                try Contract2Folder.line(of: "> ```ntk", in: file),
                try Contract2Folder.line(of: "```ntk {#det}", in: file)
            ])

        let original = try String(contentsOfFile: file, encoding: .utf8)
        #expect(CapturedConsole.run(["update", file]).status == 0)
        let updated = try String(contentsOfFile: file, encoding: .utf8)
        #expect(updated != original)
        #expect(CapturedConsole.run(["update", file]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == updated, "a second update changed the notebook")
        let check = CapturedConsole.run(["check", file])
        #expect(check.status == 0, "\(check.out)\n\(check.err)")
        let again = CapturedConsole.run(["run", file, "--json", json])
        #expect(again.status == 0)
        #expect(try Contract2Folder.blocks(json).map { $0["id"] as? String } == ["listed", "b2", "det"])
    }

    /// §1: the front matter is YAML-style: a quoted title keeps its colon and loses its quotes and
    /// the comment after it (`''` and `\"` are quotes inside quotes, as in YAML); `seed: 3 # comment`
    /// is seed 3 (the same draw as a bare `seed: 3`).
    @Test func frontMatterReadsLikeYAML() throws {
        let sandbox = try Contract2Folder.sandbox([
            "yaml/front_matter.md", "yaml/seed_three.md", "yaml/single_quotes.md", "yaml/escapes.md"
        ])
        defer { sandbox.remove() }
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", sandbox.path("yaml"), "--json", json])
        #expect(run.status == 0, "\(run.err)")
        var titles: [String: String] = [:]
        var draws: [String: String] = [:]
        for notebook in CorpusReport.notebooks(try CorpusReport.load(json)) {
            let name = URL(fileURLWithPath: notebook["path"] as? String ?? "").lastPathComponent
            titles[name] = notebook["title"] as? String
            let outputs = CorpusReport.blocks(notebook).first?["outputs"] as? [[String: Any]] ?? []
            draws[name] = outputs.compactMap { $0["text"] as? String }.first { $0.hasPrefix("draw ") }
        }
        #expect(titles["front_matter.md"] == "Kernels: a quoted title")
        #expect(titles["single_quotes.md"] == "it's # not a comment")
        #expect(titles["escapes.md"] == #"say "hi" \ bye"#)
        #expect(draws["front_matter.md"] != nil && draws["front_matter.md"] == draws["seed_three.md"], "\(draws)")
    }

    /// §5: each failure is `FILE:LINE:COL: error: message` at the spot (line in the whole file,
    /// after front matter and prose), then the source line, then a `^` under the spot; unknown
    /// names suggest the nearest known one; shape errors name both shapes. The `--json` errors
    /// carry the same place.
    @Test func errorsAreLocatedWithSourceAndCaret() throws {
        let sandbox = try Contract2Folder.sandbox(["errors.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("errors.md")
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", file, "--json", json])
        #expect(run.status == 1, "\(run.err)")
        // (block, the failing line's text, the token the error points at, what the message must say)
        let cases: [(String, String, String, [[String]])] = [
            ("unknown_builtin", "v = linspce(0, 1, 3)", "linspce", [["linspace"]]),
            ("unknown_binding", "w = 3 * weigth", "weigth", [["weight"]]),
            ("keyword", "Z = zeros(2, 2, dtype: 1)", "dtype", [["dtype"]]),
            ("type", "s = sqrt(\"a\")", "\"a\"", []),
            ("file", "M = load(\"no-such-file.npy\")", "\"no-such-file.npy\"", [["no-such-file.npy"]]),
            ("cholesky", "L = cholesky([[1, 2], [2, 1]])", "[[1, 2], [2, 1]]", [["positive definite"]]),
            ("nested", "q = undefined_thing + i", "undefined_thing", [["undefined_thing"]])
        ]
        let lines = run.err.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let blocks = try Contract2Folder.blocks(json)
        func check(block id: String, line: Int, column: Int?, needles: [[String]], shapes: [(Int, Int)] = []) throws {
            let prefix = column.map { "\(file):\(line):\($0): error: " } ?? "\(file):\(line):"
            let header = try #require(
                lines.firstIndex { $0.hasPrefix(prefix) && $0.contains(": error: ") }, "no \(prefix) in\n\(run.err)")
            let source = try Contract2Folder.lines(file)[line - 1]
            #expect(lines[header + 1] == source, "block \(id): \(run.err)")
            let caret = lines[header + 2]
            let spot = try #require(caret.firstIndex(of: "^"), "block \(id): no caret in\n\(run.err)")
            let caretColumn = caret.distance(from: caret.startIndex, to: spot) + 1
            #expect(caretColumn == column ?? caretColumn, "block \(id): caret at \(caretColumn)\n\(run.err)")
            #expect(caret[..<spot].allSatisfy { $0 == " " })
            let message = lines[header]
            for alternatives in needles {
                #expect(alternatives.contains { message.contains($0) }, "block \(id): \(message)")
            }
            for (r, c) in shapes {
                #expect(
                    Contract2Folder.names(shape: r, c, in: message), "block \(id) does not name \(r)×\(c): \(message)")
            }
            let block = try #require(blocks.first { $0["id"] as? String == id })
            #expect(block["status"] as? String == "failed")
            let error = try #require((block["errors"] as? [[String: Any]])?.first, "block \(id)")
            #expect(error["file"] as? String == file)
            #expect(CorpusReport.int(error["line"]) == line)
            #expect(CorpusReport.int(error["column"]) == caretColumn)
            #expect(message.hasSuffix(error["message"] as? String ?? "<none>"), "\(message) vs \(error)")
        }
        for (id, text, token, needles) in cases {
            let line = try Contract2Folder.line(of: text, in: file)
            let column = try Contract2Folder.column(of: token, in: try Contract2Folder.lines(file)[line - 1])
            try check(block: id, line: line, column: column, needles: needles)
        }
        // Shape mismatches: both shapes in the message, at the operator's line.
        try check(
            block: "matmul", line: try Contract2Folder.line(of: "C = A @ B", in: file), column: nil, needles: [],
            shapes: [(2, 3), (4, 5)])
        try check(
            block: "broadcast", line: try Contract2Folder.line(of: "D = A + B", in: file), column: nil, needles: [],
            shapes: [(2, 3), (4, 5)])
        // A statement continued over two lines: the error is on one of its lines, names both shapes.
        let first = try Contract2Folder.line(of: "H = hcat(ones(2, 1),", in: file)
        let header = try #require(
            lines.first { $0.hasPrefix("\(file):\(first):") || $0.hasPrefix("\(file):\(first + 1):") }, "\(run.err)")
        #expect(Contract2Folder.names(shape: 2, 1, in: header) && Contract2Folder.names(shape: 3, 1, in: header))
        #expect(blocks.map { $0["status"] as? String }.filter { $0 == "failed" }.count == blocks.count - 1)
    }

    /// §4 Output: numbers and strings as they are, a small matrix as a table, a large one as a
    /// summary whose shape, min, max, mean and corner are numpy's, `show expr, "caption"`,
    /// `print(a, b, ...)` as plain text; repeated `plot`/`scatter` calls are one figure and a
    /// `y` of three columns three lines; `heatmap(K, title:)` a figure of its own; `scatter` takes
    /// `label`, `title`, `xlabel` and `ylabel` as `plot` does.
    @Test func showPrintAndFigures() throws {
        let sandbox = try Contract2Folder.sandbox(["outputs.md", "values.json"])
        defer { sandbox.remove() }
        let json = sandbox.path("r.json")
        let run = CapturedConsole.run(["run", sandbox.path("outputs.md"), "--json", json])
        #expect(run.status == 0, "\(run.err)")
        let printed = run.out.split(separator: "\n").map(String.init)
        for text in ["42", "2.5", "hello", "a 1 2.5 [1, 2] true none"] {
            #expect(printed.contains(text), "'\(text)' not printed:\n\(run.out)")
        }
        #expect(run.out.contains("small"), "the caption is not shown:\n\(run.out)")
        #expect(printed.contains { Contract2Folder.numbers(in: $0) == [1, 2] }, "\(run.out)")
        #expect(printed.contains { Contract2Folder.numbers(in: $0) == [3, 4] }, "\(run.out)")

        let blocks = try Contract2Folder.blocks(json)
        let values = try #require(blocks.first { $0["id"] as? String == "values" }?["outputs"] as? [[String: Any]])
        let small = try #require(values.first { ($0["caption"] as? String) == "small" }, "\(values)")
        let data = try #require((small["value"] as? [String: Any])?["data"] as? [[Double]])
        #expect(data == [[1, 2], [3, 4]])

        let oracle = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path("values.json"))))
                as? [String: Any])
        let large = try #require(blocks.first { $0["id"] as? String == "large" }?["outputs"] as? [[String: Any]])
        let summary = try #require(large.first { ($0["caption"] as? String) == "big" }?["text"] as? String)
        #expect(Contract2Folder.names(shape: 100, 100, in: summary), "\(summary)")
        #expect(run.out.contains(summary), "the summary is not printed")
        let written = Contract2Folder.numbers(in: summary)
        var expected = [
            oracle["large_min"] as? Double, oracle["large_max"] as? Double, oracle["large_mean"] as? Double
        ].compactMap { $0 }
        expected += oracle["large_corner"] as? [Double] ?? []
        #expect(expected.count == 7)
        for value in expected {
            // Shown with at least 5 significant digits.
            #expect(written.contains { abs($0 - value) <= 1e-4 * abs(value) }, "\(value) not in\n\(summary)")
        }
        #expect(summary.split(separator: "\n").count < 20, "a 100×100 matrix is summarised, not listed:\n\(summary)")

        let figs = try #require(blocks.first { $0["id"] as? String == "figs" }?["outputs"] as? [[String: Any]])
        let figures = figs.filter { $0["kind"] as? String == "figure" }
        #expect(figures.count == 2, "plot, scatter and plot make one figure, heatmap another: \(figs)")
        let curves = figures.first?["text"] as? String ?? ""
        // square + points + three columns of `y`, one line each.
        #expect(curves.contains("5 series") && curves.contains("Curves"), "\(curves)")
        let heatmap = figures.last?["text"] as? String ?? ""
        #expect(heatmap.contains("identity"), "\(heatmap)")
        let dots = try #require(blocks.first { $0["id"] as? String == "dots" }?["outputs"] as? [[String: Any]])
        #expect(dots.filter { $0["kind"] as? String == "figure" }.count == 1, "\(dots)")
    }

    /// §7 render: a site whose pages load nothing from the network (scripts, styles, fonts,
    /// images are files of the site), showing the figures (the large matrix's heatmap too),
    /// the small matrix as a table, and the prose's math typeset.
    @Test func renderWritesAnOfflineSite() throws {
        let sandbox = try Contract2Folder.sandbox(["outputs.md"])
        defer { sandbox.remove() }
        let site = sandbox.path("site")
        let render = CapturedConsole.run(["render", sandbox.path("outputs.md"), "--out", site])
        #expect(render.status == 0, "\(render.err)")
        let files = (FileManager.default.enumerator(atPath: site)?.compactMap { $0 as? String } ?? []).sorted()
        let page = try #require(files.first { $0.hasSuffix("outputs.html") }, "\(files)")
        let html = try String(contentsOfFile: "\(site)/\(page)", encoding: .utf8)

        let remote = /(?i)(src|href)\s*=\s*["']?\s*(https?:|\/\/)/
        let cssRemote = /(?i)(url\(\s*["']?\s*(https?:|\/\/)|@import\s+["']?(https?:|\/\/))/
        for file in files where file.hasSuffix(".html") || file.hasSuffix(".css") || file.hasSuffix(".js") {
            let text = try String(contentsOfFile: "\(site)/\(file)", encoding: .utf8)
            for tag in text.matches(of: /(?i)<(script|link|img|iframe|source|embed|object|use|image)\b[^>]*>/) {
                #expect(tag.output.0.firstMatch(of: remote) == nil, "\(file) loads from the network: \(tag.output.0)")
            }
            #expect(text.firstMatch(of: cssRemote) == nil, "\(file) loads a style or font from the network")
        }
        // Every local script and stylesheet the page names is in the site.
        for tag in html.matches(of: /<(?:script|link)\b[^>]*?(?:src|href)="([^"#?]+)"[^>]*>/) {
            let target = String(tag.output.1)
            guard !target.hasSuffix(".html") else { continue }
            #expect(FileManager.default.fileExists(atPath: "\(site)/\(target)"), "\(page) needs \(target)")
        }
        #expect(html.components(separatedBy: "<svg").count - 1 >= 3, "heatmap of K, the curves, the identity")
        for text in [
            "Curves", "the x axis", "the y axis", "square", "points", "identity", "Scatter alone", "sx", "sy", "dots"
        ] {
            #expect(html.contains(">\(text)<"), "'\(text)' is not drawn")
        }
        #expect(html.contains("class=\"katex"), "the prose's math is not typeset")
        #expect(html.contains("<table"), "the small matrix is not a table")
        #expect(html.contains("Contract 2 — outputs") || html.contains("Contract 2 &mdash; outputs"))
    }

    /// §7: `run` leaves the .md byte for byte (files that `save` writes are written); `update`
    /// writes outputs without touching the prose, and a second `update` changes no byte;
    /// `check` then passes, passes after changes within the block's atol or the front matter's
    /// rtol, and fails with exit 3 located at the `show` once a change is beyond them.
    @Test func runUpdateAndCheck() throws {
        let sandbox = try Contract2Folder.sandbox(["roundtrip.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("roundtrip.md")
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        let run = CapturedConsole.run(["run", file])
        #expect(run.status == 0, "\(run.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == original, "run changed the notebook")
        #expect(FileManager.default.fileExists(atPath: sandbox.path("out/c.csv")), "save() wrote nothing")

        let update = CapturedConsole.run(["update", file])
        #expect(update.status == 0, "\(update.err)")
        let updated = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(updated != original, "update wrote no outputs")
        let again = CapturedConsole.run(["update", file])
        #expect(again.status == 0, "\(again.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == updated, "a second update changed the notebook")
        #expect(CapturedConsole.run(["run", file]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == updated, "run changed an updated notebook")

        // Outside the generated regions every line is the original's, in order, blank lines aside.
        let before = String(decoding: original, as: UTF8.self).split(separator: "\n").map(String.init)
        var after: [String] = []
        var inRegion = false
        for line in String(decoding: updated, as: UTF8.self).split(separator: "\n").map(String.init) {
            if line.hasPrefix("<!-- tangent:begin") { inRegion = true }
            if !inRegion { after.append(line) }
            if line.hasPrefix("<!-- tangent:end") { inRegion = false }
        }
        #expect(after.filter { !$0.isEmpty } == before.filter { !$0.isEmpty }, "update touched the prose")
        let prose = String(decoding: original, as: UTF8.self).components(separatedBy: "```ntk")[0]
        #expect(String(decoding: updated, as: UTF8.self).hasPrefix(prose))

        let check = CapturedConsole.run(["check", file])
        #expect(check.status == 0, "\(check.out)\n\(check.err)")

        func edit(_ replacements: [(String, String)]) throws {
            var text = String(decoding: updated, as: UTF8.self)
            for (old, new) in replacements {
                #expect(text.contains(old))
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        // Within tolerance: |1000.5 − 1000| ≤ 1e-3·1000 (front matter rtol), |1.0000005 − 1| ≤ 1e-6 (block atol).
        try edit([("\nc = 1000\n", "\nc = 1000.5\n"), ("\nd = 1\n", "\nd = 1.0000005\n")])
        let within = CapturedConsole.run(["check", file])
        #expect(within.status == 0, "\(within.out)\n\(within.err)")

        // Beyond: |1002 − 1000| > 1, |1.00001 − 1| > 1e-6 (the block's rtol=0 is not the front matter's).
        try edit([("\nc = 1000\n", "\nc = 1002\n"), ("\nd = 1\n", "\nd = 1.00001\n")])
        let edited = try Data(contentsOf: URL(fileURLWithPath: file))
        let json = sandbox.path("check.json")
        let beyond = CapturedConsole.run(["check", file, "--json", json])
        #expect(beyond.status == 3, "\(beyond.out)\n\(beyond.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == edited, "check wrote into the notebook")
        let all = beyond.out + beyond.err
        for (statement, new, stored) in [("show c, \"c\"", "1002", "1000"), ("show d", "1.00001", "1")] {
            let line = try Contract2Folder.line(of: statement, in: file)
            let located = all.split(separator: "\n").first { $0.hasPrefix("\(file):\(line):") }
            let text = try #require(located.map(String.init), "no diff located at line \(line):\n\(all)")
            #expect(text.contains(new) && text.contains(stored), "\(text)")
        }
        let blocks = try Contract2Folder.blocks(json)
        #expect(blocks.map { $0["status"] as? String } == ["mismatch", "mismatch", "ran"], "\(blocks)")
        let error = try #require((blocks[0]["errors"] as? [[String: Any]])?.first)
        #expect(error["file"] as? String == file)
        #expect(CorpusReport.int(error["line"]) == (try Contract2Folder.line(of: "show c, \"c\"", in: file)))
        #expect(CorpusReport.int(error["column"]) != nil && error["message"] is String)
    }

    /// §4: a large matrix is "a summary … plus a heatmap" in the .md `update` writes too: the
    /// summary, then an image in the notebook's figure folder (an SVG with no script), and
    /// `check` passes on the result.
    @Test func updateWritesTheHeatmapOfALargeMatrix() throws {
        let sandbox = try Contract2Folder.sandbox(["large_matrix_heatmap.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("large_matrix_heatmap.md")
        let update = CapturedConsole.run(["update", file])
        #expect(update.status == 0, "\(update.err)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("100×100 matrix"))
        let link = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("![") && $0.contains("](large_matrix_heatmap.figures/") },
            "no image linked:\n\(text)")
        let path = String(link.split(separator: "(").last!.dropLast())
        let svg = try String(contentsOfFile: sandbox.path(path), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && !svg.contains("<script"))
        // A heatmap of 100 × 100 entries draws many cells.
        #expect(svg.components(separatedBy: "<rect").count > 100 || svg.contains("<image"), "\(svg.prefix(400))")
        let check = CapturedConsole.run(["check", file])
        #expect(check.status == 0, "\(check.out)\n\(check.err)")
    }

    /// §7 `--json`: every block has `id`, `line`, `status`, `seconds` and `errors` (each with
    /// `file`, `line`, `column`, `message`); `ran`, `skipped` and `failed` in a first run, `cached`
    /// for the unchanged block in a second (`mismatch` is in `runUpdateAndCheck`).
    @Test func jsonReportFields() throws {
        let sandbox = try Contract2Folder.sandbox(["statuses.md"])
        defer { sandbox.remove() }
        let file = sandbox.path("statuses.md")
        var statuses: [[String?]] = []
        for name in ["1.json", "2.json"] {
            let run = CapturedConsole.run(["run", file, "--json", sandbox.path(name)])
            #expect(run.status == 1, "\(run.err)")
            let report = try CorpusReport.load(sandbox.path(name))
            #expect(CorpusReport.int(report["exit_code"]) == 1)
            let blocks = try Contract2Folder.blocks(sandbox.path(name))
            statuses.append(blocks.map { $0["status"] as? String })
            for block in blocks {
                #expect(block["id"] is String)
                #expect(CorpusReport.int(block["line"]) != nil)
                #expect(["ran", "cached", "skipped", "failed", "mismatch"].contains(block["status"] as? String ?? ""))
                #expect((block["seconds"] as? Double).map { $0 >= 0 } == true, "\(block)")
                #expect(block["errors"] is [[String: Any]], "\(block)")
            }
            #expect(blocks.map { $0["id"] as? String } == ["ok", "off", "broken"])
            #expect(
                blocks.map { CorpusReport.int($0["line"]) } == [
                    try Contract2Folder.line(of: "{#ok}", in: file), try Contract2Folder.line(of: "{#off", in: file),
                    try Contract2Folder.line(of: "{#broken}", in: file)
                ])
            let error = try #require((blocks[2]["errors"] as? [[String: Any]])?.first)
            let line = try Contract2Folder.line(of: "z = nope", in: file)
            #expect(error["file"] as? String == file)
            #expect(CorpusReport.int(error["line"]) == line)
            #expect(CorpusReport.int(error["column"]) == (try Contract2Folder.column(of: "nope", in: "z = nope")))
            #expect((error["message"] as? String ?? "").contains("nope"))
        }
        #expect(statuses == [["ran", "skipped", "failed"], ["cached", "skipped", "failed"]])
    }
}
