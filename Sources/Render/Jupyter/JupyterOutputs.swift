import Language
import NTKCore
import Notebook
import TangentSupport

/// A block's stored outputs (the `tangent:data` line of its region) as nbformat 4 outputs:
/// `print` text as a `stream`, `show` values as `display_data` (text/plain, and text/html for
/// matrices), figures as `display_data` with their SVG, an expected error as an `error`.
enum JupyterOutputs {
    /// `svgs[k]` is the SVG of the k-th figure output, nil when its file could not be read
    /// (the figure is then described in text); `heatmaps[k]` that of the k-th large matrix.
    static func outputs(_ stored: [StoredOutput], svgs: [String?], heatmaps: [String?] = []) -> [JSON] {
        var figure = 0
        var matrix = 0
        return stored.map { o in
            switch o.kind {
            case .text:
                return .object([
                    ("name", .string("stdout")), ("output_type", .string("stream")),
                    ("text", Jupyter.multiline(o.text + "\n"))
                ])
            case .value:
                var (plain, html) = value(o)
                if isLargeMatrix(o) {
                    // LANGUAGE.md §4: the summary plus its heatmap.
                    if matrix < heatmaps.count, let svg = heatmaps[matrix], let table = html {
                        html = table + "\n" + svg
                    }
                    matrix += 1
                }
                var data: [(String, JSON)] = []
                if let html { data.append(("text/html", Jupyter.multiline(html))) }
                data.append(("text/plain", Jupyter.multiline(plain)))
                return display(data)
            case .figure:
                let svg = figure < svgs.count ? svgs[figure] : nil
                figure += 1
                var data: [(String, JSON)] = []
                if let svg { data.append(("image/svg+xml", Jupyter.multiline(svg))) }
                data.append(("text/plain", Jupyter.multiline(o.text)))
                return display(data)
            case .error:
                return .object([
                    ("ename", .string("expected error")), ("evalue", .string(o.text)),
                    ("output_type", .string("error")),
                    ("traceback", .array([.string("error (expected): " + o.text)]))
                ])
            }
        }
    }

    /// A shown matrix stored as its summary (more entries than a table shows).
    static func isLargeMatrix(_ o: StoredOutput) -> Bool {
        guard o.kind == .value, o.type == "matrix", let shape = o.shape, shape.count == 2 else { return false }
        return ValueFormatter.isLarge(rows: shape[0], cols: shape[1])
    }

    private static func display(_ data: [(String, JSON)]) -> JSON {
        .object([("data", .object(data)), ("metadata", .object([])), ("output_type", .string("display_data"))])
    }

    /// A shown value as text (as the terminal prints it) and, for a matrix, an HTML table.
    static func value(_ o: StoredOutput) -> (plain: String, html: String?) {
        var plain = o.text
        var html: String?
        if o.type == "table", let shape = o.shape, shape.count == 2, shape[1] >= 1,
            o.numbers.count == shape[0] * shape[1]
        {
            let columns = o.text.components(separatedBy: "\n")
            if columns.count == shape[1] {
                let t = Table(matrix: Matrix(rows: shape[0], cols: shape[1], storage: o.numbers), columns: columns)
                (plain, html) = (t.text, OutputHTML.table(t.matrix, columns: columns))
            }
        } else if o.type == "number", o.numbers.count == 1 {
            plain = ValueFormatter.number(o.numbers[0])
        } else if o.type == "matrix", let shape = o.shape, shape.count == 2,
            let (p, h) = matrix(rows: shape[0], cols: shape[1], o.numbers)
        {
            (plain, html) = (p, h)
        }
        guard let caption = o.caption else { return (plain, html) }
        return (caption + "\n" + plain, html.map { "<p><strong>\(HTMLText.escape(caption))</strong></p>\n" + $0 })
    }

    /// A matrix from its stored numbers: all entries of a small one; min, max, mean and the
    /// top-left corner of a large one. Nil when the numbers do not fit the shape.
    private static func matrix(rows: Int, cols: Int, _ numbers: [Double]) -> (String, String)? {
        guard rows >= 0, cols >= 0 else { return nil }
        let shape = Matrix.shapeDescription(rows: rows, cols: cols)
        if rows == 0 || cols == 0 {
            let text = "(empty \(shape) matrix)"
            return (text, "<pre>\(HTMLText.escape(text))</pre>")
        }
        if !ValueFormatter.isLarge(rows: rows, cols: cols) {
            guard numbers.count == rows * cols else { return nil }
            let m = Matrix(rows: rows, cols: cols, storage: numbers)
            return (ValueFormatter.table(m), OutputHTML.table(m))
        }
        let (r, c) = (min(rows, 4), min(cols, 4))
        guard numbers.count == 3 + r * c else { return nil }
        let corner = Matrix(rows: r, cols: c, storage: Array(numbers[3...]))
        let text = ValueFormatter.summary(
            shape: shape, min: numbers[0], max: numbers[1], mean: numbers[2], corner: corner)
        let head = text.prefix { $0 != "\n" }
        return (text, "<p>\(HTMLText.escape(String(head)))</p>\n<p>top-left corner:</p>\n" + OutputHTML.table(corner))
    }
}
