import Foundation
import Notebook
import TangentSupport

/// `tangent report merge`: the reports of a sharded run (one `--json` file per shard) as one
/// report, the same as a single run over all the notebooks would have written, apart from
/// the times.
package enum ReportMerge {
    /// One input report and the name it is shown by in errors.
    package typealias Input = (file: String, report: ReportFile)

    /// The most severe of the exit codes, as `tangent` ranks them: 2 (usage or input) over
    /// 1 (a block failed) over 3 (check found differences) over 0.
    package static func worst(_ codes: [Int32]) -> Int32 {
        let rank: [Int32: Int] = [0: 0, 3: 1, 1: 2, 2: 3]
        return codes.max { rank[$0, default: 4] < rank[$1, default: 4] } ?? 0
    }

    /// The merged report. Notebooks are in path order (component by component, the order in
    /// which `tangent` collects a folder), those that could not be loaded last, as a single
    /// run reports them. A notebook in two inputs means the shards overlap: an error.
    package static func merge(_ inputs: [Input]) throws(ReportFile.Malformed) -> ReportFile {
        var seen: [String: String] = [:]
        var entries: [ReportFile.Entry] = []
        for (file, report) in inputs {
            for n in report.notebooks {
                if let other = seen[n.path] {
                    throw ReportFile.Malformed(
                        file: file, message: "notebook '\(n.path)' is also in '\(other)' (do the shards overlap?)")
                }
                seen[n.path] = file
                entries.append(n)
            }
        }
        func components(_ p: String) -> [Substring] { p.split(separator: "/", omittingEmptySubsequences: false) }
        entries.sort { a, b in
            let (aFailed, bFailed) = (a.status == "error", b.status == "error")
            if aFailed != bFailed { return bFailed }
            return components(a.path).lexicographicallyPrecedes(components(b.path))
        }
        let commands = inputs.map(\.report.command).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return ReportFile(
            tangentVersion: TangentInfo.version, command: commands.joined(separator: "+"),
            exitCode: worst(inputs.map(\.report.exitCode)), notebooks: entries)
    }

    /// The report in the `--json` format; the summary is counted again from the notebooks.
    package static func json(_ r: ReportFile) -> JSON {
        let loaded = r.notebooks.filter { $0.status != "error" }
        let blocks = loaded.flatMap(\.blocks)
        func count(_ s: BlockStatus) -> JSON { .number(Double(blocks.filter { $0.status == s }.count)) }
        return .object([
            ("tangent", .string(r.tangentVersion)),
            ("command", .string(r.command)),
            ("exit_code", .number(Double(r.exitCode))),
            ("notebooks", .array(r.notebooks.map(\.json))),
            (
                "summary",
                .object([
                    ("notebooks", .number(Double(loaded.count))),
                    ("blocks", .number(Double(blocks.count))),
                    ("ran", count(.ran)), ("cached", count(.cached)), ("skipped", count(.skipped)),
                    ("failed", count(.failed)), ("mismatch", count(.mismatch)),
                    ("seconds", .number(loaded.reduce(0) { $0 + ($1.seconds ?? 0) }))
                ])
            )
        ])
    }

    /// The JUnit XML a single run would have written (`--junit`).
    package static func junit(_ r: ReportFile) -> String {
        JUnitReport.xml(
            r.notebooks.map { n in
                if n.status == "error" {
                    let e = n.errors.first
                    return JUnitReport.Suite(
                        name: n.path, time: nil,
                        cases: [
                            JUnitReport.Case(
                                classname: n.path, name: "load", time: nil,
                                outcome: .error(
                                    message: e?.message ?? "cannot read the file", text: e?.located ?? n.path))
                        ])
                }
                return JUnitReport.Suite(
                    name: n.path, time: n.seconds ?? 0,
                    cases: n.blocks.map { b in
                        let e = b.errors.first
                        let outcome: JUnitReport.Outcome
                        switch b.status {
                        case .failed: outcome = .error(message: e?.message ?? "failed", text: e?.located ?? n.path)
                        case .mismatch:
                            outcome = .failure(message: e?.message ?? "mismatch", text: e?.located ?? n.path)
                        case .skipped: outcome = .skipped(message: b.note ?? "skipped")
                        case .ran, .cached: outcome = .passed
                        }
                        return JUnitReport.Case(
                            classname: n.path, name: "\(b.id) (line \(b.line))", time: b.seconds, outcome: outcome)
                    })
            })
    }

    /// One line for the terminal: `3 reports, 10 notebooks, 42 blocks: 40 ran, 1 failed, 1 skipped (12.30 s)`.
    package static func summary(_ r: ReportFile, reports: Int) -> String {
        let loaded = r.notebooks.filter { $0.status != "error" }
        let blocks = loaded.flatMap(\.blocks)
        func n(_ s: BlockStatus) -> Int { blocks.filter { $0.status == s }.count }
        var parts = ["\(n(.ran)) ran"]
        if n(.cached) > 0 { parts.append("\(n(.cached)) cached") }
        parts.append("\(n(.failed)) failed")
        if n(.mismatch) > 0 { parts.append("\(n(.mismatch)) mismatched") }
        parts.append("\(n(.skipped)) skipped")
        let unloaded = r.notebooks.count - loaded.count
        return "\(reports) report\(reports == 1 ? "" : "s"), \(loaded.count) notebook\(loaded.count == 1 ? "" : "s")"
            + (unloaded > 0 ? " (+\(unloaded) not loaded)" : "")
            + ", \(blocks.count) block\(blocks.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
            + String(format: " (%.2f s); exit status %d", loaded.reduce(0) { $0 + ($1.seconds ?? 0) }, r.exitCode)
    }
}
