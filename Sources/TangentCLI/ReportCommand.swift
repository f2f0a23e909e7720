import Foundation
import NTKCore
import Render
import TangentSupport

/// `tangent report merge REPORT.json... [--json FILE] [--junit FILE]`: joins the `--json`
/// reports of a sharded run into one, exiting with the most severe of their exit codes so a
/// CI job that merges fails when any shard did.
enum ReportCommand {
    static let usage = "usage: tangent report merge REPORT.json... [--json FILE] [--junit FILE]"

    struct Arguments: Equatable {
        var inputs: [String] = []
        var jsonPath: String?
        var junitPath: String?
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Arguments {
        guard let sub = arguments.first else { throw UsageError("'tangent report' needs a command: merge") }
        guard sub == "merge" else { throw UsageError("unknown report command '\(sub)' (the one there is: merge)") }
        var a = Arguments()
        var i = 1
        var onlyPaths = false
        while i < arguments.count {
            let arg = arguments[i]
            if onlyPaths || !arg.hasPrefix("-") || arg == "-" {
                a.inputs.append(arg)
            } else if arg == "--" {
                onlyPaths = true
            } else {
                let parts = arg.split(separator: "=", maxSplits: 1)
                let name = String(parts[0])
                var value: String
                if parts.count == 2 {
                    value = String(parts[1])
                } else {
                    i += 1
                    guard i < arguments.count else { throw UsageError("option '\(name)' needs a value") }
                    value = arguments[i]
                }
                switch name {
                case "--json": a.jsonPath = value
                case "--junit": a.junitPath = value
                default: throw UsageError("unknown option '\(name)' for 'tangent report merge' (it takes --json and --junit)")
                }
            }
            i += 1
        }
        if a.inputs.isEmpty { throw UsageError("'tangent report merge' needs at least one JSON report") }
        return a
    }

    static func main(_ arguments: [String], console: Console) -> ExitCode {
        if arguments.contains("--help") || arguments.contains("-h") {
            console.out(usage + "\n")
            return .success
        }
        let a: Arguments
        do {
            a = try parse(arguments)
        } catch {
            console.err("error: \(error.message)\n\(usage)\n")
            return .usage
        }
        let merged: ReportFile
        do {
            var inputs: [ReportMerge.Input] = []
            for path in a.inputs { inputs.append((path, try ReportFile.read(path))) }
            merged = try ReportMerge.merge(inputs)
        } catch {
            console.err(error.formatted + "\n")
            return .usage
        }
        console.out(ReportMerge.summary(merged, reports: a.inputs.count) + "\n")
        var code = ExitCode(rawValue: merged.exitCode) ?? .usage
        for (path, text, what) in [(a.jsonPath, ReportMerge.json(merged).serialized() + "\n", "JSON report"),
                                   (a.junitPath, ReportMerge.junit(merged), "JUnit report")] {
            guard let path else { continue }
            do {
                try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: path))
            } catch {
                console.err("error: cannot write the \(what) '\(path)': \(error)\n")
                code = .usage
            }
        }
        return code
    }
}
