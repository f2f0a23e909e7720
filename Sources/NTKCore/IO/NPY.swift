import Foundation
import TangentSupport

/// Reads and writes NumPy `.npy` files.
///
/// Reading accepts format versions 1.0, 2.0 and 3.0; float64, float32 and
/// float16 in either byte order; signed and unsigned integers and booleans
/// (converted to `Double`); C or Fortran order; and 0-D (→ 1×1), 1-D
/// (→ n×1) or 2-D arrays as a matrix, and also 4-D arrays (images) as an
/// `NPY.NDArray`. Anything else (3-D or 5-D arrays, complex, object or
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
        try decodeArray(data, ranks: [0, 1, 2], refusal: "as a matrix").matrix
    }

    /// Decodes a `.npy` file of 0 to 2 dimensions (as `decode(_:)`) or 4 dimensions (n, h, w, c
    /// images); the values come back in C order whatever the file's order.
    package static func decodeArray(_ data: Data) throws(FileError) -> NDArray {
        try decodeArray(
            data, ranks: [0, 1, 2, 4],
            refusal: "as a matrix or images (0-, 1- and 2-D arrays are matrices, 4-D (n, h, w, c) arrays images)")
    }

    private static func decodeArray(_ data: Data, ranks: Set<Int>, refusal: String) throws(FileError) -> NDArray {
        // `withUnsafeBytes` rethrows untyped errors, so the result travels as a `Result`.
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(FileError) -> NDArray in try decodeArray(bytes, ranks: ranks, refusal: refusal) }
        }
        return try result.get()
    }

    /// The header of a float64, little-endian, C-order `.npy` file of that shape (version 1.0,
    /// padded to a multiple of 64 bytes); the data follows it row by row.
    public static func header(rows: Int, cols: Int) -> [UInt8] { header(shape: [rows, cols]) }

    /// The header of a float64, little-endian, C-order `.npy` file of any shape.
    package static func header(shape: [Int]) -> [UInt8] {
        let tuple = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(tuple), }"
        // numpy leaves room to grow the first axis in place: 21 characters in all.
        header += String(repeating: " ", count: max(0, 21 - String(shape.first ?? 0).count))
        let prefixLength = magic.count + 2 + 2  // magic, version, UInt16 header length
        let unpadded = header.utf8.count + 1  // + the final newline
        let padding = 64 - (prefixLength + unpadded) % 64
        let headerLength = unpadded + padding  // < 64 KiB: shapes have at most 4 × 20 digits
        var bytes = magic + [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        bytes += Array(header.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return bytes
    }

    /// Encodes a matrix as a float64, little-endian, C-order `.npy` file.
    public static func encode(_ matrix: Matrix) -> Data {
        encode(NDArray(shape: [matrix.rows, matrix.cols], values: matrix.storage))
    }

    /// Encodes an array of any shape as a float64, little-endian, C-order `.npy` file.
    package static func encode(_ array: NDArray) -> Data {
        let header = header(shape: array.shape)
        var data = Data(capacity: header.count + 8 * array.values.count)
        data.append(contentsOf: header)
        if (1 as UInt16).littleEndian == 1 {
            array.values.withUnsafeBytes { data.append(contentsOf: $0) }
        } else {
            for value in array.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Reads a `.npy` file of 0, 1, 2 or 4 dimensions; see `decodeArray(_:)`.
    package static func readArray(from url: URL) throws(FileError) -> NDArray {
        let file = try ReadableFile(url)
        // The first 64 KiB hold the header of any file numpy writes.
        let prefix = UnsafeMutableRawBufferPointer.allocate(byteCount: min(max(file.size, 0), 1 << 16), alignment: 8)
        defer { prefix.deallocate() }
        let got = try file.read(into: prefix)
        let start = UnsafeRawBufferPointer(rebasing: prefix[0..<got])
        if let array = try readNativeDoubles(file, prefix: start) { return array }
        var whole = Data(start)
        whole.append(try file.readToEnd())
        return try decodeArray(whole)
    }

    /// The common case read in one copy: a header within `prefix` (the file's first bytes, the
    /// file positioned after them) and native float64 data in C order, read from the file
    /// straight into the array's storage. Nil, having read nothing more, for anything else,
    /// including every malformed file, which `decodeArray` then reads whole and reports as it
    /// always has (a file that shrinks while it is read is reported truncated here).
    private static func readNativeDoubles(_ file: ReadableFile, prefix: UnsafeRawBufferPointer) throws(FileError)
        -> NDArray?
    {
        guard let (header, dataStart) = try? parseHeader(prefix, ranks: [0, 1, 2, 4], refusal: ""),
            header.dtype.kind == .float, header.dtype.size == 8,
            header.dtype.bigEndian == ((1 as UInt16).bigEndian == 1), !header.fortranOrder,
            let byteCount = try? payloadBytes(header), file.size - dataStart >= byteCount
        else { return nil }
        try checkMemory(header)
        var found = byteCount
        let values = try [Double](unsafeUninitializedCapacity: header.count) {
            (buffer, initialized) throws(FileError) in
            let destination = UnsafeMutableRawBufferPointer(buffer)
            // The data's first bytes may already be in the prefix.
            let inPrefix = min(max(prefix.count - dataStart, 0), byteCount)
            if inPrefix > 0 {
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: prefix[dataStart..<dataStart + inPrefix]))
            }
            let rest = UnsafeMutableRawBufferPointer(rebasing: destination[inPrefix..<byteCount])
            found = inPrefix + (try file.read(into: rest))
            initialized = found == byteCount ? header.count : 0
        }
        // The file shrank while it was read.
        guard found == byteCount else {
            throw FileError(
                "file is truncated: header says \(header.count) values (\(byteCount) bytes) "
                    + "but only \(found) bytes follow")
        }
        return NDArray(shape: header.shape, values: values)
    }

    /// Writes `encode(array)` as `write(_:to:confinedTo:)` writes a matrix.
    package static func write(_ array: NDArray, to url: URL, confinedTo root: URL?) throws(FileError) {
        if let root {
            try ConfinedFolder(root, create: false).write(encode(array), to: url.path, finalLink: .followInside)
        } else {
            try writeAtomically(encode(array), to: url)
        }
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
    private static func decodeArray(_ bytes: UnsafeRawBufferPointer, ranks: Set<Int>, refusal: String) throws(FileError)
        -> NDArray
    {
        let (header, dataStart) = try parseHeader(bytes, ranks: ranks, refusal: refusal)
        let available = bytes.count - dataStart
        let byteCount = try payloadBytes(header)
        guard available >= byteCount else {
            throw FileError(
                "file is truncated: header says \(header.count) values (\(byteCount) bytes) "
                    + "but only \(available) bytes follow")
        }
        try checkMemory(header)
        // Bytes after the data are ignored, as numpy does.
        let payload = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<dataStart + byteCount])
        let values = header.dtype.values(in: payload, count: header.count)

        return NDArray(shape: header.shape, values: header.fortranOrder ? cOrder(values, shape: header.shape) : values)
    }

    /// The header at the start of `bytes` (which need not hold the data) and where the data
    /// starts; throws what `decodeArray` says of a bad or truncated header.
    private static func parseHeader(_ bytes: UnsafeRawBufferPointer, ranks: Set<Int>, refusal: String)
        throws(FileError) -> (Header, dataStart: Int)
    {
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
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<headerStart + headerLength])
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
        guard ranks.contains(header.shape.count) else {
            throw FileError("\(header.shape.count)-D array of shape \(header.shapeText) cannot be loaded \(refusal)")
        }
        return (header, headerStart + headerLength)
    }

    /// Refuses, before anything is allocated, an array whose values (as float64) would not fit
    /// in the memory available (`MemoryBudget`): a hostile or mistaken file must not crash the run.
    private static func checkMemory(_ header: Header) throws(FileError) {
        let (bytes, overflow) = header.count.multipliedReportingOverflow(by: 8)
        let available = MemoryBudget.availableBytes(for: overflow ? .max : bytes)
        guard overflow || bytes > (available ?? .max) else { return }
        throw FileError(
            "its \(header.count) values (\(ByteCount.formatted(overflow ? nil : bytes)) as float64) need more "
                + "memory than the \(ByteCount.formatted(available)) available")
    }

    /// The data's size in bytes, refused when it overflows.
    private static func payloadBytes(_ header: Header) throws(FileError) -> Int {
        let (byteCount, overflow) = header.count.multipliedReportingOverflow(by: header.dtype.size)
        guard !overflow else {
            throw FileError("malformed header: shape \(header.shapeText) is too large")
        }
        return byteCount
    }

    /// Column-major (Fortran-order) values of an array of that shape, in row-major order: the
    /// column-major data is the row-major data of the array with its axes reversed.
    private static func cOrder(_ values: [Double], shape: [Int]) -> [Double] {
        guard shape.count >= 2, !values.isEmpty else { return values }
        var out = [Double](repeating: 0, count: values.count)
        // Strides of each axis in the Fortran-order data.
        var strides = [Int](repeating: 1, count: shape.count)
        for k in 1..<shape.count { strides[k] = strides[k - 1] * shape[k - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        for i in 0..<out.count {
            var offset = 0
            for k in 0..<shape.count { offset += index[k] * strides[k] }
            out[i] = values[offset]
            var k = shape.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < shape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}
