/// The command line of `tangent serve PATH... [--port N] [--host ADDR] [--out DIR] [--unsafe-html]`: a
/// model apart from `Options`, since its options (where to listen) belong to no other verb.
struct ServeOptions: Equatable {
    var paths: [String] = []
    var host = "127.0.0.1"
    var port: UInt16 = 8000
    /// Where the site is written; nil: `.tangent/site` under the project root.
    var outDirectory: String?
    var timeout: Double?
    var noCache = false
    /// `--unsafe-html`, as for `tangent render`.
    var unsafeHTML = false

    /// The options of a command line that does not ask for help.
    static func parse(_ arguments: [String]) throws(UsageError) -> ServeOptions {
        switch try spec.read(arguments) {
        case .parsed(let options): return options
        case .help: throw UsageError("'tangent serve --help' asks for the help, not for a server")
        }
    }

    /// What `tangent serve` takes: its parsing and its `--help` (VerbSpec).
    static let spec = VerbSpec<ServeOptions>(
        "serve", operands: "PATH...", needed: "at least one PATH (a .md file or a folder)",
        summary: "render, serve, re-render and reload on save",
        about: """
            Renders the site as 'tangent render' does, serves it on http://HOST:PORT/ and renders again,
            reloading open pages, whenever a notebook under the paths is saved, added or removed.
            """,
        options: [
            .value("--port", short: "-p", "N", "the port to listen on (default 8000; 0: any free port)") {
                o, v, _ throws(UsageError) in
                guard let port = UInt16(v) else {
                    throw UsageError("--port needs a number from 0 to 65535 (0: any free port), got '\(v)'")
                }
                o.port = port
            },
            .value("--host", "ADDR", "the address to listen on (default 127.0.0.1; 0.0.0.0: other machines too)") {
                o, v, _ in o.host = v
            },
            .value("--out", short: "-o", "DIR", "where to write the site (default: .tangent/site in the project)") {
                o, v, _ in o.outDirectory = v
            },
            .value("--timeout", "SECONDS", "the time limit of a block that sets none (default 900 s)") {
                o, v, _ throws(UsageError) in o.timeout = try Options.seconds(v)
            },
            .flag("--no-cache", "run every block at every build; restore nothing from .tangent/cache") {
                $0.noCache = true
            },
            .flag("--unsafe-html", "keep raw HTML in prose, scripts included (only for notebooks you trust)") {
                $0.unsafeHTML = true
            }
        ],
        notes: ["PATH is a .md notebook or a folder (every .md under it)."],
        exitStatus: [
            .init("2", "usage or input error (a port already in use, too)"),
            .init("130, 143", "stopped by SIGINT (Ctrl-C), SIGTERM: the usual end")
        ],
        seeAlso: ["render"],
        start: { ServeOptions() }, operand: { $0.paths.append($1) })

    /// The options each build renders with (`tangent render PATH... --out DIR`).
    func renderOptions(out: String) -> Options {
        var r = Options(verb: .render)
        r.paths = paths
        r.outDirectory = out
        r.timeout = timeout
        r.noCache = noCache
        r.unsafeHTML = unsafeHTML
        return r
    }
}
