import CZlib

/// zlib's one-shot decompression with the checks a damaged file needs: the output must be
/// exactly the length the file declares, and the stream must end where the file ends.
enum Inflate {
    /// The bytes a zlib stream (RFC 1950: deflate with an Adler-32 checksum) holds, which must be
    /// exactly `length` of them.
    static func bytes(_ compressed: ArraySlice<UInt8>, length: Int) throws(DataSetError) -> [UInt8] {
        guard length > 0, length <= DataSetFile.maximumPayload else {
            throw DataSetError("declares \(length) bytes of data, outside 1…\(DataSetFile.maximumPayload)")
        }
        guard !compressed.isEmpty else { throw DataSetError("has no compressed data") }
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
