import Foundation
import Language
import NTKCore
import Notebook
import TangentSupport

/// The machine-readable report of a run (`--json FILE`): per notebook, per block, its id,
/// line, status, seconds and errors with file, line, column and message.
package enum Report {
    /// `loadFailures` are notebooks that could not be read or parsed (no blocks ran).
    package static func json(
        _ results: [NotebookResult], loadFailures: [(path: String, diagnostic: Diagnostic?)] = [],
        command: String, exitCode: Int32
    ) -> JSON {
        let blocks = results.flatMap(\.blocks)
        func count(_ s: BlockStatus) -> JSON { .number(Double(blocks.filter { $0.status == s }.count)) }
        return .object([
            ("tangent", .string(TangentInfo.version)),
            ("command", .string(command)),
            ("exit_code", .number(Double(exitCode))),
            (
                "notebooks",
                .array(
                    results.map(notebook)
                        + loadFailures.map { f in
                            .object([
                                ("path", .string(f.path)),
                                ("status", .string("error")),
                                (
                                    "errors",
                                    .array(
                                        f.diagnostic.map { [diagnostic($0, file: f.path)] } ?? [
                                            .object([
                                                ("file", .string(f.path)), ("message", .string("cannot read the file"))
                                            ])
                                        ])
                                ),
                                ("blocks", .array([]))
                            ])
                        })
            ),
            (
                "summary",
                .object([
                    ("notebooks", .number(Double(results.count))),
                    ("blocks", .number(Double(blocks.count))),
                    ("ran", count(.ran)), ("cached", count(.cached)), ("skipped", count(.skipped)),
                    ("failed", count(.failed)), ("mismatch", count(.mismatch)),
                    ("seconds", .number(results.reduce(0) { $0 + $1.seconds }))
                ])
            )
        ])
    }

    static func notebook(_ r: NotebookResult) -> JSON {
        var fields: [(String, JSON)] = [
            ("path", .string(r.notebook.path)),
            ("title", .string(r.notebook.title)),
            ("status", .string(r.failed ? "failed" : "ok")),
            ("seconds", .number(r.seconds))
        ]
        if let peak = r.peakMemoryBytes { fields.append(("peak_memory_bytes", .number(Double(peak)))) }
        fields.append(("blocks", .array(r.blocks.map { block($0, file: r.notebook.path) })))
        return .object(fields)
    }

    static func block(_ b: BlockResult, file: String) -> JSON {
        var fields: [(String, JSON)] = [
            ("id", .string(b.cell.id)),
            ("line", .number(Double(b.cell.fenceLine))),
            ("code_line", .number(Double(b.cell.codeLine))),
            ("status", .string(b.status.rawValue)),
            ("seconds", .number(b.seconds)),
            ("seed", .string(String(b.seed)))
        ]
        if b.failedAsExpected { fields.append(("expected_error", .bool(true))) }
        if let note = b.note { fields.append(("note", .string(note))) }
        var errors: [JSON] = []
        if b.status == .failed, let e = b.error {
            errors.append(diagnostic(e, file: file))
        }
        if b.status == .mismatch, let m = b.mismatch {
            errors.append(mismatch(m, file: file))
        }
        fields.append(("errors", .array(errors)))
        if b.failedAsExpected, let e = b.error { fields.append(("raised", diagnostic(e, file: file))) }
        fields.append(("outputs", .array(b.outputs.map(output))))
        return .object(fields)
    }

    /// A `check` finding in the form of a diagnostic, with `"severity": "mismatch"`.
    package static func mismatch(_ m: Mismatch, file: String) -> JSON {
        .object([
            ("file", .string(file)),
            ("line", .number(Double(m.range.start.line))),
            ("column", .number(Double(m.range.start.column))),
            ("severity", .string(Mismatch.label)),
            ("message", .string(m.message))
        ])
    }

    package static func diagnostic(_ d: Diagnostic, file: String) -> JSON {
        .object(
            [
                ("file", .string(file)),
                ("line", .number(Double(d.range.start.line))),
                ("column", .number(Double(d.range.start.column))),
                ("severity", .string(d.severity.rawValue)),
                ("message", .string(d.text(file: file)))
            ] + (d.notes.isEmpty ? [] : [("notes", .array(d.notes.map { diagnostic($0, file: file) }))]))
    }

    static func output(_ item: DisplayItem) -> JSON {
        switch item {
        case .value(let v, let caption, let range):
            var fields: [(String, JSON)] = [("kind", .string("value")), ("line", .number(Double(range.start.line)))]
            if let caption { fields.append(("caption", .string(caption))) }
            fields.append(("type", .string(v.kindName)))
            fields.append(("value", value(v)))
            fields.append(("text", .string(ValueFormatter.text(v))))
            return .object(fields)
        case .text(let s, let range):
            return .object([
                ("kind", .string("text")), ("line", .number(Double(range.start.line))), ("text", .string(s))
            ])
        case .figure(let f, let range):
            return .object([
                ("kind", .string("figure")), ("line", .number(Double(range.start.line))),
                ("text", .string(f.summary))
            ])
        }
    }

    /// Numbers and matrices in full precision; other values as their text.
    static func value(_ v: Value) -> JSON {
        switch v {
        case .number(let x): return .number(x)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .none: return .null
        case .list(let items): return .array(items.map(value))
        case .matrix(let m):
            if m.count > 10_000 {
                let s = MatrixSummary(m)
                return .object([
                    ("shape", .array([.number(Double(m.rows)), .number(Double(m.cols))])),
                    ("min", .number(s.min)), ("max", .number(s.max)), ("mean", .number(s.mean))
                ])
            }
            return .object([
                ("shape", .array([.number(Double(m.rows)), .number(Double(m.cols))])),
                ("data", .array((0..<m.rows).map { i in .array((0..<m.cols).map { .number(m[i, $0]) }) }))
            ])
        case .record(let r): return .object(r.fields.map { ($0.name, value($0.value)) })
        default: return .string(ValueFormatter.text(v))
        }
    }
}
