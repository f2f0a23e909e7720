/// The base protocol's framing: `Content-Length: N\r\n\r\n` then N bytes of JSON. The reader
/// takes bytes as they arrive, in any chunks, and hands out whole message bodies; garbage is a
/// `FramingError` it recovers from (it skips to the next header), never a crash, and no
/// message may be larger than `maxBodyBytes` (a huge one is skipped without being buffered).
package struct MessageReader: Sendable {
    /// A message body larger than this is refused (a notebook of 64 MiB is far beyond any editor's).
    package static let defaultMaxBodyBytes = 64 << 20
    /// A header block longer than this is garbage.
    package static let maxHeaderBytes = 8192

    /// What was wrong with the bytes skipped.
    package enum FramingError: Error, Equatable, Sendable {
        /// The header block has no `Content-Length` or it is not a number.
        case missingLength
        /// A header line is not `Name: value`, or the header never ends.
        case malformedHeader
        /// `Content-Length` is larger than the limit: the body is skipped.
        case tooLarge(Int)

        package var message: String {
            switch self {
            case .missingLength: return "a message header without a valid Content-Length was skipped"
            case .malformedHeader: return "a malformed message header was skipped"
            case .tooLarge(let n): return "a message of \(n) bytes is larger than the server accepts; it was skipped"
            }
        }
    }

    private let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    /// Where unread bytes start in `buffer` (compacted now and then, not on every message).
    private var start = 0
    /// The length of the body being read, once its header is complete.
    private var expected: Int?
    /// Bytes still to throw away of a refused body.
    private var skipping = 0

    package init(maxBodyBytes: Int = MessageReader.defaultMaxBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Adds bytes read from the stream.
    package mutating func feed(_ bytes: some Collection<UInt8>) {
        var rest = bytes[...]
        if skipping > 0 {
            let n = min(skipping, rest.count)
            skipping -= n
            rest = rest.dropFirst(n)
        }
        buffer.append(contentsOf: rest)
    }

    /// The next whole message body, a framing error for bytes skipped, or nil when more bytes
    /// are needed.
    package mutating func next() -> Result<[UInt8], FramingError>? {
        while true {
            if skipping > 0 {
                let n = min(skipping, buffer.count - start)
                skipping -= n
                start += n
                if skipping > 0 { return nil }
            }
            if let length = expected {
                guard buffer.count - start >= length else { return nil }
                let body = Array(buffer[start..<(start + length)])
                start += length
                expected = nil
                compact()
                return .success(body)
            }
            // Blank lines between messages are tolerated.
            while start < buffer.count, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
            guard let end = headerEnd() else {
                if buffer.count - start > MessageReader.maxHeaderBytes {
                    // No header ends within the limit: drop what is there, look for the next one.
                    start = buffer.count
                    compact()
                    return .failure(.malformedHeader)
                }
                compact()
                return nil
            }
            let header = buffer[start..<end.headerEnd]
            start = end.bodyStart
            switch MessageReader.contentLength(header) {
            case .success(let length) where length > maxBodyBytes:
                skipping = length
                return .failure(.tooLarge(length))
            case .success(let length):
                expected = length
            case .failure(let error):
                compact()
                return .failure(error)
            }
        }
    }

    /// Where the header block ending at the first `\r\n\r\n` (or a bare `\n\n`) stops.
    private func headerEnd() -> (headerEnd: Int, bodyStart: Int)? {
        var i = start
        let limit = min(buffer.count, start + MessageReader.maxHeaderBytes + 4)
        while i < limit {
            if buffer[i] == 10 {
                if i + 1 < buffer.count, buffer[i + 1] == 10 { return (i, i + 2) }
                if i + 2 < buffer.count, buffer[i + 1] == 13, buffer[i + 2] == 10 { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// The `Content-Length` of a header block (other headers, such as `Content-Type`, are ignored).
    static func contentLength(_ header: ArraySlice<UInt8>) -> Result<Int, FramingError> {
        var length: Int?
        for rawLine in header.split(separator: 10) {
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: 58) else { return .failure(.malformedHeader) }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: " \t")
            guard name.lowercased() == "content-length" else { continue }
            guard value.count <= 18, !value.isEmpty, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let n = Int(value)
            else { return .failure(.missingLength) }
            length = n
        }
        return length.map { .success($0) } ?? .failure(.missingLength)
    }

    /// Drops consumed bytes once they are most of the buffer.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count < 1 << 20)
            start = 0
        } else if start > 1 << 16, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}

/// Frames a message body for the wire.
package enum MessageWriter {
    package static func frame(_ body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        return Array("Content-Length: \(bytes.count)\r\n\r\n".utf8) + bytes
    }
}

extension String {
    /// The string without leading and trailing characters of `set`.
    func trimmingCharacters(in set: String) -> String {
        let chars = Array(self)
        var a = 0
        var b = chars.count
        while a < b, set.contains(chars[a]) { a += 1 }
        while b > a, set.contains(chars[b - 1]) { b -= 1 }
        return String(chars[a..<b])
    }
}
