/// `%XX` escapes (RFC 3986) decoded, for the paths in URLs Tangent receives: the request targets
/// `tangent serve` answers and the `file://` URIs editors send the language server. One
/// decoder, so that both refuse the same malformed input.
package enum PercentDecoding {
    /// `text` with every `%XX` (hexadecimal, either case) replaced by its byte, the bytes read as
    /// UTF-8; nil for a `%` not followed by two hexadecimal digits or for bytes that are not
    /// UTF-8. Everything else, `+` included, is kept as it is.
    package static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                let h = utf8.index(after: i)
                guard h < utf8.endIndex, utf8.index(after: h) < utf8.endIndex,
                    let high = hexValue(utf8[h]), let low = hexValue(utf8[utf8.index(after: h)])
                else { return nil }
                bytes.append(high << 4 | low)
                i = utf8.index(h, offsetBy: 2)
            } else {
                bytes.append(b)
                i = utf8.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
