import TangentSupport

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
        // The query and fragment are no part of the path.
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        guard let path = PercentDecoding.decode(rest), !path.contains("\0") else { return nil }
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
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(width - count, 0)) + self
    }
}
