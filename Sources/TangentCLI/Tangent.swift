import Foundation
import Language
import Notebook
import Render
import TangentSupport

/// Exit statuses (docs/language.md#command-line).
package enum ExitCode: Int32 {
    case success = 0
    case blockFailed = 1
    case usage = 2
    case mismatch = 3
}

/// Where the command writes: standard output and standard error (captured in tests).
package struct Console: Sendable {
    package var out: @Sendable (String) -> Void
    package var err: @Sendable (String) -> Void
    package init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    package static let standard = Console(out: { writeAll($0, to: 1) }, err: { writeAll($0, to: 2) })

    /// Writes to a file descriptor, ignoring a closed pipe (`tangent run | head` must not kill
    /// the run: FileHandle.write traps on EPIPE).
    static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            return
        }
    }
}

/// The `tangent` command: a thin layer that reads the command line of a verb (each verb takes
/// only the options it declares, CommandLineReference lists them), runs notebooks through the
/// library and maps the outcome to an exit status.
package enum Tangent {
    package static func main(_ arguments: [String], console: Console = .standard) -> Int32 {
        guard let first = arguments.first else {
            console.err(CommandLineReference.overview + "\n")
            return ExitCode.usage.rawValue
        }
        let rest = Array(arguments.dropFirst())
        switch first {
        case "--version" where rest.isEmpty:
            console.out("tangent \(TangentInfo.version)\n")
            return ExitCode.success.rawValue
        case "help", "--help", "-h":
            return verb(HelpCommand.spec, rest, usage: CommandLineReference.overview, console: console) { request in
                let text = HelpCommand.text(for: request)
                console.out(text.hasSuffix("\n") ? text : text + "\n")
                return ExitCode.success.rawValue
            }
        case "builtins":
            return verb(BuiltinsOptions.spec, rest, console: console) { o throws(UsageError) in
                guard o.usedIn else {
                    console.out(BuiltinCatalog.markdownTable)
                    return ExitCode.success.rawValue
                }
                let files = try NotebookFiles.collect(o.paths)
                console.out(BuiltinUsage.markdown(BuiltinUsage.usage(in: files)))
                return ExitCode.success.rawValue
            }
        case "cache":
            return verb(CacheCommand.spec, rest, console: console) { c throws(UsageError) in
                try c.run(console: console).rawValue
            }
        case "serve":
            return verb(ServeOptions.spec, rest, console: console) { ServeCommand.main($0, console: console) }
        case "lsp":
            return verb(LanguageServerCommand.spec, rest, console: console) { _ in LanguageServerCommand.main() }
        case "report":
            let read = { () throws(UsageError) in try ReportCommand.read(rest) }
            return respond(to: read, help: ReportCommand.usage, console: console) {
                ReportCommand.merge($0, console: console).rawValue
            }
        default:
            guard let name = Options.Verb(rawValue: first) else {
                let error = CommandLineReference.unknownCommand(first)
                console.err("error: \(error.message)\n\(CommandLineReference.overview)\n")
                return ExitCode.usage.rawValue
            }
            return verb(Options.spec(for: name), rest, console: console) { options throws(UsageError) in
                try execute(options, console: console).rawValue
            }
        }
    }

    /// Runs the verb `spec` declares with the words after it (`respond`).
    private static func verb<Model>(
        _ spec: VerbSpec<Model>, _ arguments: [String], usage: String? = nil, console: Console,
        _ body: (Model) throws(UsageError) -> Int32
    ) -> Int32 {
        let read = { () throws(UsageError) in try spec.read(arguments) }
        return respond(to: read, help: spec.reference.help, usage: usage, console: console, body)
    }

    /// Prints a verb's help when asked, else runs `body` with its options. A usage error, from
    /// reading the command line or from `body`, is printed with `usage` (by default the verb's
    /// help, as git does) and exits 2.
    private static func respond<Model>(
        to read: () throws(UsageError) -> VerbRequest<Model>, help: String, usage: String? = nil,
        console: Console, _ body: (Model) throws(UsageError) -> Int32
    ) -> Int32 {
        do {
            switch try read() {
            case .help:
                console.out(help + "\n")
                return ExitCode.success.rawValue
            case .parsed(let model):
                return try body(model)
            }
        } catch {
            console.err("error: \(error.message)\n\(usage ?? help)\n")
            return ExitCode.usage.rawValue
        }
    }

    /// `run`, `update`, `check`, `render`, `export` and `import` with their options.
    private static func execute(_ options: Options, console: Console) throws(UsageError) -> ExitCode {
        if options.verb == .export || options.verb == .import {
            return try JupyterCommand(options: options, console: console).execute()
        }
        var files = try NotebookFiles.collect(options.paths)
        if let shard = options.shard {
            do {
                let timings = try options.timingsPath.map { path throws(ReportFile.Malformed) in
                    try Sharding.Timings.load(path)
                }
                let selection = Sharding.select(files, shard: shard, timings: timings)
                if !options.quiet {
                    console.out(
                        "shard \(shard.index)/\(shard.count): \(selection.files.count) of \(files.count) notebooks, \(selection.basis)\n"
                    )
                }
                files = selection.files
            } catch {
                console.err(error.formatted + "\n")
                return .usage
            }
        }
        let status = Session(options: options, console: console).execute(files)
        // Entries written in the background are finished, then each project's cache is kept
        // within its budget (least recently used entries go first).
        CacheWriter.shared.finish()
        if options.usesCache, case .success(let limit) = CacheBudget.limit() {
            for root in Set(files.map { ProjectRoot.find(for: $0.url) }) {
                CacheBudget(cache: BlockCache(projectRoot: root)).prune(limit: limit)
            }
        }
        return status
    }
}
