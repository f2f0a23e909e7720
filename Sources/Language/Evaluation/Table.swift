import NTKCore

/// `table(A, columns: [...])` (issue 18): a matrix shown in full with named columns, in the
/// terminal, the Markdown write-back, the site and the Jupyter export, where `show A` of a large
/// matrix shows a summary. Its size is bounded so a notebook stays readable.
package struct Table: Equatable, Sendable {
    package var matrix: Matrix
    package var columns: [String]

    /// The largest table shown in full.
    package static let maxRows = 1000
    package static let maxColumns = 20

    package init(matrix: Matrix, columns: [String]) {
        self.matrix = matrix
        self.columns = columns
    }

    /// The entries as text, each column in one style (`ColumnFormat`), row by row.
    package var cells: [[String]] {
        ColumnFormat.cells(matrix.cols, rows: matrix.rows) { matrix[$0, $1] }
    }

    /// Aligned text: the column names, then one line per row.
    package var text: String {
        var cells = [columns] + self.cells
        let widths = (0..<matrix.cols).map { j in cells.map { $0[j].count }.max() ?? 0 }
        cells = cells.map { row in
            row.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
        }
        return cells.map { $0.joined(separator: "  ") }.joined(separator: "\n")
    }
}

extension Builtins {
    static let tables: [Builtin] = [
        Builtin(
            "table", [.required("A"), .keyword("columns")],
            "A shown in full with named columns (at most 1000 rows × 20 columns)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard a.rows <= Table.maxRows, a.cols <= Table.maxColumns else {
                throw c.fail(
                    "A",
                    "table() shows at most \(Table.maxRows) rows and \(Table.maxColumns) columns, got "
                        + "\(a.shapeDescription); show a slice (A[0:\(Table.maxRows), :]) or use show for a summary")
            }
            var names = (0..<a.cols).map(String.init)
            if !c.isNone("columns") {
                guard case .list(let items) = c.value("columns") else {
                    throw c.fail(
                        "columns", "columns must be a list of strings, got \(c.value("columns").typeDescription)")
                }
                guard items.count == a.cols else {
                    throw c.fail(
                        "columns",
                        "columns names \(items.count) column\(items.count == 1 ? "" : "s") but A has \(a.cols)")
                }
                names = []
                for item in items {
                    guard case .string(let s) = item, !s.contains("\n"), !s.contains("\r") else {
                        throw c.fail(
                            "columns", "each column name must be a one-line string, got \(ValueFormatter.inline(item))")
                    }
                    names.append(s)
                }
            }
            return .table(Table(matrix: a, columns: names))
        }
    ]
}
