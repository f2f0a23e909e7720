import NTKCore

/// Data and arrays: constructors, random matrices, shapes and concatenation.
extension Builtins {
    static let arrays: [Builtin] = [
        Builtin(
            "linspace", [.required("start"), .required("stop"), .required("n")],
            "n×1 evenly spaced values from start to stop, both ends included (numpy.linspace)"
        ) { c throws(Diagnostic) in
            let a = try c.finiteNumber("start")
            let b = try c.finiteNumber("stop")
            let n = try c.integer("n")
            try c.ensureAllocatable(n, what: "linspace")
            if n == 0 { return .matrix(Matrix(rows: 0, cols: 1)) }
            let div = Double(n - 1)
            let step = div > 0 ? (b - a) / div : 0
            var values = (0..<n).map { Double($0) * step + a }
            if n > 1 { values[n - 1] = b }
            return .matrix(Matrix(column: values))
        },
        Builtin(
            "randn", [.required("rows"), .required("cols"), .keyword("seed")],
            "standard normal entries: numpy default_rng(seed).standard_normal((rows, cols))"
        ) { c throws(Diagnostic) in
            let (r, k) = try shape(c)
            return .matrix(try c.withGenerator { $0.standardNormal(rows: r, cols: k) })
        },
        Builtin(
            "uniform",
            [
                .required("rows"), .required("cols"), .keyword("low", .number(0)),
                .keyword("high", .number(1)), .keyword("seed")
            ],
            "uniform entries in [low, high): numpy default_rng(seed).uniform(low, high, (rows, cols))"
        ) { c throws(Diagnostic) in
            let (r, k) = try shape(c)
            let low = try c.finiteNumber("low")
            let high = try c.finiteNumber("high")
            guard high >= low, (high - low).isFinite else {
                throw c.fail(
                    "high",
                    "uniform() needs low <= high with a finite range, got low \(ValueFormatter.number(low)) and high \(ValueFormatter.number(high))"
                )
            }
            return .matrix(try c.withGenerator { $0.uniform(rows: r, cols: k, low: low, high: high) })
        },
        Builtin("zeros", [.required("rows"), .required("cols")], "a rows×cols matrix of zeros") {
            c throws(Diagnostic) in
            let (r, k) = try shape(c)
            return .matrix(Matrix(rows: r, cols: k))
        },
        Builtin("ones", [.required("rows"), .required("cols")], "a rows×cols matrix of ones") { c throws(Diagnostic) in
            let (r, k) = try shape(c)
            return .matrix(Matrix(rows: r, cols: k, repeating: 1))
        },
        Builtin("eye", [.required("n")], "the n×n identity matrix") { c throws(Diagnostic) in
            let n = try c.integer("n")
            let (count, overflow) = n.multipliedReportingOverflow(by: n)
            try c.ensureAllocatable(overflow ? .max : count, what: "eye(\(n))")
            return .matrix(Matrix.identity(n))
        },
        Builtin(
            "diag", [.required("A")],
            "the diagonal of A as n×1; of an n×1 vector, the n×n diagonal matrix"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            if a.cols == 1 {
                try c.ensureAllocatable(a.rows * a.rows, what: "diag of a \(a.rows)×1 vector")
                var m = Matrix(rows: a.rows, cols: a.rows)
                for i in 0..<a.rows { m[i, i] = a.storage[i] }
                return .matrix(m)
            }
            return .matrix(a.diagonal)
        },
        Builtin("hcat", [], variadic: "matrices", "matrices side by side (equal row counts)") { c throws(Diagnostic) in
            let parts = try matrices(c)
            for p in parts.dropFirst() where p.m.rows != parts[0].m.rows {
                throw .error(
                    "hcat needs equal row counts: \(parts[0].m.shapeDescription) and \(p.m.shapeDescription)",
                    at: p.range)
            }
            return .matrix(Matrix.hcat(parts.map(\.m)))
        },
        Builtin("vcat", [], variadic: "matrices", "matrices stacked top to bottom (equal column counts)") {
            c throws(Diagnostic) in
            let parts = try matrices(c)
            for p in parts.dropFirst() where p.m.cols != parts[0].m.cols {
                throw .error(
                    "vcat needs equal column counts: \(parts[0].m.shapeDescription) and \(p.m.shapeDescription)",
                    at: p.range)
            }
            return .matrix(Matrix.vcat(parts.map(\.m)))
        },
        Builtin("rows", [.required("A")], "the number of rows of A (of images: the number of samples)") {
            c throws(Diagnostic) in
            if case .list(let items) = c.value("A") { return .number(Double(items.count)) }
            if case .images(let i) = c.value("A") { return .number(Double(i.count)) }
            return .number(Double(try c.matrix("A").rows))
        },
        Builtin("cols", [.required("A")], "the number of columns of A") { c throws(Diagnostic) in
            .number(Double(try c.matrix("A").cols))
        },
        Builtin(
            "reshape", [.required("A"), .required("rows"), .required("cols")],
            "A's entries in row-major order as a rows×cols matrix"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            let r = try c.integer("rows")
            let k = try c.integer("cols")
            let (count, overflow) = r.multipliedReportingOverflow(by: k)
            guard !overflow, count == a.count else {
                let entries = overflow ? "more than 2^63" : "\(count)"
                throw .error(
                    "cannot reshape a \(a.shapeDescription) matrix (\(a.count) entries) into \(r)×\(k) (\(entries) entries)",
                    at: c.range)
            }
            return .matrix(Matrix(rows: r, cols: k, storage: a.storage))
        }
    ]

    /// `rows, cols` arguments, checked and within memory.
    static func shape(_ c: BuiltinCall) throws(Diagnostic) -> (Int, Int) {
        let r = try c.integer("rows")
        let k = try c.integer("cols")
        let (n, overflow) = r.multipliedReportingOverflow(by: k)
        try c.ensureAllocatable(overflow ? .max : n, what: "a \(r)×\(k) matrix")
        return (r, k)
    }

    static func matrices(_ c: BuiltinCall) throws(Diagnostic) -> [(m: Matrix, range: SourceRange)] {
        guard !c.rest.isEmpty else { throw .error("\(c.name)() needs at least one matrix", at: c.range) }
        // One list of matrices (docs/language.md#comprehensions-lists-and-strings): hcat(blocks);
        // numbers are 1×1 entries, so hcat of numbers is a row and vcat a column.
        if c.rest.count == 1, case .list(let items) = c.rest[0].value {
            guard !items.isEmpty else { throw .error("\(c.name)() of an empty list", at: c.rest[0].range) }
            var out: [(Matrix, SourceRange)] = []
            for (i, item) in items.enumerated() {
                if case .number(let x) = item {
                    out.append((Matrix(rows: 1, cols: 1, storage: [x]), c.rest[0].range))
                    continue
                }
                out.append(
                    (
                        try BuiltinCall.matrix(
                            item, at: c.rest[0].range, what: "item \(i) of the list given to \(c.name)()"),
                        c.rest[0].range
                    ))
            }
            return out
        }
        var out: [(Matrix, SourceRange)] = []
        for (i, arg) in c.rest.enumerated() {
            out.append(
                (try BuiltinCall.matrix(arg.value, at: arg.range, what: "argument \(i + 1) of \(c.name)()"), arg.range))
        }
        return out
    }
}
