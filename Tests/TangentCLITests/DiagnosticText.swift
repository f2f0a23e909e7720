/// Reading positions out of what the binary prints, to check a diagnostic's column.
enum DiagnosticText {
    /// `column` (1-based) of the first occurrence of `needle` in `line`.
    static func column(of needle: String, in line: String) -> Int? {
        guard let r = line.range(of: needle) else { return nil }
        return line.distance(from: line.startIndex, to: r.lowerBound) + 1
    }
}
