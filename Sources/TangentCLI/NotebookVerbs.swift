/// What `run`, `update`, `check`, `render`, `export` and `import` each take: the declarations
/// their parsing, their `--help` and the guide's command-line reference are made from. The
/// verbs share the `Options` model, but each lists only the options it uses.
extension Options {
    static func spec(for verb: Verb) -> VerbSpec<Options> {
        switch verb {
        case .run: runSpec
        case .update: updateSpec
        case .check: checkSpec
        case .render: renderSpec
        case .export: exportSpec
        case .import: importSpec
        }
    }

    private static let pathNeeded = "at least one PATH (a .md file or a folder)"
    private static let pathNote = ["PATH is a .md notebook or a folder (every .md under it)."]
    private static let stopped = VerbReference.Status(
        "130, 143", "stopped by SIGINT, SIGTERM (temporary files removed)")

    private static func executing(
        _ verb: Verb, summary: String, about: String, own: [OptionSpec<Options>],
        refusals: [String: String] = [:], exit: [VerbReference.Status],
        seeAlso: [String] = []
    ) -> VerbSpec<Options> {
        let sharding: [OptionSpec<Options>] = verb == .render ? [] : [shard, timings]
        return VerbSpec(
            verb.rawValue, operands: "PATH...", needed: pathNeeded, summary: summary, about: about,
            options: own + [json, junit, timeout, quiet, progress, noCache, allowOutside, jobs] + sharding,
            refusals: refusals, notes: pathNote, exitStatus: exit, seeAlso: seeAlso,
            start: { Options(verb: verb) }, operand: { $0.paths.append($1) },
            validate: { o throws(UsageError) in
                guard o.timingsPath == nil || o.shard != nil else {
                    throw UsageError("--timings only balances --shard; give --shard i/N too")
                }
            })
    }

    private static let runSpec = executing(
        .run, summary: "execute; print outputs and errors",
        about: """
            Runs the notebooks and prints what each block shows and prints, and its errors; the .md files
            are left as they are (files that save() writes are written).
            """,
        own: [explain],
        exit: [
            .init("0", "every block ran"), .init("1", "a block failed (an error, a failed expect, a timeout)"),
            .init("2", "usage or input error"), stopped
        ])

    private static let updateSpec = executing(
        .update, summary: "execute; write outputs back into each .md",
        about: """
            Runs the notebooks and writes each block's outputs into the .md, between tangent:begin and
            tangent:end comments; nothing outside those regions changes.
            """,
        own: [
            .flag("--force", "replace output regions even when they were edited by hand") { $0.force = true }, explain
        ],
        exit: [
            .init("0", "every block ran"), .init("1", "a block failed (its old region is kept)"),
            .init("2", "usage or input error, or a notebook changed while it ran"), stopped
        ],
        seeAlso: ["check"])

    private static let checkSpec = executing(
        .check, summary: "execute; compare with the stored outputs",
        about: """
            Runs the notebooks again and compares what every block shows with the outputs 'tangent update'
            stored, within the rtol and atol of the block or front matter; writes nothing.
            """,
        own: [
            .flag("--cached", "restore unchanged blocks from the cache too (check runs all by default)") {
                $0.cached = true
            },
            explain
        ],
        exit: [
            .init("0", "every output matches"), .init("1", "a block failed"), .init("2", "usage or input error"),
            .init("3", "outputs differ from the stored ones"), stopped
        ],
        seeAlso: ["update"])

    private static let renderSpec = executing(
        .render, summary: "execute; write a static HTML site",
        about: """
            Runs the notebooks (using the cache) and writes a static, offline site: a page per notebook,
            an index, search, figures, math typeset at build time.
            """,
        own: [
            .value("--out", short: "-o", "DIR", required: true, "the folder to write the site into") { o, v, _ in
                o.outDirectory = v
            },
            unsafeHTML,
            .flag("--debug", "show each block's line and run time (or 'cached') in its header; pages then differ") {
                $0.debug = true
            }
        ],
        refusals: ["--shard": "'tangent render' cannot take --shard (a site needs every notebook)"],
        exit: [
            .init("0", "the site was written"), .init("1", "a block failed (the site is written, with the error)"),
            .init("2", "usage or input error"), stopped
        ],
        seeAlso: ["serve"])

    /// The formats `tangent export --to` writes.
    static let exportFormats = ["ipynb"]

