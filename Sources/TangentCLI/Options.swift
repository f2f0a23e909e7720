/// A usage error: an unknown verb or option, a missing value, a path that does not exist.
/// The CLI prints it and exits with status 2.
public struct UsageError: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The parsed command line: `tangent VERB PATH... [--json FILE] [--out DIR] [--timeout S]`.
public struct Options: Equatable, Sendable {
    public enum Verb: String, CaseIterable, Sendable {
        case run, update, check, render, export, `import`
    }

    public var verb: Verb
    public var paths: [String] = []
    public var jsonPath: String?
    public var outDirectory: String?
    public var timeout: Double?
    public var quiet = false
    /// `update --force`: replace generated regions even when they were edited by hand.
    public var force = false
    public var junitPath: String?
    /// `--no-cache`: run every block. `--cached`: let `check` use the cache too.
    public var noCache = false
    public var cached = false
    /// `--allow-outside`: let `load`/`save` (and `update` through a symbolic link) reach files
    /// outside the project root.
    public var allowOutside = false
    /// `export --to FORMAT` (ipynb).
    public var format: String?
    /// `-j N`: notebooks run at once (nil: one per active core).
    public var jobs: Int?
    /// `--shard i/N`: run only this CI shard of the collected notebooks.
    public var shard: ShardSpec?
    /// `--timings FILE`: a JSON report whose per-notebook seconds balance the shards.
    public var timingsPath: String?
    /// `render --unsafe-html`: pass raw HTML in prose through instead of sanitising it.
    public var unsafeHTML = false

    /// Whether blocks may be served from the cache: run, update and render use it; check only
    /// with --cached (it exists to catch drift).
    public var usesCache: Bool { !noCache && (verb != .check || cached) }

    static let optionNames = ["--json", "--junit", "--out", "--timeout", "--quiet", "--force", "--no-cache", "--cached",
                              "--allow-outside", "--to", "--jobs", "--shard", "--timings", "--unsafe-html", "--help", "--version"]

    public static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        guard let first = arguments.first else { throw UsageError("missing command") }
        guard let verb = Verb(rawValue: first) else {
            let hint = Suggestions.nearest(first, Verb.allCases.map(\.rawValue))
            throw UsageError("unknown command '\(first)'" + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
        }
        var o = Options(verb: verb)
        var scan = ArgumentScanner(arguments, from: 1)
        while let item = scan.next() {
            switch item {
            case .path(let path): o.paths.append(path)
            case .option(let name):
                switch name {
                case "--json": o.jsonPath = try scan.value(name)
                case "--out", "-o": o.outDirectory = try scan.value(name)
                case "--timeout":
                    let v = try scan.value(name)
                    guard let t = Double(v), t > 0 else { throw UsageError("--timeout needs a positive number of seconds, got '\(v)'") }
                    o.timeout = t
                case "--quiet", "-q": o.quiet = true
                case "--force": o.force = true
                case "--no-cache": o.noCache = true
                case "--cached": o.cached = true
                case "--allow-outside": o.allowOutside = true
                case "--junit": o.junitPath = try scan.value(name)
                case "--to": o.format = try scan.value(name)
                case "--jobs", "-j":
                    let v = try scan.value(name)
                    guard let n = Int(v), n > 0 else { throw UsageError("\(name) needs a positive whole number of notebooks, got '\(v)'") }
                    o.jobs = n
                case "--shard": o.shard = try ShardSpec(parsing: try scan.value(name))
                case "--timings": o.timingsPath = try scan.value(name)
                case "--unsafe-html": o.unsafeHTML = true
                default:
                    let hint = Suggestions.nearest(name, optionNames)
                    throw UsageError("unknown option '\(name)'" + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
                }
            }
        }
        if o.paths.isEmpty { throw UsageError("'tangent \(verb.rawValue)' needs at least one PATH (a .md file or a folder)") }
        if verb == .render && o.outDirectory == nil { throw UsageError("'tangent render' needs --out DIR") }
        if verb == .render && o.shard != nil { throw UsageError("'tangent render' cannot take --shard (a site needs every notebook)") }
        if o.unsafeHTML && verb != .render { throw UsageError("--unsafe-html only applies to 'tangent render' and 'tangent serve'") }
        if o.timingsPath != nil && o.shard == nil { throw UsageError("--timings only balances --shard; give --shard i/N too") }
        return o
    }

    public static let usage = """
        usage: tangent run PATH...      execute; print outputs and errors
               tangent update PATH...   execute; write outputs back into each .md [--force]
               tangent check PATH...    execute; compare with the stored outputs; write nothing
               tangent render PATH... --out DIR [--unsafe-html]
               tangent export PATH... --to ipynb [--out FILE]      a Jupyter notebook beside each .md
               tangent import NB.ipynb... [--out FILE] [--force]   a .md beside each .ipynb
               tangent serve PATH... [--port 8000] [--host 127.0.0.1] [--out DIR] [--unsafe-html]
                                        render, serve, re-render and reload on save
               tangent report merge REPORT.json... [--json FILE] [--junit FILE]

        options: --json FILE  --junit FILE  --timeout SECONDS  --quiet
                 --no-cache (run every block)  --cached (check: use the cache too)
                 --allow-outside (let load/save reach files outside the project root)
                 -j, --jobs N (notebooks at once; default: one per core)
                 --shard I/N (run the I-th of N balanced parts)  --timings REPORT.json
                 --unsafe-html (render, serve: keep raw HTML in prose, scripts included;
                                only for notebooks you trust)

        PATH is a .md notebook or a folder (every .md under it).
        Exit status: 0 success, 1 a block failed, 2 usage or input error,
                     3 check found outputs that differ from the stored ones,
                     130 / 143 stopped by SIGINT / SIGTERM (temporary files removed).
        """
}

import Language

private extension Suggestions {
    static func nearest(_ name: String, _ candidates: [String]) -> String? {
        Suggestions.nearest(to: name, in: candidates)
    }
}
