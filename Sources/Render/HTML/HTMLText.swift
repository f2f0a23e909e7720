/// Escaping for HTML and XML text and attribute values: the one routine behind the site,
/// the SVG figures and the JUnit report.
enum HTMLText {
    /// What happens to tabs and line breaks.
    enum LineBreaks { case keep, asSpaces }

    /// `&`, `<`, `>`, quotes escaped; characters XML 1.0 forbids (most C0 controls,
    /// U+FFFE, U+FFFF) replaced by U+FFFD, so the output is valid HTML and XML alike.
    /// `apostrophe` is `&#39;` for HTML (valid everywhere) or `&apos;` for XML documents.
    static func escape(_ s: String, lineBreaks: LineBreaks = .keep, apostrophe: String = "&#39;") -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += apostrophe
            case "\n", "\t", "\r": out += lineBreaks == .keep ? String(c) : " "
            default:
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }
}
