/// The command line of `tangent report merge REPORT.json... [--json FILE] [--junit FILE]`, and
/// the `report` word in front of it (the one sub-command there is).
extension ReportCommand {
    struct Arguments: Equatable {
        var inputs: [String] = []
        var jsonPath: String?
        var junitPath: String?
    }

    /// What `tangent report merge` takes: its parsing and its `--help` (VerbSpec).
    static let spec = VerbSpec<Arguments>(
        "report merge", operands: "REPORT.json...", needed: "at least one JSON report",
        summary: "join the --json reports of CI shards into one",
        about: """
            Joins the --json reports of a sharded run ('tangent check --shard I/N --json FILE') into the
            report one run would have written, prints its summary and exits with the most severe status.
            """,
        options: [
            .value("--json", "FILE", "write the merged JSON report") { a, v, _ in a.jsonPath = v },
            .value("--junit", "FILE", "write the merged report as JUnit XML") { a, v, _ in a.junitPath = v }
        ],
        exitStatus: [
            .init("0, 1, 3", "the most severe exit status of the merged reports"),
            .init("2", "usage or input error: a report that cannot be read or written, or one that says 2")
        ],
        start: { Arguments() }, operand: { $0.inputs.append($1) })

    /// `tangent report --help` and `tangent report merge --help`.
    static var usage: String { spec.reference.help }

    /// Reads the words after `report`: `merge` and its options, or a request for the help.
    static func read(_ arguments: [String]) throws(UsageError) -> VerbRequest<Arguments> {
        guard let sub = arguments.first else { throw UsageError("'tangent report' needs a command: merge") }
        if VerbSpec<Arguments>.helpSpellings.contains(sub) { return .help }
        guard sub == "merge" else { throw UsageError("unknown report command '\(sub)' (the one there is: merge)") }
        return try spec.read(Array(arguments.dropFirst()))
    }

    /// The arguments of a command line that does not ask for help.
    static func parse(_ arguments: [String]) throws(UsageError) -> Arguments {
        switch try read(arguments) {
        case .parsed(let a): return a
        case .help: throw UsageError("'tangent report merge --help' asks for the help, not for a merge")
        }
    }
}
