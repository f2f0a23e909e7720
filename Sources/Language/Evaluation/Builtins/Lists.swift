import NTKCore

/// Lists, strings and figures (docs/language.md#comprehensions-lists-and-strings): `len`, `range`,
/// `str`, `figure`.
extension Builtins {
    static let lists: [Builtin] = [
        Builtin("len", [.required("x")], "the number of items of a list, characters of a string, or rows of a matrix") {
            c throws(Diagnostic) in
            switch c.value("x") {
            case .list(let items): return .number(Double(items.count))
            case .string(let s): return .number(Double(s.count))
            case .matrix(let m): return .number(Double(m.rows))
            case let v: throw c.fail("x", "len() needs a list, a string or a matrix, got \(v.typeDescription)")
            }
        },
        Builtin(
            "range", [.required("a"), .optional("b"), .optional("step", .number(1))],
            "range(n) is [0, 1, …, n-1]; range(a, b) and range(a, b, step) as in Python (a list)"
        ) { c throws(Diagnostic) in
            let (start, stop) = c.isNone("b") ? (0, try whole(c, "a")) : (try whole(c, "a"), try whole(c, "b"))
            let step = try whole(c, "step")
            guard step != 0 else { throw c.fail("step", "range() step must not be zero") }
            let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
            try MemoryGuard.check(listItems: count, what: "range() of \(count) numbers", at: c.range)
            return .list((0..<count).map { .number(Double(start + $0 * step)) })
        },
        Builtin("str", [.required("x")], "the text print(x) shows, as a string") { c throws(Diagnostic) in
            .string(ValueFormatter.text(c.value("x")))
        }
    ]

    /// A whole-number argument of `range` (any sign).
    private static func whole(_ c: BuiltinCall, _ p: String) throws(Diagnostic) -> Int {
        let x = try c.number(p)
        guard x.isFinite, x == x.rounded(), abs(x) < 1e15 else {
            throw c.fail(p, "argument '\(p)' of \(c.name)() must be a whole number, got \(ValueFormatter.number(x))")
        }
        return Int(x)
    }
}
