import Foundation
import Language
import Notebook

/// JUnit XML (`--junit FILE`): a notebook is a test suite, a block a test case, so CI systems
/// list and display notebook failures like test failures.
package enum JUnitReport {
    /// A notebook; `time` is nil for one that could not be loaded (no blocks ran).
    package struct Suite {
        package var name: String
        package var time: Double?
        package var cases: [Case]
    }

    /// A block (or the loading of a notebook that failed to load).
    package struct Case {
        package var classname: String
        package var name: String
        package var time: Double?
        package var outcome: Outcome
    }

    package enum Outcome {
        case passed
        /// A block that failed: an `<error>`.
        case error(message: String, text: String)
        /// A block whose outputs differ from the stored ones: a `<failure>`.
        case failure(message: String, text: String)
        case skipped(message: String)
    }

    package static func xml(_ results: [NotebookResult], loadFailures: [(path: String, diagnostic: Diagnostic?)] = [])
        -> String
    {
        let suites =
            results.map { r in
                let path = r.notebook.path
                return Suite(
                    name: path, time: r.seconds,
                    cases: r.blocks.map { b in
                        let outcome: Outcome
                        switch b.status {
                        case .failed:
                            outcome = .error(message: b.error?.message ?? "failed", text: located(b.error, path))
                        case .mismatch:
                            let text =
                                b.mismatch.map {
                                    "\(path):\($0.range.start.line):\($0.range.start.column): \(Mismatch.label): \($0.message)"
                                } ?? path
                            outcome = .failure(message: b.mismatch?.message ?? "mismatch", text: text)
                        case .skipped: outcome = .skipped(message: b.note ?? "skipped")
                        case .ran, .cached: outcome = .passed
                        }
                        return Case(
                            classname: path, name: "\(b.cell.id) (line \(b.cell.fenceLine))", time: b.seconds,
                            outcome: outcome)
                    })
            }
            + loadFailures.map { f in
                Suite(
                    name: f.path, time: nil,
                    cases: [
                        Case(
                            classname: f.path, name: "load", time: nil,
                            outcome: .error(
                                message: f.diagnostic?.message ?? "cannot read the file",
                                text: located(f.diagnostic, f.path)))
                    ])
            }
        return xml(suites)
    }

    package static func xml(_ suites: [Suite]) -> String {
        func count(_ cases: [Case], _ kind: (Outcome) -> Bool) -> Int { cases.filter { kind($0.outcome) }.count }
        let isFailure: (Outcome) -> Bool = { if case .failure = $0 { true } else { false } }
        let isError: (Outcome) -> Bool = { if case .error = $0 { true } else { false } }
        let isSkipped: (Outcome) -> Bool = { if case .skipped = $0 { true } else { false } }
        let all = suites.flatMap(\.cases)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<testsuites name=\"tangent\" tests=\"\(all.count)\" failures=\"\(count(all, isFailure))\" errors=\"\(count(all, isError))\">\n"
        for suite in suites {
            let c = suite.cases
            out +=
                "  <testsuite name=\"\(escape(suite.name))\" tests=\"\(c.count)\" failures=\"\(count(c, isFailure))\" errors=\"\(count(c, isError))\""
            if let time = suite.time { out += " skipped=\"\(count(c, isSkipped))\" time=\"\(seconds(time))\"" }
            out += ">\n"
            for t in c {
                out += "    <testcase classname=\"\(escape(t.classname))\" name=\"\(escape(t.name))\""
                if let time = t.time { out += " time=\"\(seconds(time))\"" }
                switch t.outcome {
                case .error(let message, let text):
                    out += ">\n      <error message=\"\(escape(message))\">\(escape(text))</error>\n    </testcase>\n"
                case .failure(let message, let text):
                    out +=
                        ">\n      <failure message=\"\(escape(message))\">\(escape(text))</failure>\n    </testcase>\n"
                case .skipped(let message):
                    out += ">\n      <skipped message=\"\(escape(message))\"/>\n    </testcase>\n"
                case .passed:
                    out += "/>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    private static func located(_ d: Diagnostic?, _ path: String) -> String {
        guard let d else { return path }
        return "\(path):\(d.range.start.line):\(d.range.start.column): \(d.severity.rawValue): \(d.message)"
    }

    private static func seconds(_ s: Double) -> String { String(format: "%.3f", s) }

    static func escape(_ s: String) -> String { HTMLText.escape(s, apostrophe: "&apos;") }
}