    private static let exportSpec = VerbSpec<Options>(
        "export", operands: "PATH...", needed: pathNeeded,
        summary: "write a Jupyter notebook beside each .md",
        about: """
            Writes each notebook as a Jupyter notebook with the outputs 'tangent update' stored (nothing
            is run): NB.ipynb beside NB.md.
            """,
        options: [
            .value("--to", "FORMAT", choices: exportFormats, required: true, "the format to write: ipynb") {
                o, v, _ throws(UsageError) in
                guard exportFormats.contains(v) else {
                    let formats = CommandLineReference.listed(exportFormats, or: true)
                    throw UsageError("'tangent export' cannot write '\(v)'; the one format is \(formats)")
                }
                o.format = v
            },
            outFile,
            quiet
        ],
        refusals: ["--force": "option '--force' does not apply to 'tangent export' (it always writes its output)"],
        notes: pathNote,
        exitStatus: [
            .init("0", "every notebook was exported"),
            .init("2", "usage or input error, or a notebook that cannot be exported")
        ],
        seeAlso: ["import"],
        start: { Options(verb: .export) }, operand: { $0.paths.append($1) })

    private static let importSpec = VerbSpec<Options>(
        "import", operands: "NB.ipynb...", needed: "at least one NB.ipynb (a Jupyter notebook)",
        summary: "write a Tangent notebook (.md) beside each .ipynb",
        about: """
            Turns each Jupyter notebook into a Tangent notebook, NB.md beside NB.ipynb; ntk cells become
            ntk blocks, other code is kept as fenced text, outputs are dropped (run 'tangent update').
            """,
        options: [
            outFile,
            .flag("--force", "overwrite an existing .md (a symbolic link there is replaced, not followed)") {
                $0.force = true
            },
            quiet
        ],
        exitStatus: [
            .init("0", "every notebook was imported"),
            .init("2", "usage or input error, or a notebook that cannot be imported")
        ],
        seeAlso: ["export"],
        start: { Options(verb: .import) }, operand: { $0.paths.append($1) })

    // MARK: Options several verbs take

    private static let json = OptionSpec<Options>.value(
        "--json", "FILE", "write a JSON report: every block's status, seconds, outputs, errors"
    ) { o, v, _ in o.jsonPath = v }
    private static let junit = OptionSpec<Options>.value(
        "--junit", "FILE", "write a JUnit XML report: a notebook a test suite, a block a test case"
    ) { o, v, _ in o.junitPath = v }
    private static let timeout = OptionSpec<Options>.value(
        "--timeout", "SECONDS", "the time limit of a block that sets none (default 900 s)"
    ) { o, v, _ throws(UsageError) in o.timeout = try Options.seconds(v) }
    private static let outFile = OptionSpec<Options>.value(
        "--out", short: "-o", "FILE", "the file to write instead (one notebook only)"
    ) { o, v, _ in o.outDirectory = v }
    private static let unsafeHTML = OptionSpec<Options>.flag(
        "--unsafe-html", "keep raw HTML in prose, scripts included (only for notebooks you trust)"
    ) { $0.unsafeHTML = true }
    private static let quiet = OptionSpec<Options>.flag(
        "--quiet", short: "-q", "print only errors and the summary, not outputs or progress"
    ) { $0.quiet = true }
    private static let progress = OptionSpec<Options>.flag(
        "--progress", "show long blocks' status even when standard error is no terminal"
    ) { $0.progress = true }
    private static let noCache = OptionSpec<Options>.flag(
        "--no-cache", "run every block; restore nothing from .tangent/cache"
    ) { $0.noCache = true }
    private static let explain = OptionSpec<Options>.flag(
        "--explain", "say for each block why it ran or was restored from the cache"
    ) { $0.explain = true }
    private static let allowOutside = OptionSpec<Options>.flag(
        "--allow-outside", "let load and save reach files outside the project root"
    ) { $0.allowOutside = true }
    private static let jobs = OptionSpec<Options>.value(
        "--jobs", short: "-j", "N", "run N notebooks at once (default: one per core)"
    ) { o, v, spelling throws(UsageError) in
        guard let n = Int(v), n > 0 else {
            throw UsageError("\(spelling) needs a positive whole number of notebooks, got '\(v)'")
        }
        o.jobs = n
    }
    private static let shard = OptionSpec<Options>.value(
        "--shard", "I/N", "run only the I-th of N balanced parts of the notebooks (a CI matrix)"
    ) { o, v, _ throws(UsageError) in o.shard = try ShardSpec(parsing: v) }
    private static let timings = OptionSpec<Options>.value(
        "--timings", "REPORT.json", "balance --shard by the seconds in this --json report"
    ) { o, v, _ in o.timingsPath = v }

    /// A `--timeout` value: a positive number of seconds.
    static func seconds(_ text: String) throws(UsageError) -> Double {
        guard let t = Double(text), t > 0 else {
            throw UsageError("--timeout needs a positive number of seconds, got '\(text)'")
        }
        return t
    }
}
