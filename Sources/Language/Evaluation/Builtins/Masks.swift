import NTKCore

/// Masks: 0/1 tests of entries (`isnan`, `isfinite`), whether all or any entries are non-zero,
/// and `where` to choose between two arrays by a mask. A mask is a 0/1 matrix
/// (docs/language.md#expressions); `true` and `false` count as 1 and 0, and any non-zero entry, nan
/// included, counts as true (as numpy's bool conversion).
extension Builtins {
    static let masks: [Builtin] = [
        test("isnan", "1 where x is nan, else 0; a number for a number, a 0/1 matrix for a matrix (numpy.isnan)") {
            $0.isNaN
        },
        test("isfinite", "1 where x is neither nan nor ±inf, else 0 (numpy.isfinite)") { $0.isFinite },
        truth(
            "all",
            "true when every entry is non-zero (true for no entries); with axis: a 0/1 row (0) or column (1) "
                + "(numpy.all)", every: true),
        truth(
            "any",
            "true when some entry is non-zero (false for no entries); with axis: a 0/1 row (0) or column (1) "
                + "(numpy.any)", every: false),
        Builtin(
            "where", [.required("mask"), .required("a"), .required("b")],
            "a where mask is non-zero, else b, elementwise with broadcasting; numbers give a number (numpy.where)"
        ) { c throws(Diagnostic) in
            if let m = scalar(c.value("mask")), let x = scalar(c.value("a")), let y = scalar(c.value("b")) {
                return .number(m != 0 ? x : y)
            }
            let mask = try maskMatrix(c, "mask")
            let a = try maskMatrix(c, "a")
            let b = try maskMatrix(c, "b")
            try broadcastable(c, mask, a, "a")
            let (r, k) = Matrix.broadcastShape((mask.rows, mask.cols), (a.rows, a.cols))!
            let shape = Matrix(rows: r, cols: k)
            try broadcastable(c, shape, b, "b")
            let (rows, cols) = Matrix.broadcastShape((r, k), (b.rows, b.cols))!
            let target = Matrix(rows: rows, cols: cols)
            let m = Matrix.broadcast(mask, target) { x, _ in x }
            let fromA = Matrix.broadcast(a, target) { x, _ in x }
            let fromB = Matrix.broadcast(b, target) { x, _ in x }
            return .matrix(
                Matrix(
                    rows: rows, cols: cols,
                    storage: m.storage.indices.map {
                        m.storage[$0] != 0 ? fromA.storage[$0] : fromB.storage[$0]
                    }))
        }
    ]

    /// A number or bool as a number (bools 1 / 0); nil for anything else.
    private static func scalar(_ v: Value) -> Double? {
        switch v {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// A matrix argument that may also be `true` / `false` (a 1×1 of 1 / 0).
    private static func maskMatrix(_ c: BuiltinCall, _ p: String) throws(Diagnostic) -> Matrix {
        if case .bool(let b) = c.value(p) { return Matrix(rows: 1, cols: 1, storage: [b ? 1 : 0]) }
        return try c.matrix(p)
    }

    private static func test(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Bool) -> Builtin {
        Builtin(name, [.required("x")], summary) { c throws(Diagnostic) in
            if case .number(let v) = c.value("x") { return .number(f(v) ? 1 : 0) }
            return .matrix(try c.matrix("x").map { f($0) ? 1 : 0 })
        }
    }

    private static func truth(_ name: String, _ summary: String, every: Bool) -> Builtin {
        Builtin(name, [.required("A"), .keyword("axis")], summary) { c throws(Diagnostic) in
            let a = try maskMatrix(c, "A")
            let holds: ([Double]) -> Bool = every ? { $0.allSatisfy { $0 != 0 } } : { $0.contains { $0 != 0 } }
            guard let axis = try Axis.parse(c) else { return .bool(holds(a.storage)) }
            return .matrix(axis.reduce(a) { holds($0) ? 1 : 0 })
        }
    }
}
