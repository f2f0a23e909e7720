import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// One options model per verb (issue 17, item 7): each verb takes its own options and refuses
/// every other one with exit 2; `tangent VERB --help` prints that verb's usage.
@Suite struct VerbOptionsTests {
    /// The options each verb takes, written out from the guide and docs/language.md#command-line,
    /// apart from the declarations the parser reads, so that a declaration gained or lost by
    /// mistake shows here.
    static let accepted: [String: Set<String>] = {
        let executing: Set = [
            "--json", "--junit", "--timeout", "--quiet", "-q", "--progress", "--no-cache", "--allow-outside", "--jobs",
            "-j"
        ]
        let sharding: Set = ["--shard", "--timings"]
        return [
            "run": executing.union(sharding).union(["--explain"]),
            "update": executing.union(sharding).union(["--force", "--explain"]),
            "check": executing.union(sharding).union(["--cached", "--explain"]),
            "render": executing.union(["--out", "-o", "--unsafe-html", "--debug"]),
            "export": ["--to", "--out", "-o", "--quiet", "-q"],
            "import": ["--out", "-o", "--force", "--quiet", "-q"],
            "serve": ["--port", "-p", "--host", "--out", "-o", "--timeout", "--no-cache", "--unsafe-html"],
            "report merge": ["--json", "--junit"],
            "builtins": ["--used-in"],
            "lsp": [],
            "cache": [],
            "help": ["--markdown"]
        ]
    }()

    /// Every option any verb takes.
    static let everyOption = accepted.values.reduce(Set<String>()) { $0.union($1) }.sorted()

    /// The words that start a command line of `verb` with an operand it accepts.
    static func command(_ verb: String) -> [String] {
        switch verb {
        case "report merge": ["report", "merge", "a.json"]
        case "builtins": ["builtins", "--used-in", "nb.md"]
        case "help": ["help"]
        case "cache": ["cache", "show"]
        case "lsp": ["lsp"]
        case "import": ["import", "nb.ipynb"]
        default: [verb, "nb.md"]
        }
    }

    @Test func theDeclarationsAreTheOptionsEachVerbTakes() {
        #expect(Set(CommandLineReference.verbs.map(\.name)) == Set(Self.accepted.keys))
        for verb in CommandLineReference.verbs {
            let declared = Set(verb.options.flatMap(\.spellings))
            #expect(declared == Self.accepted[verb.name], "tangent \(verb.name)")
        }
    }

