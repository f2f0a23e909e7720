import Foundation

/// Finding the bytes that make a file invalid UTF-8, so the error can point at them.
package enum UTF8Validation {
    /// The line and column (in characters) of the first byte that is not valid UTF-8.
    package static func firstInvalid(in bytes: [UInt8]) -> (line: Int, column: Int) {
        var lineStart = 0
        var line = 1
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0a {
                line += 1
                lineStart = i + 1
                i += 1
                continue
            }
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0x6 ? 2 : b >> 4 == 0xe ? 3 : b >> 3 == 0x1e ? 4 : 0
            var valid = length > 0 && i + length <= bytes.count
            if valid { for k in 1..<length where bytes[i + k] >> 6 != 0x2 { valid = false } }
            if valid, length > 1, String(bytes: bytes[i..<(i + length)], encoding: .utf8) == nil { valid = false }
            if !valid {
                let prefix = String(decoding: bytes[lineStart..<i], as: UTF8.self)
                return (line, prefix.count + 1)
            }
            i += length
        }
        return (line, 1)
    }
}
