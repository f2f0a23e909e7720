/// A file split into lines that keep their terminators, so joining them gives back every byte.
package struct TextLines: Sendable {
    package struct Line: Sendable {
        /// The line without its terminator.
        package var content: String
        /// "\n", "\r\n" or "" (the last line of a file without a final newline).
        package var terminator: String
        package init(content: String, terminator: String) {
            self.content = content
            self.terminator = terminator
        }
    }

    package var lines: [Line]

    package init(_ text: String) {
        var out: [Line] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if current.unicodeScalars.last == "\r" {
                    current.unicodeScalars.removeLast()
                    out.append(Line(content: current, terminator: "\r\n"))
                } else {
                    out.append(Line(content: current, terminator: "\n"))
                }
                current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { out.append(Line(content: current, terminator: "")) }
        lines = out
    }

    package var text: String { lines.map { $0.content + $0.terminator }.joined() }

    /// The file's dominant line ending.
    package var lineEnding: String {
        let crlf = lines.filter { $0.terminator == "\r\n" }.count
        let lf = lines.filter { $0.terminator == "\n" }.count
        return crlf > lf ? "\r\n" : "\n"
    }
}
