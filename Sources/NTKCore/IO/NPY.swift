import Foundation
import TangentSupport

/// Reads and writes NumPy `.npy` files.
///
/// Reading accepts format versions 1.0, 2.0 and 3.0; float64, float32 and
/// float16 in either byte order; signed and unsigned integers and booleans
/// (converted to `Double`); C or Fortran order; and 0-D (→ 1×1), 1-D
/// (→ n×1) or 2-D arrays. Anything else (3-D arrays, complex, object or
/// string dtypes, truncated or malformed files) is a `FileError` with a
/// message for the user.
///
/// Writing produces exactly the bytes `numpy.save` produces for a C-order
/// float64 array of the matrix's 2-D shape: format 1.0, `'<f8'`, header padded
/// to a multiple of 64 bytes and ending in a newline.
public enum NPY {
    /// The six bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Decodes the contents of a `.npy` file.
    public static func decode(_ data: Data) throws(FileError) -> Matrix {
        // `withUnsafeBytes` rethrows untyped errors, so the result travels as a `Result`.
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(FileError) -> Matrix in try decode(bytes) }
        }
        return try result.get()
    }

    /// The header of a float64, little-endian, C-order `.npy` file of that shape (version 1.0,
    /// padded to a multiple of 64 bytes); the data follows it row by row.
    public static func header(rows: Int, cols: Int) -> [UInt8] {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
        // numpy leaves room to grow the first axis in place: 21 characters in all.
        header += String(repeating: " ", count: max(0, 21 - String(rows).count))
        let prefixLength = magic.count + 2 + 2  // magic, version, UInt16 header length
        let unpadded = header.utf8.count + 1    // + the final newline
        let padding = 64 - (prefixLength + unpadded) % 64
        let headerLength = unpadded + padding   // < 64 KiB: shapes have at most 2 × 20 digits
        var bytes = magic + [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        bytes += Array(header.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return bytes
    }

    /// Encodes a matrix as a float64, little-endian, C-order `.npy` file.
    public static func encode(_ matrix: Matrix) -> Data {
        let header = header(rows: matrix.rows, cols: matrix.cols)
        var data = Data(capacity: header.count + 8 * matrix.count)
        data.append(contentsOf: header)
        if (1 as UInt16).littleEndian == 1 {
            matrix.storage.withUnsafeBytes { data.append(contentsOf: $0) }
        } else {
            for value in matrix.storage {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Reads a `.npy` file; see `decode(_:)`.
    public static func read(from url: URL) throws(FileError) -> Matrix {
        try decode(readFileContents(of: url))
    }

    /// Writes `encode(matrix)` atomically, creating missing folders.
    public static func write(_ matrix: Matrix, to url: URL) throws(FileError) {
        try writeAtomically(encode(matrix), to: url)
    }

    /// Writes `encode(matrix)` atomically at `url` (absolute, under `root`), walking from `root`
    /// without following a symbolic link out of it (`ConfinedFolder`); a link at the name is
    /// followed only when it leads inside `root`.
    public static func write(_ matrix: Matrix, to url: URL, confinedTo root: URL) throws(FileError) {
        try ConfinedFolder(root, create: false).write(encode(matrix), to: url.path, finalLink: .followInside)
    }
}

// MARK: - Decoding

extension NPY {
    private static func decode(_ bytes: UnsafeRawBufferPointer) throws(FileError) -> Matrix {
        if bytes.isEmpty { throw FileError("not a .npy file (the file is empty)") }
        guard zip(bytes, magic).allSatisfy({ $0 == $1 }) else {
            throw FileError("not a .npy file (bad magic)")
        }
        guard bytes.count >= magic.count else { throw FileError("file is truncated: incomplete magic") }
        guard bytes.count >= 8 else { throw FileError("file is truncated: no format version") }
        let (major, minor) = (bytes[6], bytes[7])

        // Version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one;
        // 3.0 allows UTF-8 in the header, older ones are Latin-1.
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default: throw FileError("unsupported .npy format version \(major).\(minor)")
        }
        let headerStart = 8 + lengthSize
        guard bytes.count >= headerStart else {
            throw FileError("file is truncated: the header length is missing")
        }
        var headerLength = 0
        for k in 0..<lengthSize { headerLength |= Int(bytes[8 + k]) << (8 * k) }
        guard bytes.count - headerStart >= headerLength else {
            throw FileError(
                "file is truncated: the header is \(headerLength) bytes but only "
                + "\(bytes.count - headerStart) bytes follow")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart ..< headerStart + headerLength])
        let headerText: String
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else {
                throw FileError("malformed header: not valid UTF-8")
            }
            headerText = text
        } else {
            headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }

        let header = try Header(parsing: headerText)
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        let (byteCount, overflow) = header.count.multipliedReportingOverflow(by: header.dtype.size)
        guard !overflow else {
            throw FileError("malformed header: shape \(header.shapeText) is too large")
        }
        guard available >= byteCount else {
            throw FileError(
                "file is truncated: header says \(header.count) values (\(byteCount) bytes) "
                + "but only \(available) bytes follow")
        }
        // Bytes after the data are ignored, as numpy does.
        let payload = UnsafeRawBufferPointer(rebasing: bytes[dataStart ..< dataStart + byteCount])
        let values = header.dtype.values(in: payload, count: header.count)

        let (rows, cols): (Int, Int)
        switch header.shape.count {
        case 0: (rows, cols) = (1, 1)
        case 1: (rows, cols) = (header.shape[0], 1)
        default: (rows, cols) = (header.shape[0], header.shape[1])
        }
        if header.fortranOrder && header.shape.count == 2 {
            // Column-major data is the row-major data of the transpose.
            return Matrix(rows: cols, cols: rows, storage: values).transposed
        }
        return Matrix(rows: rows, cols: cols, storage: values)
    }
}

// MARK: - Header

extension NPY {
    /// The dictionary at the start of a `.npy` file, e.g.
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
    struct Header {
        var dtype: DType
        var fortranOrder: Bool
        /// At most two dimensions, each non-negative.
        var shape: [Int]
        /// The number of values, the product of `shape`.
        var count: Int
        /// The shape as Python writes it, e.g. `(3,)` or `(2, 3, 4)`.
        var shapeText: String

        init(parsing text: String) throws(FileError) {
            var parser = PythonLiteralParser(text)
            let literal: PythonLiteral
            do throws(PythonLiteralParser.Failure) {
                literal = try parser.parseHeader()
            } catch {
                throw FileError("malformed header: \(error.message)")
            }
            guard case .dict(let entries) = literal else {
                throw FileError("malformed header: expected a dictionary")
            }
            func value(_ key: String) throws(FileError) -> PythonLiteral {
                guard let entry = entries.last(where: { $0.key == key }) else {
                    throw FileError("malformed header: missing key '\(key)'")
                }
                return entry.value
            }

            let descr = try value("descr")
            guard case .bool(let fortranOrder) = try value("fortran_order") else {
                throw FileError("malformed header: 'fortran_order' must be True or False")
            }
            guard case .tuple(let dims) = try value("shape") else {
                throw FileError("malformed header: 'shape' must be a tuple of integers")
            }
            var shape: [Int] = []
            for dim in dims {
                guard case .int(let n) = dim, n >= 0 else {
                    throw FileError("malformed header: 'shape' must be a tuple of non-negative integers")
                }
                shape.append(n)
            }
            let shapeText = shape.count == 1
                ? "(\(shape[0]),)"
                : "(" + shape.map(String.init).joined(separator: ", ") + ")"
            guard shape.count <= 2 else {
                throw FileError("\(shape.count)-D array of shape \(shapeText) cannot be loaded as a matrix")
            }
            var count = 1
            for n in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow else {
                    throw FileError("malformed header: shape \(shapeText) is too large")
                }
                count = product
            }

            switch descr {
            case .string(let text):
                self.dtype = try DType(parsing: text)
            case .list:
                throw FileError("unsupported dtype: structured arrays (with named fields) cannot be loaded as a matrix")
            default:
                throw FileError("malformed header: 'descr' must be a string")
            }
            self.fortranOrder = fortranOrder
            self.shape = shape
            self.count = count
            self.shapeText = shapeText
        }
    }

    /// An element type of a `.npy` file that can become `Double`.
    struct DType {
        enum Kind { case float, signed, unsigned, bool }
        var kind: Kind
        /// Bytes per element.
        var size: Int
        var bigEndian: Bool

        /// Parses a numpy type string such as `<f8`, `>i4` or `|b1`.
        init(parsing descr: String) throws(FileError) {
            var rest = Substring(descr)
            var bigEndian = false
            switch rest.first {
            case "<", "|": rest.removeFirst()
            case "=": rest.removeFirst(); bigEndian = (1 as UInt16).bigEndian == 1
            case ">": rest.removeFirst(); bigEndian = true
            default: bigEndian = (1 as UInt16).bigEndian == 1  // no prefix: native order
            }
            let unsupported = { (what: String) in
                FileError("unsupported dtype '\(descr)' (\(what)): only float, integer "
                                + "and boolean arrays can be loaded as a matrix")
            }
            guard let code = rest.first else { throw FileError("malformed header: empty dtype") }
            let size = Int(rest.dropFirst())
            let kind: Kind
            switch (code, size) {
            case ("f", 2), ("f", 4), ("f", 8): kind = .float
            case ("f", 12), ("f", 16): throw unsupported("extended-precision floats")
            case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
            case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
            case ("b", 1): kind = .bool
            case ("c", _): throw unsupported("complex numbers")
            case ("O", _): throw unsupported("Python objects")
            case ("U", _), ("S", _), ("a", _): throw unsupported("strings")
            case ("M", _), ("m", _): throw unsupported("dates and times")
            case ("V", _): throw unsupported("raw bytes")
            default: throw FileError("unsupported dtype '\(descr)'")
            }
            self.kind = kind
            self.size = size ?? 0
            self.bigEndian = bigEndian
        }

        /// Converts `count` packed elements to doubles.
        func values(in bytes: UnsafeRawBufferPointer, count: Int) -> [Double] {
            let swap = bigEndian != ((1 as UInt16).bigEndian == 1)
            if kind == .float && size == 8 && !swap {
                // The common case: the bytes already are the doubles.
                return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if let source = bytes.baseAddress, let destination = buffer.baseAddress {
                        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 8 * count)
                        initialized = count
                    } else {
                        initialized = 0  // count == 0
                    }
                }
            }
            var values = [Double]()
            values.reserveCapacity(count)
            for k in 0..<count {
                let offset = k * size
                let value: Double
                switch (kind, size) {
                case (.float, 8): value = Double(bitPattern: load(UInt64.self, bytes, offset, swap))
                case (.float, 4): value = Double(Float(bitPattern: load(UInt32.self, bytes, offset, swap)))
                case (.float, _): value = halfToDouble(load(UInt16.self, bytes, offset, swap))
                case (.signed, 1): value = Double(Int8(bitPattern: bytes[offset]))
                case (.signed, 2): value = Double(Int16(bitPattern: load(UInt16.self, bytes, offset, swap)))
                case (.signed, 4): value = Double(Int32(bitPattern: load(UInt32.self, bytes, offset, swap)))
                case (.signed, _): value = Double(Int64(bitPattern: load(UInt64.self, bytes, offset, swap)))
                case (.unsigned, 1): value = Double(bytes[offset])
                case (.unsigned, 2): value = Double(load(UInt16.self, bytes, offset, swap))
                case (.unsigned, 4): value = Double(load(UInt32.self, bytes, offset, swap))
                case (.unsigned, _): value = Double(load(UInt64.self, bytes, offset, swap))
                case (.bool, _): value = bytes[offset] == 0 ? 0 : 1
                }
                values.append(value)
            }
            return values
        }

        private func load<T: FixedWidthInteger>(
            _ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int, _ swap: Bool
        ) -> T {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
            return swap ? raw.byteSwapped : raw
        }

        /// IEEE 754 binary16 → binary64, exactly.
        private func halfToDouble(_ bits: UInt16) -> Double {
            let sign: Double = bits & 0x8000 != 0 ? -1 : 1
            let exponent = Int((bits >> 10) & 0x1F)
            let fraction = Double(bits & 0x3FF)
            switch exponent {
            case 0: return sign * fraction * 0x1p-24
            case 31: return fraction == 0 ? sign * .infinity : .nan
            default: return sign * (1024 + fraction) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
            }
        }
    }
}

