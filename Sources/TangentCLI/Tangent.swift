import Foundation
import Language
import Notebook
import Render

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

    public static let standard = Console(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) })
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
        if arguments == ["--version"] {
            console.out("tangent \(TangentVersion.string)\n")
            return 0
        }
        let options: Options
        let files: [NotebookFiles.Found]
        do {
            options = try Options.parse(arguments)
            files = try NotebookFiles.collect(options.paths)
        } catch {
            console.err("error: \(error.message)\n\(Options.usage)\n")
            return ExitCode.usage.rawValue
        }
        switch options.verb {
        case .run:
            return run(files, options: options, console: console)
        case .update, .check, .render:
            console.err("error: 'tangent \(options.verb.rawValue)' is not available in this version of Tangent yet; use 'tangent run'\n")
            return ExitCode.usage.rawValue
        }
    }

    static func run(_ files: [NotebookFiles.Found], options: Options, console: Console) -> Int32 {
        let start = Date()
        var results: [NotebookResult] = []
        var code = ExitCode.success
        for file in files {
            let notebook: Notebook
            switch load(file, console: console) {
            case .success(let nb): notebook = nb
            case .failure: code = .usage; continue
            }
            let result = Runner(notebookURL: file.url, defaultTimeout: options.timeout).run(notebook)
            results.append(result)
            if !options.quiet { console.out(TerminalReport.outputs(result)) }
            let errors = TerminalReport.errors(result)
            if !errors.isEmpty { console.err(errors) }
            if result.failed, code == .success { code = .blockFailed }
        }
        console.out(TerminalReport.summary(results, seconds: Date().timeIntervalSince(start)) + "\n")
        if let path = options.jsonPath {
            let json = Report.json(results, command: options.verb.rawValue, exitCode: code.rawValue)
            do {
                try writeFile(json.serialized() + "\n", to: path)
            } catch {
                console.err("error: cannot write the JSON report '\(path)': \(error)\n")
                return ExitCode.usage.rawValue
            }
        }
        return code.rawValue
    }

    struct LoadFailure: Error {}

    /// Reads and parses a notebook, printing a located error when it cannot.
    static func load(_ file: NotebookFiles.Found, console: Console) -> Result<Notebook, LoadFailure> {
        guard let data = FileManager.default.contents(atPath: file.url.path) else {
            console.err("\(file.display): error: cannot read the file\n")
            return .failure(LoadFailure())
        }
        guard let text = String(data: data, encoding: .utf8) else {
            console.err("\(file.display):1:1: error: the file is not valid UTF-8 text\n")
            return .failure(LoadFailure())
        }
        do {
            return .success(try Notebook.parse(text, path: file.display))
        } catch {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            console.err(error.formatted(file: file.display, lineText: { n in
                n >= 1 && n <= lines.count ? String(lines[n - 1]) : nil
            }) + "\n")
            return .failure(LoadFailure())
        }
    }

    static func writeFile(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
