import Language
import NTKCore
import TangentSupport

/// One output of a block in the form `update` stores and `check` compares: numbers in full
/// precision (all entries of a small matrix; summary and corner of a large one) and text.
package struct StoredOutput: Equatable, Sendable {
    package enum Kind: String, Sendable { case value, text, figure, error }

    package var kind: Kind
    /// The value's type for `show` outputs ("number", "matrix", "string", …).
    package var type: String?
    package var caption: String?
    /// Matrix shape (rows, cols) when the value is a matrix; (n, h, w, c) for images.
    package var shape: [Int]?
    /// Numbers compared within tolerance: a number; a small matrix's entries (row-major);
    /// a large matrix's min, max, mean and top-left corner; images' min, max and mean.
    package var numbers: [Double]
    /// Text compared exactly, except that numbers inside it are compared within tolerance.
    package var text: String
    /// Offset of the producing statement's line from the block's first code line.
    package var lineOffset: Int

    package init(
        kind: Kind, type: String? = nil, caption: String? = nil, shape: [Int]? = nil,
        numbers: [Double] = [], text: String = "", lineOffset: Int = 0
    ) {
        self.kind = kind
        self.type = type
        self.caption = caption
        self.shape = shape
        self.numbers = numbers
        self.text = text
        self.lineOffset = lineOffset
    }

    package static func == (a: StoredOutput, b: StoredOutput) -> Bool {
        a.kind == b.kind && a.type == b.type && a.caption == b.caption && a.shape == b.shape
            && a.text == b.text && a.lineOffset == b.lineOffset && a.numbers.count == b.numbers.count
            && zip(a.numbers, b.numbers).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// The comparable form of what a block displayed.
    package static func from(_ item: DisplayItem, codeLine: Int) -> StoredOutput {
        switch item {
        case .value(let v, let caption, let range):
            var out = StoredOutput(
                kind: .value, type: v.kindName, caption: caption, lineOffset: range.start.line - codeLine)
            switch v {
            case .number(let x):
                out.numbers = [x]
            case .matrix(let m):
                out.shape = [m.rows, m.cols]
                out.numbers = numbers(of: m)
            case .table(let t):
                // Every entry (a table is shown in full) and the column names, one per line.
                out.shape = [t.matrix.rows, t.matrix.cols]
                out.numbers = t.matrix.storage
                out.text = t.columns.joined(separator: "\n")
            case .images(let i):
                // The shape (n, h, w, c), min, max and mean, and the summary line `show` prints.
                let s = MatrixSummary(i.pixels)
                out.shape = i.shape
                out.numbers = [s.min, s.max, s.mean]
                out.text = ValueFormatter.text(v)
            default:
                out.text = ValueFormatter.text(v)
            }
            return out
        case .text(let s, let range):
            return StoredOutput(kind: .text, text: s, lineOffset: range.start.line - codeLine)
        case .figure(let f, let range):
            return StoredOutput(
                kind: .figure, numbers: figureNumbers(f), text: f.summary, lineOffset: range.start.line - codeLine)
        }
    }

    /// The expected error of an `expect=error` block, stored so `check` sees it change.
    package static func expectedError(_ d: Diagnostic, codeLine: Int) -> StoredOutput {
        StoredOutput(kind: .error, text: d.message, lineOffset: d.range.start.line - codeLine)
    }

    /// What `check` compares of a figure's data, a few numbers per curve however long it is:
    /// for x, y (and a band's upper curve) of each series, the mean of the finite values and
    /// the values at five evenly spaced points (first, quarters, last); a heatmap's matrix as
    /// `show` stores a matrix. A changed curve moves them; a long one does not bloat the
    /// notebook.
    static func figureNumbers(_ f: Figure) -> [Double] {
        var out: [Double] = []
        for s in f.series {
            for values in [s.x, s.y, s.upper] where !values.isEmpty {
                let finite = values.filter(\.isFinite)
                out.append(finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count))
                let last = values.count - 1
                for q in 0...4 { out.append(values[last * q / 4]) }
            }
        }
        if let h = f.heatmap { out += numbers(of: h) }
        return out
    }

    static func numbers(of m: Matrix) -> [Double] {
        if !ValueFormatter.isLarge(m) { return m.storage }
        let s = MatrixSummary(m)
        let corner = ValueFormatter.corner(m)
        return [s.min, s.max, s.mean] + corner.storage
    }

    // MARK: JSON

    package var json: JSON {
        var fields: [(String, JSON)] = [("kind", .string(kind.rawValue))]
        if let type { fields.append(("type", .string(type))) }
        if let caption { fields.append(("caption", .string(caption))) }
        if let shape { fields.append(("shape", .array(shape.map { .number(Double($0)) }))) }
        if !numbers.isEmpty { fields.append(("numbers", .array(numbers.map(JSON.number)))) }
        if !text.isEmpty { fields.append(("text", .string(text))) }
        fields.append(("line", .number(Double(lineOffset))))
        return .object(fields)
    }

    package init?(json: JSON) {
        guard let k = json["kind"]?.stringValue, let kind = Kind(rawValue: k) else { return nil }
        self.kind = kind
        type = json["type"]?.stringValue
        caption = json["caption"]?.stringValue
        shape = json["shape"]?.arrayValue?.compactMap { $0.doubleValue.map { Int($0) } }
        var nums: [Double] = []
        for n in json["numbers"]?.arrayValue ?? [] {
            guard let v = n.doubleValue else { return nil }
            nums.append(v)
        }
        numbers = nums
        text = json["text"]?.stringValue ?? ""
        lineOffset = json["line"]?.doubleValue.map { Int($0) } ?? 0
    }
}
