import NTKCore

/// Output: `print` text, and figures from `plot`, `scatter`, `band`, `heatmap` and `figure`.
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
            "plot", .line,
            "a line plot of y against x (one line per column of y); style: \"solid\", \"dashed\", \"dotted\"; "
                + "marker: none, circle, square, triangle, diamond, cross, plus; calls in one block share a figure"),
        series(
            "scatter", .scatter,
            "a scatter plot of y against x (width: the marker's size); calls in one block share a figure"),
        Builtin(
            "band",
            [.required("x"), .required("low"), .required("high"), .keyword("label"), .keyword("color")]
                + figureKeywords,
            "a shaded interval between the curves low and high over x (a ±2σ band); draws into the block's figure"
        ) { c throws(Diagnostic) in
            let x = try vector(c, "x")
            let low = try vector(c, "low")
            let high = try vector(c, "high")
            for (p, v) in [("low", low), ("high", high)] where v.count != x.count {
                throw c.fail(p, "band(): x has \(x.count) points but \(p) has \(v.count)")
            }
            let label = try c.optionalString("label")
            let style = SeriesStyle(color: try color(c))
            let options = try FigureOptions(c)
            let (points, overflow) = x.count.multipliedReportingOverflow(by: 2)
            try c.context.drawIntoFigure(at: c.range, points: overflow ? .max : points) { f in
                options.apply(to: &f)
                f.series.append(.init(kind: .band, x: x, y: low, label: label, upper: high, style: style))
            }
            return .none
        },
        Builtin(
            "heatmap",
            [
                .required("K"), .keyword("title"), .keyword("label", .string("value")), .keyword("xlabel"),
                .keyword("ylabel")
            ],
            "a heatmap of a matrix; label names its colour bar"
        ) { c throws(Diagnostic) in
            let k = try c.matrix("K")
            guard !k.isEmpty else { throw c.fail("K", "heatmap of an empty \(k.shapeDescription) matrix") }
            var f = c.context.takePendingFigure()
            if let title = try c.optionalString("title") { f.title = title }
            if let xl = try c.optionalString("xlabel") { f.xlabel = xl }
            if let yl = try c.optionalString("ylabel") { f.ylabel = yl }
            f.colorbarLabel = try c.optionalString("label")
            f.heatmap = k
            try c.context.emit(.figure(f, range: c.range))
            return .none
        },
        Builtin(
            "figure", [.keyword("title"), .keyword("id"), .keyword("caption")],
            "start a new figure: later plot, scatter, band and heatmap calls draw into it; the site numbers it, "
                + "shows caption under it and gives it the anchor #fig-ID"
        ) { c throws(Diagnostic) in
            var f = Figure(title: try c.optionalString("title"))
            f.caption = try c.optionalString("caption")
            if let id = try c.optionalString("id") {
                let allowed = id.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                        || $0 == "_"
                }
                guard allowed, !id.isEmpty, id.count <= 64 else {
                    throw c.fail(
                        "id",
                        "figure id must be 1 to 64 letters, digits, '-' or '_' (it becomes the anchor #fig-ID), "
                            + "got \(ValueFormatter.inline(.string(id)))")
                }
                f.id = id
            }
            c.context.startFigure(f)
            return .none
        }
    ]

    /// Keywords every series builtin takes for the figure it draws into.
    private static let figureKeywords: [Parameter] = [
        .keyword("title"), .keyword("xlabel"), .keyword("ylabel"), .keyword("logx", .bool(false)),
        .keyword("logy", .bool(false)), .keyword("xlim"), .keyword("ylim")
    ]

    private static func series(_ name: String, _ kind: Figure.SeriesKind, _ summary: String) -> Builtin {
        let styleKeywords: [Parameter] =
            kind == .line
            ? [.keyword("color"), .keyword("style"), .keyword("width"), .keyword("marker")]
            : [.keyword("color"), .keyword("width"), .keyword("marker")]
        return Builtin(
            name, [.required("x"), .required("y"), .keyword("label")] + styleKeywords + figureKeywords, summary
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
            var style = SeriesStyle(color: try color(c), width: try width(c), marker: try marker(c))
            if kind == .line { style.dash = try dash(c) }
            if kind == .scatter && style.marker == SeriesStyle.Marker.none {
                throw c.fail("marker", "scatter() draws its points as markers: marker \"none\" would draw nothing")
            }
            let options = try FigureOptions(c)
            let (points, overflow) = ys.rows.multipliedReportingOverflow(by: ys.cols)
            try c.context.drawIntoFigure(at: c.range, points: overflow ? .max : points) { f in
                options.apply(to: &f)
                for j in 0..<ys.cols {
                    let l = ys.cols == 1 ? label : label.map { "\($0) \(j + 1)" }
                    f.series.append(
                        .init(kind: kind, x: x.storage, y: (0..<ys.rows).map { ys[$0, j] }, label: l, style: style))
                }
            }
            return .none
        }
    }

    /// What a series call sets on its figure (the last call to set one wins; a log axis stays log).
    private struct FigureOptions {
        var title, xlabel, ylabel: String?
        var logX, logY: Bool
        var xlim, ylim: Figure.Limits?

        init(_ c: BuiltinCall) throws(Diagnostic) {
            title = try c.optionalString("title")
            xlabel = try c.optionalString("xlabel")
            ylabel = try c.optionalString("ylabel")
            logX = try c.bool("logx")
            logY = try c.bool("logy")
            xlim = try Builtins.limits(c, "xlim", log: logX)
            ylim = try Builtins.limits(c, "ylim", log: logY)
        }

        func apply(to f: inout Figure) {
            if let title { f.title = title }
            if let xlabel { f.xlabel = xlabel }
            if let ylabel { f.ylabel = ylabel }
            f.logX = f.logX || logX
            f.logY = f.logY || logY
            if let xlim { f.xlim = xlim }
            if let ylim { f.ylim = ylim }
        }
    }

    // MARK: Options

    /// An n×1 or 1×n matrix as its numbers.
    private static func vector(_ c: BuiltinCall, _ p: String) throws(Diagnostic) -> [Double] {
        let m = try c.matrix(p)
        guard m.cols == 1 || m.rows == 1 else {
            throw c.fail(p, "\(c.name)(): \(p) must be a vector, got a \(m.shapeDescription) matrix")
        }
        return m.storage
    }

    /// `xlim: [low, high]`: finite, low < high (both positive on a log axis).
    private static func limits(_ c: BuiltinCall, _ p: String, log: Bool) throws(Diagnostic) -> Figure.Limits? {
        if c.isNone(p) { return nil }
        var numbers: [Double] = []
        switch c.value(p) {
        case .list(let items):
            for case .number(let x) in items { numbers.append(x) }
            if numbers.count != items.count { numbers = [] }
        case .matrix(let m) where m.rows == 1 || m.cols == 1: numbers = m.storage
        default: break
        }
        guard numbers.count == 2 else {
            throw c.fail(p, "\(p) must be [low, high], two numbers, got \(ValueFormatter.inline(c.value(p)))")
        }
        let (low, high) = (numbers[0], numbers[1])
        guard low.isFinite, high.isFinite else {
            throw c.fail(p, "\(p) must be finite, got [\(ValueFormatter.number(low)), \(ValueFormatter.number(high))]")
        }
        guard low < high else {
            throw c.fail(
                p,
                "\(p) low must be less than high, got [\(ValueFormatter.number(low)), \(ValueFormatter.number(high))]")
        }
        guard !log || low > 0 else {
            throw c.fail(p, "\(p) of a log axis must be positive, got low \(ValueFormatter.number(low))")
        }
        return Figure.Limits(low, high)
    }

    /// `color:` a palette name or "#rrggbb" readable on both page backgrounds.
    private static func color(_ c: BuiltinCall) throws(Diagnostic) -> String? {
        guard let text = try c.optionalString("color") else { return nil }
        let names = SeriesStyle.palette.map(\.name)
        guard let hex = SeriesStyle.hex(forColor: text) else {
            throw c.fail(
                "color",
                "unknown colour '\(text)'\(Suggestions.hint(for: text.lowercased(), in: names)); colours are "
                    + names.joined(separator: ", ") + ", or \"#rrggbb\"")
        }
        for (page, background) in [("light", SeriesStyle.backgrounds.light), ("dark", SeriesStyle.backgrounds.dark)] {
            let ratio = SeriesStyle.contrast(hex, background)
            if ratio < SeriesStyle.minimumContrast {
                let shown = (ratio * 100).rounded(.down) / 100
                throw c.fail(
                    "color",
                    "colour '\(text)' has contrast \(ValueFormatter.number(shown)):1 against the \(page) page "
                        + "(\(background)); a series colour needs 3:1 on both the light and the dark page "
                        + "(the named colours " + names.joined(separator: ", ") + " all have it)")
            }
        }
        return hex
    }

    private static func dash(_ c: BuiltinCall) throws(Diagnostic) -> SeriesStyle.Dash? {
        guard let text = try c.optionalString("style") else { return nil }
        return try choice(c, "style", text, SeriesStyle.Dash.self)
    }

    private static func marker(_ c: BuiltinCall) throws(Diagnostic) -> SeriesStyle.Marker? {
        guard let text = try c.optionalString("marker") else { return nil }
        return try choice(c, "marker", text, SeriesStyle.Marker.self)
    }

    private static func choice<T: CaseIterable & RawRepresentable<String>>(
        _ c: BuiltinCall, _ p: String, _ text: String, _: T.Type
    ) throws(Diagnostic) -> T {
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        throw c.fail(
            p,
            "unknown \(p) '\(text)'\(Suggestions.hint(for: text, in: names)) for \(c.name)(); "
                + names.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    /// `width:` in pixels: positive, at most 20.
    private static func width(_ c: BuiltinCall) throws(Diagnostic) -> Double? {
        if c.isNone("width") { return nil }
        let w = try c.number("width")
        guard w.isFinite, w > 0, w <= 20 else {
            throw c.fail("width", "width must be a positive number of pixels up to 20, got \(ValueFormatter.number(w))")
        }
        return w
    }
}
