import Language

/// The command line of `tangent serve PATH... [--port N] [--host ADDR] [--out DIR] [--unsafe-html]`: parsed
/// apart from `Options`, since its options (where to listen) belong to no other verb.
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

    static let optionNames = ["--port", "--host", "--out", "--timeout", "--no-cache", "--unsafe-html"]

    static func parse(_ arguments: [String]) throws(UsageError) -> ServeOptions {
        var o = ServeOptions()
        var scan = ArgumentScanner(arguments, from: 0)
        while let item = scan.next() {
            switch item {
            case .path(let path): o.paths.append(path)
            case .option(let name):
                switch name {
                case "--port", "-p":
                    let v = try scan.value(name)
                    guard let port = UInt16(v) else { throw UsageError("--port needs a number from 0 to 65535 (0: any free port), got '\(v)'") }
                    o.port = port
                case "--host":
                    o.host = try scan.value(name)
                case "--out", "-o":
                    o.outDirectory = try scan.value(name)
                case "--timeout":
                    let v = try scan.value(name)
                    guard let t = Double(v), t > 0 else { throw UsageError("--timeout needs a positive number of seconds, got '\(v)'") }
                    o.timeout = t
                case "--no-cache":
                    o.noCache = true
                case "--unsafe-html":
                    o.unsafeHTML = true
                default:
                    let hint = Suggestions.nearest(to: name, in: optionNames)
                    throw UsageError("unknown option '\(name)' for 'tangent serve'" + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
                }
            }
        }
        if o.paths.isEmpty { throw UsageError("'tangent serve' needs at least one PATH (a .md file or a folder)") }
        return o
    }

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