// MARK: - Python literals

/// A value in a `.npy` header: the subset of Python literals numpy writes.
enum PythonLiteral {
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: String, value: PythonLiteral)])
}

/// A recursive-descent parser for the dictionary in a `.npy` header. It reads
/// strings, numbers (also Python 2's `3L`), `True`, `False`, `None`, tuples,
/// lists and dictionaries with string keys, and nothing else, so it is safe
/// on any input.
struct PythonLiteralParser {
    struct Failure: Error { var message: String }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The whole header: one literal, then only whitespace (numpy pads with
    /// spaces and ends with a newline).
    mutating func parseHeader() throws(Failure) -> PythonLiteral {
        let value = try parseValue()
        skipWhitespace()
        guard position == scalars.count else { throw fail("unexpected text after the dictionary") }
        return value
    }

    private mutating func parseValue() throws(Failure) -> PythonLiteral {
        skipWhitespace()
        guard let c = peek() else { throw fail("unexpected end of header") }
        switch c {
        case "{":
            return try nested { (p: inout Self) throws(Failure) in
                try p.parseDict()
            }
        case "(":
            return try nested { (p: inout Self) throws(Failure) in
                let (items, sawComma) = try p.parseSequence(closing: ")")
                // `(3)` is just 3 in Python; `(3,)` is a tuple.
                if items.count == 1 && !sawComma { return items[0] }
                return .tuple(items)
            }
        case "[":
            return try nested { (p: inout Self) throws(Failure) in
                .list(try p.parseSequence(closing: "]").items)
            }
        case "'", "\"":
            return .string(try parseString())
        case "0"..."9", "-", "+", ".":
            return try parseNumber()
        default:
            let word = parseWord()
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "": throw fail("unexpected character '\(c)'")
            default: throw fail("unexpected name '\(word)'")
            }
        }
    }

