/// The `href` of a page of the site, made from a notebook's file name, which the site's author
/// does not choose when it comes from a student's pull request (`javascript:alert(1).md`).
///
/// Every byte but `A–Z a–z 0–9 - . _ ~` is percent-encoded in each path segment, so no `:` is
/// left to start a scheme, and the path always starts with `./` or `../`, so it can only ever
/// be read as a relative path. The result holds no character that is special in HTML; it is
/// escaped where it is written all the same.
enum PageLink {
    /// The URL of `pagePath` (relative to the site) from a page `root` (`""`, `"../"`, …) deep.
    static func href(_ pagePath: String, root: String) -> String {
        (root.isEmpty ? "./" : root) + encoded(pagePath)
    }

    /// The page path with each segment percent-encoded (`/` kept between segments).
    static func encoded(_ pagePath: String) -> String {
        pagePath.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            var out = ""
            for byte in segment.utf8 {
                if isUnreserved(byte) {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
            return out
        }.joined(separator: "/")
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
