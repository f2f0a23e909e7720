import NTKCore

/// Linear algebra through LAPACK; data-dependent failures become located errors.
extension Builtins {
    static let linearAlgebra: [Builtin] = [
        Builtin("eigvalsh", [.required("A")], "eigenvalues of a symmetric matrix, ascending, n×1") {
            c throws(Diagnostic) in
            let a = try squareFinite(c, "A")
            do { return .matrix(Matrix(column: try a.symmetricEigenvalues())) } catch {
                throw c.fail("A", "eigvalsh: \(error)")
            }
        },
        Builtin("cholesky", [.required("A")], "lower-triangular L with A = L Lᵀ") { c throws(Diagnostic) in
            let a = try squareFinite(c, "A")
            do { return .matrix(try a.cholesky()) } catch { throw c.fail("A", "cholesky: \(error)") }
        },
        Builtin("solve", [.required("A"), .required("B")], "X with A X = B") { c throws(Diagnostic) in
            let a = try squareFinite(c, "A")
            let b = try c.matrix("B")
            guard b.rows == a.rows else {
                throw c.fail(
                    "B", "solve: A is \(a.shapeDescription) but B is \(b.shapeDescription) (needs \(a.rows) rows)")
            }
            guard b.isFinite else { throw c.fail("B", "solve: B has NaN or infinite entries") }
            do { return .matrix(try a.solve(b)) } catch { throw c.fail("A", "solve: \(error)") }
        },
        Builtin("inv", [.required("A")], "the inverse of A") { c throws(Diagnostic) in
            let a = try squareFinite(c, "A")
            do { return .matrix(try a.inverse()) } catch { throw c.fail("A", "inv: \(error)") }
        },
        Builtin("det", [.required("A")], "the determinant of A") { c throws(Diagnostic) in
            let a = try squareFinite(c, "A")
            do { return .number(try a.determinant()) } catch { throw c.fail("A", "det: \(error)") }
        }
    ]

    private static func squareFinite(_ c: BuiltinCall, _ p: String) throws(Diagnostic) -> Matrix {
        let a = try c.matrix(p)
        guard a.isSquare else { throw c.fail(p, "\(c.name)() needs a square matrix, got \(a.shapeDescription)") }
        guard a.isFinite else {
            throw c.fail(p, "\(c.name)() needs finite entries, but the matrix has NaN or infinity")
        }
        return a
    }
}