    @Test(arguments: accepted.keys.sorted())
    func everyOptionOfAnotherVerbIsRefused(_ verb: String) {
        for option in Self.everyOption where !Self.accepted[verb]!.contains(option) {
            // A value after the option, as its own verb would take it; refused all the same.
            let r = CapturedConsole.run(Self.command(verb) + [option, "x"])
            let first = r.err.split(separator: "\n").first.map(String.init) ?? ""
            #expect(r.status == 2, "tangent \(verb) \(option): \(r.err)")
            #expect(first.hasPrefix("error: ") && first.contains(option), "tangent \(verb) \(option): \(first)")
            #expect(
                first.contains("does not apply to 'tangent \(verb)'")
                    || first.contains("'tangent \(verb)' cannot take \(option)"),
                "tangent \(verb) \(option): \(first)")
            #expect(r.out.isEmpty, "tangent \(verb) \(option) printed \(r.out)")
        }
    }

    @Test(arguments: accepted.keys.sorted())
    func everyVerbsHelpListsItsOptionsAndExitsZero(_ verb: String) {
        let words = verb.split(separator: " ").map(String.init)
        let long = CapturedConsole.run(words + ["--help"])
        #expect(long.status == 0 && long.err.isEmpty, "\(long.err)")
        #expect(long.out.hasPrefix("usage: tangent \(verb)"), "\(long.out)")
        // The options section lists exactly this verb's options, each on its own line.
        let listed = long.out.split(separator: "\n").filter { $0.hasPrefix("  -") }.flatMap { line in
            line.split(separator: " ").prefix { $0.hasPrefix("-") }.map { String($0.trimmingCharacters(in: [","])) }
        }
        #expect(Set(listed) == Self.accepted[verb]!.union(["-h", "--help"]), "'tangent \(verb) --help' lists \(listed)")
        #expect(listed.count == Set(listed).count, "an option listed twice: \(listed)")
        #expect(long.out.contains("exit status:") && long.out.contains("-h, --help"))
        #expect(!long.out.contains("unknown option"))
        // -h, `tangent help VERB` and `--help` after operands and options say the same.
        #expect(CapturedConsole.run(words + ["-h"]).out == long.out)
        #expect(CapturedConsole.run(["help"] + words).out == long.out)
        #expect(CapturedConsole.run(Self.command(verb) + ["--help"]).out == long.out)
    }

    @Test func theIssuesExampleExitsTwo() throws {
        let sandbox = try TemporaryFolder("verbs")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        try "```ntk\nprint(1)\n```\n".write(toFile: nb, atomically: true, encoding: .utf8)
        #expect(CapturedConsole.run(["run", nb, "--no-cache", "--quiet"]).status == 0, "the notebook itself runs")
        let r = CapturedConsole.run(["run", nb, "--to", "ipynb", "--force", "--cached"])
        #expect(r.status == 2)
        #expect(
            r.err.hasPrefix(
                "error: option '--to' does not apply to 'tangent run' (it is an option of 'tangent export')\n"),
            "\(r.err)")
        #expect(r.err.contains("usage: tangent run PATH... [options]"), "the help of run follows")
        #expect(r.out.isEmpty, "nothing ran: \(r.out)")
    }

    @Test func renderHelpIsTheHelpNotAnError() {
        let r = CapturedConsole.run(["render", "--help"])
        #expect(r.status == 0 && r.err.isEmpty)
        #expect(r.out.hasPrefix("usage: tangent render PATH... --out DIR [options]\n"), "\(r.out)")
        #expect(r.out.contains("--unsafe-html") && !r.out.contains("did you mean"))
    }

    @Test(arguments: [
        // A close spelling among this verb's options.
        (
            ["run", "nb.md", "--jsno", "r.json"],
            "unknown option '--jsno' (did you mean '--json'?); 'tangent run --help' lists its options"
        ),
        (
            ["render", "nb.md", "--out", "s", "--unsafe-htm"],
            "unknown option '--unsafe-htm' (did you mean '--unsafe-html'?)"
        ),
        (["serve", "nb.md", "--prot", "1"], "unknown option '--prot' (did you mean '--port'?)"),
        (["check", "nb.md", "--cahced"], "unknown option '--cahced' (did you mean '--cached'?)"),
        (["update", "nb.md", "--hlep"], "unknown option '--hlep' (did you mean '--help'?)"),
        // None: the close spelling is another verb's option.
        (["run", "nb.md", "--unsafe-htm"], "unknown option '--unsafe-htm'; 'tangent run --help' lists its options"),
        (["serve", "nb.md", "--jsno", "r.json"], "unknown option '--jsno'; 'tangent serve --help' lists its options"),
        (
            ["export", "nb.md", "--to", "ipynb", "--froce"],
            "unknown option '--froce'; 'tangent export --help' lists its options"
        ),
        (["report", "merge", "a.json", "--junti", "x"], "unknown option '--junti' (did you mean '--junit'?)")
    ])
    func didYouMeanOnlyAmongTheVerbsOwnOptions(_ arguments: [String], _ message: String) {
        let r = CapturedConsole.run(arguments)
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("error: " + message), "\(r.err)")
    }

    @Test(arguments: [
        (
            ["render", "nb.md", "--out", "s", "--shard", "1/2"],
            "'tangent render' cannot take --shard (a site needs every notebook)"
        ),
        (
            ["export", "nb.md", "--to", "ipynb", "--force"],
            "option '--force' does not apply to 'tangent export' (it always writes its output)"
        ),
        (
            ["import", "nb.ipynb", "-p", "80"],
            "option '-p' does not apply to 'tangent import' (it is an option of 'tangent serve')"
        ),
        (
            ["check", "nb.md", "--out", "s"],
            "option '--out' does not apply to 'tangent check' (it is an option of 'tangent render', 'tangent export', 'tangent import' and 'tangent serve')"
        ),
        (["run", "nb.md", "--quiet=yes"], "option '--quiet' takes no value"),
        (["builtins", "--used-in"], "--used-in needs at least one PATH (a .md file or a folder)"),
        (["builtins", "nb.md"], "'tangent builtins' takes a PATH only after --used-in"),
        (
            ["run", "nb.md", "--version"],
            "option '--version' does not apply to 'tangent run' (it goes alone: 'tangent --version')"
        ),
        (["export", "nb.md"], "'tangent export' needs --to FORMAT (the one format is ipynb)"),
        (["render", "nb.md"], "'tangent render' needs --out DIR"),
        (["import"], "'tangent import' needs at least one NB.ipynb (a Jupyter notebook)"),
        (["help", "run", "check"], "'tangent help' takes one VERB, got 'run check'")
    ])
    func refusalsSayWhy(_ arguments: [String], _ message: String) {
        let r = CapturedConsole.run(arguments)
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("error: " + message + "\n"), "\(r.err)")
    }

    /// `--help` wins over a mistake before or after it, as with swift-argument-parser; after `--`
    /// it is a path.
    @Test func helpWinsUnlessItIsAnOperand() {
        let afterMistake = CapturedConsole.run(["run", "--jsno", "--help"])
        #expect(afterMistake.status == 0 && afterMistake.out.hasPrefix("usage: tangent run"))
        let operand = CapturedConsole.run(["run", "--", "--help"])
        #expect(operand.status == 2 && operand.err.contains("no such file or folder"), "\(operand.err)")
    }

    @Test func theOverviewListsEveryVerb() {
        for words in [["--help"], ["-h"], ["help"]] {
            let r = CapturedConsole.run(words)
            #expect(r.status == 0 && r.err.isEmpty)
            #expect(r.out.hasPrefix("usage: tangent run PATH..."))
            for verb in Self.accepted.keys { #expect(r.out.contains("tangent \(verb) "), "\(words) lacks \(verb)") }
        }
        let unknown = CapturedConsole.run(["help", "rendr"])
        #expect(
            unknown.status == 2
                && unknown.err.hasPrefix("error: unknown command 'rendr' (did you mean 'render'?)\nusage: tangent run"))
        let report = CapturedConsole.run(["report", "--help"])
        #expect(report.status == 0 && report.out == CapturedConsole.run(["help", "report"]).out)
    }

    /// The command lines the guide, the README, the CI examples and the scripts use still mean
    /// what they meant.
    @Test func theOldFormsStillParse() throws {
        let run = try Options.parse([
            "run", "nbs", "-j4", "--shard", "1/2", "--timings", "t.json", "--no-cache", "--allow-outside",
            "--timeout=5", "--json", "r.json", "--junit", "r.xml", "-q"
        ])
        #expect(
            run.paths == ["nbs"] && run.jobs == 4 && run.shard?.index == 1 && run.shard?.count == 2
                && run.timingsPath == "t.json")
        #expect(
            run.noCache && run.allowOutside && run.timeout == 5 && run.jsonPath == "r.json" && run.junitPath == "r.xml"
                && run.quiet)
        let update = try Options.parse(["update", "nb.md", "--force", "--quiet"])
        #expect(update.verb == .update && update.force && update.quiet)
        let check = try Options.parse(["check", "notebooks", "--cached", "--jobs", "2"])
        #expect(check.cached && check.usesCache && check.jobs == 2)
        let render = try Options.parse([
            "render", "notebooks", "--out", "site", "--json", ".build/site-report.json", "--unsafe-html"
        ])
        #expect(render.outDirectory == "site" && render.jsonPath == ".build/site-report.json" && render.unsafeHTML)
        #expect(try Options.parse(["render", "a.md", "-o", "site"]).outDirectory == "site")
        let export = try Options.parse(["export", "nb.md", "--to=ipynb", "-o", "x.ipynb", "--quiet"])
        #expect(export.format == "ipynb" && export.outDirectory == "x.ipynb" && export.quiet)
        let imported = try Options.parse(["import", "nb.ipynb", "--force", "--out", "back.md"])
        #expect(imported.force && imported.outDirectory == "back.md")
        let serve = try ServeOptions.parse(["notebooks", "-p", "0", "--host", "0.0.0.0", "-o", "site", "--unsafe-html"])
        #expect(serve.port == 0 && serve.host == "0.0.0.0" && serve.outDirectory == "site" && serve.unsafeHTML)
        let merge = try ReportCommand.parse([
            "merge", "reports/a.json", "reports/b.json", "--json", "m.json", "--junit", "m.xml"
        ])
        #expect(
            merge.inputs == ["reports/a.json", "reports/b.json"] && merge.jsonPath == "m.json"
                && merge.junitPath == "m.xml")
        #expect(try Options.parse(["run", "--", "-odd.md"]).paths == ["-odd.md"])
    }

    @Test func builtinsAndVersionStillWork() {
        let table = CapturedConsole.run(["builtins"])
        #expect(table.status == 0 && table.out.hasPrefix("| "))
        let version = CapturedConsole.run(["--version"])
        #expect(version.status == 0 && version.out.hasPrefix("tangent "))
    }
}