    /// Guards against absurd nesting such as 100 000 opening brackets.
    private mutating func nested(
        _ body: (inout Self) throws(Failure) -> PythonLiteral
    ) throws(Failure) -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 32 else { throw fail("nested too deeply") }
        return try body(&self)
    }

    private mutating func parseDict() throws(Failure) -> PythonLiteral {
        position += 1  // {
        var entries: [(key: String, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            if peek() == "}" { position += 1; return .dict(entries) }
            guard case .string(let key) = try parseValue() else { throw fail("dictionary keys must be strings") }
            skipWhitespace()
            guard peek() == ":" else { throw fail("expected ':' after '\(key)'") }
            position += 1
            entries.append((key, try parseValue()))
            skipWhitespace()
            switch peek() {
            case ",": position += 1
            case "}": position += 1; return .dict(entries)
            default: throw fail("expected ',' or '}' in the dictionary")
            }
        }
    }

    private mutating func parseSequence(
        closing: Unicode.Scalar
    ) throws(Failure) -> (items: [PythonLiteral], sawComma: Bool) {
        position += 1  // ( or [
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if peek() == closing { position += 1; return (items, sawComma) }
            items.append(try parseValue())
            skipWhitespace()
            if peek() == "," {
                position += 1
                sawComma = true
            } else if peek() == closing {
                position += 1
                return (items, sawComma)
            } else {
                throw fail("expected ',' or '\(closing)'")
            }
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        guard let quote = peek() else { throw fail("unexpected end of header") }
        position += 1
        var result = String.UnicodeScalarView()
        while let c = peek() {
            position += 1
            if c == quote { return String(result) }
            if c == "\\" {
                guard let escaped = peek() else { break }
                position += 1
                result.append(escaped)
            } else if c == "\n" {
                break
            } else {
                result.append(c)
            }
        }
        throw fail("unterminated string")
    }

    /// An integer, or a float such as `3.0` or `1e5` (which a valid header
    /// never has where a number is expected, but which deserves a clear message).
    private mutating func parseNumber() throws(Failure) -> PythonLiteral {
        let start = position
        if let sign = peek(), sign == "-" || sign == "+" { position += 1 }
        let digitsStart = position
        while let c = peek(), ("0"..."9").contains(c) { position += 1 }
        if let c = peek(), c == "." || c == "e" || c == "E" {
            while let c = peek(), ("0"..."9").contains(c) || "+-.eE".unicodeScalars.contains(c) {
                position += 1
            }
            let text = String(String.UnicodeScalarView(scalars[start..<position]))
            guard let value = Double(text) else { throw fail("malformed number '\(text)'") }
            return .float(value)
        }
        guard position > digitsStart else { throw fail("expected a number") }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Int(text) else { throw fail("number \(text) is too large") }
        if let suffix = peek(), suffix == "L" || suffix == "l" { position += 1 }  // Python 2 long
        return .int(value)
    }

    private mutating func parseWord() -> String {
        var word = String.UnicodeScalarView()
        while let c = peek(), c.properties.isAlphabetic || c == "_" {
            word.append(c)
            position += 1
        }
        return String(word)
    }

    private mutating func skipWhitespace() {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
    }

    private func peek() -> Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    private func fail(_ message: String) -> Failure { Failure(message: message) }
}
