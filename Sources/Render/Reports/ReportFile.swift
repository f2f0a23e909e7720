import Foundation
import Notebook
import TangentSupport

/// A JSON report (the `--json` format of `Report`) read back, for `tangent report merge` and
/// `--timings`. Every field used is checked, so a damaged or foreign file is refused with a
/// message naming the field, never half-read.
package struct ReportFile: Sendable {
    /// A diagnostic as the report stores it; a notebook that could not be read has only a message.
    package struct Problem: Sendable {
        package var file: String
        package var line: Int?
        package var column: Int?
        package var severity: String?
        package var message: String

        /// `FILE:LINE:COL: severity: message`, or just the file when there is no place.
        package var located: String {
            guard let line, let column, let severity else { return file }
            return "\(file):\(line):\(column): \(severity): \(message)"
        }
    }

    package struct Block: Sendable {
        package var id: String
        package var line: Int
        package var status: BlockStatus
        package var seconds: Double
        package var note: String?
        package var errors: [Problem]
    }

    package struct Entry: Sendable {
        package var path: String
        /// `ok`, `failed`, or `error` for a notebook that could not be loaded.
        package var status: String
        package var seconds: Double?
        package var blocks: [Block]
        package var errors: [Problem]
        /// The notebook's object as it was in the file (a merged report copies it unchanged).
        package var json: JSON
    }

    package var tangentVersion: String
    package var command: String
    package var exitCode: Int32
    package var notebooks: [Entry]

    /// A file that is not a report: `FILE: error: message`.
    package struct Malformed: Error, Equatable {
        package var file: String
        package var message: String
        package var formatted: String { "\(file): error: \(message)" }
    }

    /// Reads and checks a report file.
    package static func read(_ path: String) throws(Malformed) -> ReportFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Malformed(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Malformed(file: path, message: "the report is not UTF-8 text")
        }
        do {
            return try parse(text)
        } catch {
            throw Malformed(file: path, message: error.message)
        }
    }

    struct FieldError: Error {
        var message: String
    }

    /// Parses report text; the error names the first field that is missing or wrong.
    static func parse(_ text: String) throws(FieldError) -> ReportFile {
        guard let json = JSON.parse(text) else {
            throw FieldError(message: "not valid JSON (is it a `--json` report?)")
        }
        guard case .object = json else { throw FieldError(message: "not a JSON report: expected an object") }
        let code = try int(json, "exit_code", at: "")
        guard [0, 1, 2, 3].contains(code) else {
            throw FieldError(message: "'exit_code' is \(code); expected 0, 1, 2 or 3")
        }
        let notebooks = try array(json, "notebooks", at: "")
        var entries: [Entry] = []
        for (i, n) in notebooks.enumerated() {
            let at = "notebooks[\(i)]."
            let path = try string(n, "path", at: at)
            let blocks = try array(n, "blocks", at: at).enumerated().map { (k, b) throws(FieldError) in
                try block(b, at: at + "blocks[\(k)].", file: path)
            }
            entries.append(
                Entry(
                    path: path, status: try string(n, "status", at: at),
                    seconds: try optionalNumber(n, "seconds", at: at), blocks: blocks,
                    errors: try problems(n, at: at, file: path), json: n))
        }
        return ReportFile(
            tangentVersion: try string(json, "tangent", at: ""), command: try string(json, "command", at: ""),
            exitCode: Int32(code), notebooks: entries)
    }

    private static func block(_ b: JSON, at: String, file: String) throws(FieldError) -> Block {
        let raw = try string(b, "status", at: at)
        guard let status = BlockStatus(rawValue: raw) else {
            throw FieldError(message: "'\(at)status' is '\(raw)'; expected ran, cached, skipped, failed or mismatch")
        }
        var note: String?
        if b["note"] != nil { note = try string(b, "note", at: at) }
        return Block(
            id: try string(b, "id", at: at), line: try int(b, "line", at: at), status: status,
            seconds: try optionalNumber(b, "seconds", at: at) ?? 0, note: note,
            errors: try problems(b, at: at, file: file))
    }

    private static func problems(_ owner: JSON, at: String, file: String) throws(FieldError) -> [Problem] {
        guard owner["errors"] != nil else { return [] }
        return try array(owner, "errors", at: at).enumerated().map { (k, e) throws(FieldError) in
            let here = at + "errors[\(k)]."
            func optionalInt(_ key: String) throws(FieldError) -> Int? {
                e[key] == nil ? nil : try int(e, key, at: here)
            }
            return Problem(
                file: e["file"] == nil ? file : try string(e, "file", at: here),
                line: try optionalInt("line"), column: try optionalInt("column"),
                severity: e["severity"] == nil ? nil : try string(e, "severity", at: here),
                message: try string(e, "message", at: here))
        }
    }

    private static func string(_ o: JSON, _ key: String, at: String) throws(FieldError) -> String {
        guard let s = o[key]?.stringValue else { throw missing(key, at, "a string") }
        return s
    }

    private static func array(_ o: JSON, _ key: String, at: String) throws(FieldError) -> [JSON] {
        guard let a = o[key]?.arrayValue else { throw missing(key, at, "an array") }
        return a
    }

    private static func int(_ o: JSON, _ key: String, at: String) throws(FieldError) -> Int {
        guard case .number(let v)? = o[key], v == v.rounded(), abs(v) < 1e15 else {
            throw missing(key, at, "a whole number")
        }
        return Int(v)
    }

    private static func optionalNumber(_ o: JSON, _ key: String, at: String) throws(FieldError) -> Double? {
        guard let v = o[key] else { return nil }
        guard let d = v.doubleValue else { throw missing(key, at, "a number") }
        return d
    }

    private static func missing(_ key: String, _ at: String, _ what: String) -> FieldError {
        FieldError(message: "'\(at)\(key)' is missing or not \(what)")
    }
}
