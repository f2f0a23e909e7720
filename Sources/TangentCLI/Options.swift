/// A usage error: an unknown verb or option, a missing value, a path that does not exist.
/// The CLI prints it and exits with status 2.
package struct UsageError: Error, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// The parsed command line of `run`, `update`, `check`, `render`, `export` and `import`: one
/// model for the verbs that read notebooks, each of which takes only its own options of it.
package struct Options: Equatable, Sendable {
    package enum Verb: String, CaseIterable, Sendable {
        case run, update, check, render, export, `import`
    }

    package var verb: Verb
    package var paths: [String] = []
    package var jsonPath: String?
    package var outDirectory: String?
    package var timeout: Double?
    package var quiet = false
    /// `--progress`: the status of long blocks on standard error even when it is no terminal.
    package var progress = false
    /// `update --force`: replace generated regions even when they were edited by hand.
    package var force = false
    package var junitPath: String?
    /// `--no-cache`: run every block. `--cached`: let `check` use the cache too.
    package var noCache = false
    package var cached = false
    /// `--allow-outside`: let `load`/`save` (and `update` through a symbolic link) reach files
    /// outside the project root.
    package var allowOutside = false
    /// `export --to FORMAT` (ipynb).
    package var format: String?
    /// `-j N`: notebooks run at once (nil: one per active core).
    package var jobs: Int?
    /// `--shard i/N`: run only this CI shard of the collected notebooks.
    package var shard: ShardSpec?
    /// `--timings FILE`: a JSON report whose per-notebook seconds balance the shards.
    package var timingsPath: String?
    /// `render --unsafe-html`: pass raw HTML in prose through instead of sanitising it.
    package var unsafeHTML = false
    /// `render --debug`: block headers show their line and run time (published pages leave them out).
    package var debug = false
    /// `--explain`: say per block why it ran or was restored from the cache.
    package var explain = false

    /// Whether blocks may be served from the cache: run, update and render use it; check only
    /// with --cached (it exists to catch drift).
    package var usesCache: Bool { !noCache && (verb != .check || cached) }

    /// The options of a command line that does not ask for help: `tangent VERB ...` for the
    /// verbs that run, render or convert notebooks (NotebookVerbs.swift declares what each takes).
    package static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        switch try read(arguments) {
        case .parsed(let options): return options
        case .help: throw UsageError("'tangent \(arguments[0]) --help' asks for the help, not for a run")
        }
    }

    /// Reads `tangent VERB ...` for one of `Verb`'s verbs: its options, or a request for its help.
    static func read(_ arguments: [String]) throws(UsageError) -> VerbRequest<Options> {
        guard let first = arguments.first else { throw UsageError("missing command") }
        guard let verb = Verb(rawValue: first) else { throw CommandLineReference.unknownCommand(first) }
        return try spec(for: verb).read(Array(arguments.dropFirst()))
    }
}
