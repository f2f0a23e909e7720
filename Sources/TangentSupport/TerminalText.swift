/// Text from a repository (a notebook's file name, a block's label) on its way to a terminal:
/// control characters, which could form an escape sequence that drives the terminal (retitle it,
/// clear it, rewrite earlier lines of a CI log), are shown as `?`.
package enum TerminalText {
    /// `s` with C0 and C1 control characters (and DEL) replaced by `?`.
    package static func printable(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    private static func isControl(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7f...0x9f).contains(c.value)
    }
}
