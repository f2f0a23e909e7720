import NTKCore

/// What a block shows: values from `show`, text from `print`, figures from `plot` and friends.
package enum DisplayItem: Equatable, Sendable {
    case value(Value, caption: String?, range: SourceRange)
    case text(String, range: SourceRange)
    case figure(Figure, range: SourceRange)
}

extension DisplayItem {
    /// Bytes of text this output adds to what its block shows, for `OutputLimits`: a value as
    /// `print` writes it (a large matrix as its summary) with its caption; a figure's texts.
    var textBytes: Int {
        switch self {
        case .value(let v, let caption, _): return ValueFormatter.text(v).utf8.count + (caption?.utf8.count ?? 0)
        case .text(let t, _): return t.utf8.count
        case .figure(let f, _): return f.textBytes
        }
    }

    /// The same output with its source lines moved by `lines` (cached outputs are stored
    /// relative to their block, which may have moved in the file since).
    package func shifted(by lines: Int) -> DisplayItem {
        switch self {
        case .value(let v, let caption, let r): return .value(v, caption: caption, range: r.shifted(by: lines))
        case .text(let t, let r): return .text(t, range: r.shifted(by: lines))
        case .figure(let f, let r): return .figure(f, range: r.shifted(by: lines))
        }
    }
}

extension SourceRange {
    package func shifted(by lines: Int) -> SourceRange {
        SourceRange(
            SourceLocation(line: start.line + lines, column: start.column),
            SourceLocation(line: end.line + lines, column: end.column))
    }
}
