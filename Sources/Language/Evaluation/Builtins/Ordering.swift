import NTKCore

/// Ordering: the index of the largest or smallest entry (docs/language.md#builtins) and sorting,
/// with numpy's conventions: ties go to the first index, NaN counts as the largest value (argmax
/// and argmin return the first NaN, sorts put NaN last).
extension Builtins {
    static let ordering: [Builtin] = [
        extremeIndex(
            "argmax",
            "index of the largest entry in each row, n×1 (axis: 0 in each column, 1×k; axis: none "
                + "the row-major index in the whole matrix, so a vector needs axis: none); ties: the first; NaN: the "
                + "first NaN (numpy.argmax)", largest: true),
        extremeIndex(
            "argmin",
            "index of the smallest entry in each row, n×1 (axis: 0 in each column, 1×k; axis: none "
                + "the row-major index in the whole matrix, so a vector needs axis: none); ties: the first; NaN: the "
                + "first NaN (numpy.argmin)", largest: false),
        Builtin(
            "sort", [.required("A"), .keyword("axis", .number(-1))],
            "entries in ascending order, NaN last: a vector's entries (shape kept), each row of a matrix "
                + "(axis: 0 each column), or with axis: none all entries as an n·k×1 column (numpy.sort)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            return .matrix(try sorted(c, a) { lane in stableOrder(lane).map { lane[$0] } })
        },
        Builtin(
            "argsort", [.required("A"), .keyword("axis", .number(-1))],
            "the indices that sort A as sort(A) does; stable: equal entries keep their order "
                + "(numpy.argsort(kind: \"stable\"))"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            return .matrix(try sorted(c, a) { lane in stableOrder(lane).map(Double.init) })
        }
    ]

    /// Applies a lane transformation the way `sort` reads its `axis:` argument.
    private static func sorted(_ c: BuiltinCall, _ a: Matrix, _ f: ([Double]) -> [Double]) throws(Diagnostic) -> Matrix
    {
        guard let axis = try Axis.parse(c, allowLast: true) else { return Matrix(column: f(a.storage)) }
        let given = try c.number("axis")
        if (a.rows == 1 || a.cols == 1) && given == -1 {
            return Matrix(rows: a.rows, cols: a.cols, storage: f(a.storage))
        }
        return axis.transform(a, f)
    }

    /// The permutation that sorts `values` ascending, NaN last, equal values in index order.
    /// O(n log n); the index tie-break makes it stable whatever the underlying sort.
    static func stableOrder(_ values: [Double]) -> [Int] {
        values.indices.sorted { i, j in
            let x = values[i]
            let y = values[j]
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? i < j : y.isNaN }
            return x != y ? x < y : i < j
        }
    }

    /// The index of the first largest (or smallest) entry; the first NaN wins, as in numpy.
    static func firstExtreme(_ values: [Double], largest: Bool) -> Int {
        var best = 0
        for (k, v) in values.enumerated() {
            if v.isNaN { return k }
            if largest ? v > values[best] : v < values[best] { best = k }
        }
        return best
    }

    private static func extremeIndex(_ name: String, _ summary: String, largest: Bool) -> Builtin {
        Builtin(name, [.required("A"), .keyword("axis", .number(1))], summary) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard let axis = try Axis.parse(c) else {
                if a.isEmpty { throw c.fail("A", "\(name)() of an empty \(a.shapeDescription) matrix") }
                return .number(Double(firstExtreme(a.storage, largest: largest)))
            }
            let (count, length) = axis.lanes(of: a)
            if count > 0 && length == 0 {
                throw c.fail(
                    "A",
                    axis == .columns
                        ? "\(name)() over axis 0 of a \(a.shapeDescription) matrix with no rows"
                        : "\(name)() over axis 1 of a \(a.shapeDescription) matrix with no columns")
            }
            return .matrix(axis.reduce(a) { Double(firstExtreme($0, largest: largest)) })
        }
    }
}
