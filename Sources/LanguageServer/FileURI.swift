/// `file://` URIs as editors send them (percent-encoded), and back: the server reads no other
/// scheme from disk.
package enum FileURI {
    /// The path of a `file://` URI, or nil for another scheme (`untitled:`) or a malformed one.
    package static func path(of uri: String) -> String? {
        guard uri.hasPrefix("file://") else { return nil }
        var rest = Substring(uri.dropFirst("file://".count))
        // `file://host/path`: only the local host (empty or `localhost`) names a file here.
        if rest.hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
        guard rest.hasPrefix("/") else { return nil }
        var bytes: [UInt8] = []
        var i = rest.utf8.startIndex
        let utf8 = rest.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                let h1 = utf8.index(after: i)
                guard h1 < utf8.endIndex, utf8.index(after: h1) < utf8.endIndex,
                    let hi = hexValue(utf8[h1]), let lo = hexValue(utf8[utf8.index(after: h1)])
                else { return nil }
                bytes.append(hi << 4 | lo)
                i = utf8.index(h1, offsetBy: 2)
                continue
            }
            if b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            bytes.append(b)
            i = utf8.index(after: i)
        }
        guard !bytes.contains(0), let path = String(validating: bytes, as: UTF8.self) else { return nil }
        return path
    }

    /// The `file://` URI of an absolute path (every byte outside the unreserved set encoded).
    package static func uri(of path: String) -> String {
        var out = "file://"
        for b in path.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80, c.isLetter || c.isNumber || "/-._~".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(width - count, 0)) + self
    }
}
