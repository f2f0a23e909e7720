import Foundation
import Language
import Notebook

/// JUnit XML (`--junit FILE`): a notebook is a test suite, a block a test case, so CI systems
/// list and display notebook failures like test failures.
public enum JUnitReport {
    public static func xml(_ results: [NotebookResult], loadFailures: [(path: String, diagnostic: Diagnostic?)] = []) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let blocks = results.flatMap(\.blocks)
        let failures = blocks.filter { $0.status == .mismatch }.count
        let errors = blocks.filter { $0.status == .failed }.count + loadFailures.count
        out += "<testsuites name=\"tangent\" tests=\"\(blocks.count + loadFailures.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for r in results {
            let path = r.notebook.path
            let f = r.blocks.filter { $0.status == .mismatch }.count
            let e = r.blocks.filter { $0.status == .failed }.count
            let s = r.blocks.filter { $0.status == .skipped }.count
            out += "  <testsuite name=\"\(escape(path))\" tests=\"\(r.blocks.count)\" failures=\"\(f)\" errors=\"\(e)\" skipped=\"\(s)\" time=\"\(seconds(r.seconds))\">\n"
            for b in r.blocks {
                out += "    <testcase classname=\"\(escape(path))\" name=\"\(escape(b.cell.id)) (line \(b.cell.fenceLine))\" time=\"\(seconds(b.seconds))\""
                switch b.status {
                case .failed:
                    out += ">\n      <error message=\"\(escape(b.error?.message ?? "failed"))\">\(escape(located(b.error, path)))</error>\n    </testcase>\n"
                case .mismatch:
                    out += ">\n      <failure message=\"\(escape(b.error?.message ?? "mismatch"))\">\(escape(located(b.error, path)))</failure>\n    </testcase>\n"
                case .skipped:
                    out += ">\n      <skipped message=\"\(escape(b.note ?? "skipped"))\"/>\n    </testcase>\n"
                case .ran, .cached:
                    out += "/>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        for f in loadFailures {
            out += "  <testsuite name=\"\(escape(f.path))\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
            out += "    <testcase classname=\"\(escape(f.path))\" name=\"load\">\n"
            out += "      <error message=\"\(escape(f.diagnostic?.message ?? "cannot read the file"))\">\(escape(located(f.diagnostic, f.path)))</error>\n"
            out += "    </testcase>\n  </testsuite>\n"
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
