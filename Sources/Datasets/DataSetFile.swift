import NTKCore

/// The `.tds` file of one data set (written by scripts/datasets/export.py, whose README gives the
/// layout): a header, then a zlib stream of the features X and the labels or targets y. Every
/// length and count is checked against the bytes that are there, so damaged data is an error and
/// never a crash or an allocation as large as a garbage length.
package enum DataSetFile {
    static let magic: [UInt8] = Array("TNDS".utf8)
    static let version: UInt8 = 1
    /// The largest decompressed payload accepted (digits, the largest set, is 117 kB).
    static let maximumPayload = 64 << 20

    /// How one matrix's entries are written.
    enum Encoding: UInt8 {
        /// One unsigned byte per entry (whole numbers 0…255), row-major.
        case bytes = 1
        /// ASCII decimals that parse to the exact doubles, column by column: entries of a column
        /// separated by one space, columns by one newline.
        case decimal = 2
    }

    /// X (rows × cols) and y (rows × 1) from the bytes of a `.tds` file.
    package static func decode(_ file: [UInt8]) throws(DataSetError) -> (x: Matrix, y: Matrix) {
        var header = ByteReader(file[...])
        guard try header.bytes(magic.count).elementsEqual(magic) else {
            throw DataSetError("is not a Tangent data set (no TNDS header)")
        }
        let v = try header.byte()
        guard v == version else { throw DataSetError("has format version \(v); this build reads version \(version)") }
        let length = Int(try header.uint32())
        var payload = ByteReader(try Inflate.bytes(header.remaining, length: length)[...])
        let rows = Int(try payload.uint32())
        let cols = Int(try payload.uint32())
        guard rows >= 1, cols >= 1 else { throw DataSetError("declares a \(rows)×\(cols) matrix") }
        // A payload byte encodes at most one entry (bytes) or less (decimals: a digit and a
        // separator), which bounds a believable shape before anything is allocated.
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard !overflow, count <= payload.remaining.count else {
            throw DataSetError("declares \(rows)×\(cols) entries in \(payload.remaining.count) bytes")
        }
        let x = try matrix(&payload, rows: rows, cols: cols, what: "X")
        let y = try matrix(&payload, rows: rows, cols: 1, what: "y")
        guard payload.remaining.isEmpty else {
            throw DataSetError("has \(payload.remaining.count) bytes after y")
        }
        return (x, y)
    }

    private static func matrix(_ reader: inout ByteReader, rows: Int, cols: Int, what: String) throws(DataSetError)
        -> Matrix
    {
        let code = try reader.byte()
        guard let encoding = Encoding(rawValue: code) else {
            throw DataSetError("has unknown encoding \(code) for \(what)")
        }
        let length = Int(try reader.uint32())
        guard length <= reader.remaining.count else {
            throw DataSetError("declares \(length) bytes for \(what) but holds \(reader.remaining.count)")
        }
        let body = try reader.bytes(length)
        switch encoding {
        case .bytes:
            guard length == rows * cols else {
                throw DataSetError("holds \(length) bytes for \(what), which needs \(rows)×\(cols)")
            }
            return Matrix(rows: rows, cols: cols, storage: body.map { Double($0) })
        case .decimal:
            return try decimals(body, rows: rows, cols: cols, what: what)
        }
    }

    /// Column-major decimals → a row-major matrix; every entry must parse to a finite double.
    private static func decimals(_ body: ArraySlice<UInt8>, rows: Int, cols: Int, what: String) throws(DataSetError)
        -> Matrix
    {
        var storage = [Double](repeating: 0, count: rows * cols)
        var index = 0  // entries read, in column-major order
        var start = body.startIndex
        while start <= body.endIndex {
            let end = body[start...].firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") } ?? body.endIndex
            guard index < rows * cols else { throw DataSetError("holds more than \(rows)×\(cols) entries for \(what)") }
            let token = body[start..<end]
            guard token.count <= 32, let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite
            else {
                throw DataSetError("holds a malformed number for \(what) (entry \(index))")
            }
            let (col, row) = index.quotientAndRemainder(dividingBy: rows)
            storage[row * cols + col] = value
            index += 1
            guard end < body.endIndex else { break }
            let separator = index % rows == 0 ? UInt8(ascii: "\n") : UInt8(ascii: " ")
            guard body[end] == separator else {
                throw DataSetError("separates the entries of \(what) wrongly (after entry \(index - 1))")
            }
            start = end + 1
        }
        guard index == rows * cols else {
            throw DataSetError("holds \(index) entries for \(what), which needs \(rows)×\(cols)")
        }
        return Matrix(rows: rows, cols: cols, storage: storage)
    }
}

/// Reads little-endian integers and byte runs from a slice, failing rather than reading past it.
struct ByteReader {
    private(set) var remaining: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { remaining = bytes }

    mutating func bytes(_ n: Int) throws(DataSetError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining.count else { throw DataSetError("is cut short") }
        let out = remaining.prefix(n)
        remaining = remaining.dropFirst(n)
        return out
    }

    mutating func byte() throws(DataSetError) -> UInt8 { try bytes(1).first! }

    mutating func uint32() throws(DataSetError) -> UInt32 {
        try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
