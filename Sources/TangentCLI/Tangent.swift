import Foundation
import Language
import Notebook
import Render
import TangentSupport

/// Exit statuses (LANGUAGE.md §7).
public enum ExitCode: Int32 {
    case success = 0
    case blockFailed = 1
    case usage = 2
    case mismatch = 3
}

/// Where the command writes: standard output and standard error (captured in tests).
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    public static let standard = Console(out: { writeAll($0, to: 1) }, err: { writeAll($0, to: 2) })

    /// Writes to a file descriptor, ignoring a closed pipe (`tangent run | head` must not kill
    /// the run: FileHandle.write traps on EPIPE).
    static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            return
        }
    }
}

/// The `tangent` command: a thin layer that parses options, runs notebooks through the
/// library and maps the outcome to an exit status.
public enum Tangent {
    public static func main(_ arguments: [String], console: Console = .standard) -> Int32 {
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            (arguments.isEmpty ? console.err : console.out)(Options.usage + "\n")
            return arguments.isEmpty ? ExitCode.usage.rawValue : ExitCode.success.rawValue
        }
        if arguments == ["builtins"] {
            console.out(BuiltinCatalog.markdownTable)
            return 0
        }
        if arguments.count >= 3, arguments[0] == "builtins", arguments[1] == "--used-in" {
            do {
                let files = try NotebookFiles.collect(Array(arguments.dropFirst(2)))
                console.out(BuiltinUsage.markdown(BuiltinUsage.usage(in: files)))
                return 0
            } catch {
                console.err("error: \(error.message)\n")
                return ExitCode.usage.rawValue
            }
        }
        if arguments.first == "serve" {
            return ServeCommand.main(Array(arguments.dropFirst()), console: console)
        }
        if arguments.first == "report" {
            return ReportCommand.main(Array(arguments.dropFirst()), console: console).rawValue
        }
        if arguments == ["--version"] {
            console.out("tangent \(TangentInfo.version)\n")
            return 0
        }
        let options: Options
        var files: [NotebookFiles.Found]
        do {
            options = try Options.parse(arguments)
            if options.verb == .export || options.verb == .import {
                return try JupyterCommand(options: options, console: console).execute().rawValue
            }
            files = try NotebookFiles.collect(options.paths)
        } catch {
            console.err("error: \(error.message)\n\(Options.usage)\n")
            return ExitCode.usage.rawValue
        }
        if let shard = options.shard {
            do {
                let timings = try options.timingsPath.map { path throws(ReportFile.Malformed) in try Sharding.Timings.load(path) }
                let selection = Sharding.select(files, shard: shard, timings: timings)
                if !options.quiet {
                    console.out("shard \(shard.index)/\(shard.count): \(selection.files.count) of \(files.count) notebooks, \(selection.basis)\n")
                }
                files = selection.files
            } catch {
                console.err(error.formatted + "\n")
                return ExitCode.usage.rawValue
            }
        }
        return Session(options: options, console: console).execute(files).rawValue
    }
}
