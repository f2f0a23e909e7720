import Foundation
import NTKCore
import Render
import TangentSupport

/// `tangent report merge REPORT.json... [--json FILE] [--junit FILE]`: joins the `--json`
/// reports of a sharded run into one, exiting with the most severe of their exit codes so a
/// CI job that merges fails when any shard did.
enum ReportCommand {
    /// Merges the reports `a` names and writes the merged ones it asks for.
    static func merge(_ a: Arguments, console: Console) -> ExitCode {
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
        for (path, text, what) in [
            (a.jsonPath, ReportMerge.json(merged).serialized() + "\n", "JSON report"),
            (a.junitPath, ReportMerge.junit(merged), "JUnit report")
        ] {
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
