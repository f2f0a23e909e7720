import Foundation
import TangentSupport

/// Reads and writes matrices as comma-separated numbers, one row per line.
///
/// Reading:
/// - fields are separated by commas, with optional spaces or tabs around them;
/// - lines end in `\n` or `\r\n`; the last one may or may not; blank lines
///   (anywhere, typically at the end) are ignored, and so is a UTF-8 byte
///   order mark;
/// - the first non-blank line is a header, and is skipped, when one of its
///   fields is not a number (`x,y,label`); no other line may be a header;
/// - numbers are decimal (`3`, `-0.5`, `.5`, `1e-300`), or `nan`, `inf`,
///   `infinity`, with an optional sign and in any case;
/// - every row must have as many fields as the first one;
/// - a file with no data rows is a 0×0 matrix, or 0×k after a header of
///   k fields.
///
/// Writing uses the shortest representation that reads back exactly (both
/// here and with Python's `float()` or `numpy.loadtxt(delimiter=',')`),
/// one row per line, `\n` line ends, and no header.
public enum CSV {
    /// Decodes CSV text; errors name the line (1-based) and field.
    public static func decode(_ text: String) throws(FileError) -> Matrix {
        try decode(bytes: Array(text.utf8))
    }

    /// Encodes a matrix as CSV text ending in a newline (empty for no rows).
    public static func encode(_ matrix: Matrix) -> String {
        var text = ""
        text.reserveCapacity(matrix.count * 20)
        for i in 0..<matrix.rows {
            for j in 0..<matrix.cols {
                if j > 0 { text += "," }
                text += format(matrix[i, j])
            }
            text += "\n"
        }
        return text
    }

    /// Reads a CSV file; see `decode(_:)`. Bytes that are not UTF-8 are only
    /// a problem where a number is expected (a Latin-1 header is fine).
    public static func read(from url: URL) throws(FileError) -> Matrix {
        try decode(bytes: [UInt8](readFileContents(of: url)))
    }

    /// Writes `encode(matrix)` atomically, creating missing folders.
    public static func write(_ matrix: Matrix, to url: URL) throws(FileError) {
        try writeAtomically(Data(encode(matrix).utf8), to: url)
    }

    /// Writes `encode(matrix)` atomically at `url` (absolute, under `root`), walking from `root`
    /// without following a symbolic link out of it (`ConfinedFolder`); a link at the name is
    /// followed only when it leads inside `root`.
    public static func write(_ matrix: Matrix, to url: URL, confinedTo root: URL) throws(FileError) {
        try ConfinedFolder(root, create: false).write(Data(encode(matrix).utf8), to: url.path, finalLink: .followInside)
    }

    /// One number as CSV: Swift's round-tripping description, with NaN
    /// always `nan` (Swift writes `-nan` or `snan` for some NaNs, which
    /// Python's `float()` does not read).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }
}

// MARK: - Decoding

extension CSV {
    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    static func decode(bytes: [UInt8]) throws(FileError) -> Matrix {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // byte order mark

        var storage: [Double] = []
        var rows = 0
        var columns: Int?  // fields per row, fixed by the first data row
        var headerColumns = 0
        var seenContent = false
        var lineNumber = 0

        while start <= bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: newline) ?? bytes.count
            var line = bytes[start..<end]
            start = end + 1
            if line.last == carriageReturn { line = line.dropLast() }
            if line.allSatisfy(isBlank) { continue }

            let fields = line.split(separator: comma, omittingEmptySubsequences: false).map(trimmed)
            let isFirstContent = !seenContent
            seenContent = true
            var values: [Double] = []
            values.reserveCapacity(fields.count)
            var bad: (index: Int, field: ArraySlice<UInt8>)?
            for (index, field) in fields.enumerated() {
                if let value = parseNumber(field) {
                    values.append(value)
                } else if bad == nil {
                    bad = (index, field)
                }
            }
            if fields.count == 1, fields[0].contains(UInt8(ascii: ";")) || fields[0].contains(UInt8(ascii: "\t")) {
                let separator = fields[0].contains(UInt8(ascii: ";")) ? "';'" : "tabs"
                throw FileError(
                    "line \(lineNumber) separates its fields with \(separator); "
                        + "Tangent reads comma-separated values (use ',' between numbers)")
            }
            if isFirstContent && fields.contains(where: { !$0.isEmpty && parseNumber($0) == nil }) {
                headerColumns = fields.count  // a header line: skip it
                continue
            }
            if let expected = columns, fields.count != expected {
                throw FileError(
                    "line \(lineNumber) has \(fields.count) \(plural(fields.count, "field")), expected \(expected)")
            }
            if let bad {
                if bad.field.isEmpty {
                    throw FileError("line \(lineNumber), field \(bad.index + 1) is empty")
                }
                throw FileError("line \(lineNumber), field \(bad.index + 1): \(quoted(bad.field)) is not a number")
            }
            columns = fields.count
            storage.append(contentsOf: values)
            rows += 1
        }
        return Matrix(rows: rows, cols: columns ?? (rows == 0 ? headerColumns : 0), storage: storage)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == carriageReturn
    }

    private static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var field = field
        while let first = field.first, isBlank(first) { field.removeFirst() }
        while let last = field.last, isBlank(last) { field.removeLast() }
        return field
    }

    /// A decimal number (`-12`, `.5`, `3.`, `1e-300`, `+2E+3`) or a
    /// case-insensitive `nan`, `inf`, `infinity` with an optional sign.
    /// Anything else (hexadecimal, `1_000`, `0x10`, empty) is `nil`.
    static func parseNumber(_ field: ArraySlice<UInt8>) -> Double? {
        var rest = field
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        if let first = rest.first, first | 0x20 == UInt8(ascii: "n") || first | 0x20 == UInt8(ascii: "i") {
            switch String(decoding: rest, as: UTF8.self).lowercased() {
            case "nan": return .nan
            case "inf", "infinity": return negative ? -.infinity : .infinity
            default: return nil
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func skipDigits() -> Int {
            var count = 0
            while let byte = rest.first, isDigit(byte) {
                rest.removeFirst()
                count += 1
            }
            return count
        }
        var digits = skipDigits()
        if rest.first == UInt8(ascii: ".") {
            rest.removeFirst()
            digits += skipDigits()
        }
        guard digits > 0 else { return nil }
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            rest.removeFirst()
            if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                rest.removeFirst()
            }
            guard skipDigits() > 0 else { return nil }
        }
        guard rest.isEmpty else { return nil }
        // Swift's conversion is correctly rounded; out-of-range values become
        // ±inf or ±0 as in Python.
        return Double(String(decoding: field, as: UTF8.self))
    }

    /// A field for an error message: quoted, and shortened if long.
    private static func quoted(_ field: ArraySlice<UInt8>) -> String {
        let text = String(decoding: field, as: UTF8.self)
        return text.count > 40 ? "'\(text.prefix(37))...'" : "'\(text)'"
    }

    private static func plural(_ count: Int, _ word: String) -> String {
        count == 1 ? word : word + "s"
    }
}
