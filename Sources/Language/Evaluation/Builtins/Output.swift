import NTKCore

/// Output: `print` text, and figures from `plot`, `scatter` and `heatmap`.
extension Builtins {
    static let output: [Builtin] = [
        Builtin("print", [], variadic: "values", "plain text output, values separated by spaces") {
            c throws(Diagnostic) in
            // Values on one line are separated by spaces; a multi-line value (a table) gets its own lines.
            var text = ""
            for (k, arg) in c.rest.enumerated() {
                let piece = ValueFormatter.text(arg.value)
                if k > 0 { text += piece.contains("\n") || text.hasSuffix("\n") || text.contains("\n") ? "\n" : " " }
                text += piece
            }
            try c.context.emit(.text(text, range: c.range))
            return .none
        },
        series(
            "plot", .line, "a line plot of y against x (one line per column of y); calls in one block share a figure"),
        series("scatter", .scatter, "a scatter plot of y against x; calls in one block share a figure"),
        Builtin("heatmap", [.required("K"), .keyword("title")], "a heatmap of a matrix") { c throws(Diagnostic) in
            let k = try c.matrix("K")
            guard !k.isEmpty else { throw c.fail("K", "heatmap of an empty \(k.shapeDescription) matrix") }
            var f = Figure(title: try c.optionalString("title"))
            f.heatmap = k
            try c.context.emit(.figure(f, range: c.range))
            return .none
        }
    ]

    private static func series(_ name: String, _ kind: Figure.SeriesKind, _ summary: String) -> Builtin {
        Builtin(
            name,
            [
                .required("x"), .required("y"), .keyword("label"), .keyword("title"),
                .keyword("xlabel"), .keyword("ylabel"), .keyword("logx", .bool(false)),
                .keyword("logy", .bool(false))
            ], summary
        ) { c throws(Diagnostic) in
            let x = try c.matrix("x")
            let y = try c.matrix("y")
            guard x.cols == 1 || x.rows == 1 else {
                throw c.fail("x", "\(name)(): x must be a vector, got a \(x.shapeDescription) matrix")
            }
            let ys = y.cols == 1 || y.rows != x.count ? (y.rows == 1 && y.cols == x.count ? y.transposed : y) : y
            guard ys.rows == x.count else {
                throw c.fail("y", "\(name)(): x has \(x.count) points but y is \(y.shapeDescription)")
            }
            let label = try c.optionalString("label")
            let title = try c.optionalString("title")
            let xl = try c.optionalString("xlabel")
            let yl = try c.optionalString("ylabel")
            let logx = try c.bool("logx")
            let logy = try c.bool("logy")
            let (points, overflow) = ys.rows.multipliedReportingOverflow(by: ys.cols)
            try c.context.drawIntoFigure(at: c.range, points: overflow ? .max : points) { f in
                if let title { f.title = title }
                if let xl { f.xlabel = xl }
                if let yl { f.ylabel = yl }
                f.logX = f.logX || logx
                f.logY = f.logY || logy
                for j in 0..<ys.cols {
                    let l = ys.cols == 1 ? label : label.map { "\($0) \(j + 1)" }
                    f.series.append(.init(kind: kind, x: x.storage, y: (0..<ys.rows).map { ys[$0, j] }, label: l))
                }
            }
            return .none
        }
    }
}
