import Foundation
import NTKCore

/// Array tools: products of whole arrays (`kron`, `outer`), `logspace`, and the elementwise
/// `maximum` / `minimum` of two arrays with 2-D numpy broadcasting.
extension Builtins {
    static let arrayTools: [Builtin] = [
        Builtin(
            "kron", [.required("A"), .required("B")],
            "the Kronecker product: block (i, j) is A[i, j]·B (numpy.kron)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            let b = try c.matrix("B")
            let (r, ro) = a.rows.multipliedReportingOverflow(by: b.rows)
            let (k, ko) = a.cols.multipliedReportingOverflow(by: b.cols)
            let (n, no) = r.multipliedReportingOverflow(by: k)
            try c.ensureAllocatable(
                ro || ko || no ? .max : n, what: "kron of \(a.shapeDescription) and \(b.shapeDescription)")
            var out = [Double](repeating: 0, count: n)
            for i in 0..<a.rows {
                for j in 0..<a.cols {
                    let x = a[i, j]
                    for p in 0..<b.rows {
                        let base = (i * b.rows + p) * k + j * b.cols
                        for q in 0..<b.cols { out[base + q] = x * b[p, q] }
                    }
                }
            }
            return .matrix(Matrix(rows: r, cols: k, storage: out))
        },
        Builtin(
            "outer", [.required("a"), .required("b")],
            "the n×m matrix a_i·b_j of two vectors (matrices are flattened row-major, as numpy.outer)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("a")
            let b = try c.matrix("b")
            let (n, overflow) = a.count.multipliedReportingOverflow(by: b.count)
            try c.ensureAllocatable(overflow ? .max : n, what: "outer of \(a.count) and \(b.count) entries")
            var out = [Double]()
            out.reserveCapacity(n)
            for x in a.storage { for y in b.storage { out.append(x * y) } }
            return .matrix(Matrix(rows: a.count, cols: b.count, storage: out))
        },
        Builtin(
            "logspace", [.required("start"), .required("stop"), .required("n")],
            "n×1 values 10^x for x = linspace(start, stop, n): from 10^start to 10^stop (numpy.logspace)"
        ) { c throws(Diagnostic) in
            let a = try c.finiteNumber("start")
            let b = try c.finiteNumber("stop")
            let n = try c.integer("n")
            try c.ensureAllocatable(n, what: "logspace")
            if n == 0 { return .matrix(Matrix(rows: 0, cols: 1)) }
            // numpy: base ** linspace(start, stop, n), linspace computed as in `linspace`.
            let div = Double(n - 1)
            let step = div > 0 ? (b - a) / div : 0
            var exponents = (0..<n).map { Double($0) * step + a }
            if n > 1 { exponents[n - 1] = b }
            return .matrix(Matrix(column: exponents.map { Foundation.pow(10, $0) }))
        },
        pairwise(
            "maximum", "the larger of A and B elementwise, with broadcasting; nan if either is nan (numpy.maximum)"
        ) { x, y in
            x.isNaN ? x : (y.isNaN ? y : (x >= y ? x : y))
        },
        pairwise(
            "minimum", "the smaller of A and B elementwise, with broadcasting; nan if either is nan (numpy.minimum)"
        ) { x, y in
            x.isNaN ? x : (y.isNaN ? y : (x <= y ? x : y))
        }
    ]

    /// An elementwise function of two arguments: numbers give a number, otherwise a matrix of
    /// the broadcast shape.
    private static func pairwise(
        _ name: String, _ summary: String,
        _ f: @escaping @Sendable (Double, Double) -> Double
    ) -> Builtin {
        Builtin(name, [.required("A"), .required("B")], summary) { c throws(Diagnostic) in
            if case .number(let x) = c.value("A"), case .number(let y) = c.value("B") { return .number(f(x, y)) }
            let a = try c.matrix("A")
            let b = try c.matrix("B")
            try broadcastable(c, a, b, "B")
            return .matrix(Matrix.broadcast(a, b, f))
        }
    }

    /// Fails at argument `p` unless `a` and `b` broadcast (naming both shapes); checks memory.
    static func broadcastable(_ c: BuiltinCall, _ a: Matrix, _ b: Matrix, _ p: String) throws(Diagnostic) {
        guard let (r, k) = Matrix.broadcastShape((a.rows, a.cols), (b.rows, b.cols)) else {
            throw c.fail(
                p, "\(c.name)(): shapes \(a.shapeDescription) and \(b.shapeDescription) cannot be broadcast together")
        }
        let (n, overflow) = r.multipliedReportingOverflow(by: k)
        try c.ensureAllocatable(
            overflow ? .max : n, what: "\(c.name)() of \(a.shapeDescription) and \(b.shapeDescription)")
    }
}
