import CZlib

/// zlib's one-shot decompression with the checks a damaged file needs: the output must be
/// exactly the length the file declares, and the stream must end where the file ends.
enum Inflate {
    /// The most bytes one byte of a deflate stream can stand for (zlib's FAQ: 1032:1).
    static let maximumExpansion = 1032

    /// The bytes a zlib stream (RFC 1950: deflate with an Adler-32 checksum) holds, which must be
    /// exactly `length` of them.
    static func bytes(_ compressed: ArraySlice<UInt8>, length: Int) throws(DataSetError) -> [UInt8] {
        guard length > 0, length <= DataSetFile.maximumPayload else {
            throw DataSetError("declares \(length) bytes of data, outside 1…\(DataSetFile.maximumPayload)")
        }
        guard !compressed.isEmpty else { throw DataSetError("has no compressed data") }
        // Deflate writes at least 2 bits per 258-byte match: no stream expands more than 1032-fold,
        // so a larger length is refused before a buffer that size is allocated.
        guard length / maximumExpansion <= compressed.count else {
            throw DataSetError(
                "declares \(length) bytes of data, more than its \(compressed.count) compressed bytes can hold")
        }
        var out = [UInt8](repeating: 0, count: length)
        var produced = uLongf(length)
        var consumed = uLong(compressed.count)
        let status = out.withUnsafeMutableBufferPointer { target in
            compressed.withUnsafeBufferPointer { source in
                uncompress2(target.baseAddress, &produced, source.baseAddress, &consumed)
            }
        }
        switch status {
        case Z_OK: break
        case Z_BUF_ERROR:
            throw DataSetError("holds more than the \(length) bytes it declares")
        case Z_MEM_ERROR: throw DataSetError("cannot be decompressed: out of memory")
        default: throw DataSetError("is not valid zlib data (code \(status))")
        }
        guard Int(produced) == length else {
            throw DataSetError("holds \(produced) bytes but declares \(length)")
        }
        guard Int(consumed) == compressed.count else {
            throw DataSetError("has \(compressed.count - Int(consumed)) bytes after its compressed data")
        }
        return out
    }
}
