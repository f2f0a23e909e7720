import NTKCore

/// Matrix functions beyond LinearAlgebra.swift: the symmetric eigendecomposition `eigh` and the
/// matrix exponential `expm`. Data-dependent failures become located errors.
extension Builtins {
    static let decompositions: [Builtin] = [
        Builtin(
            "eigh", [.required("A")],
            "record of a symmetric matrix's eigenvalues `values` (ascending, n×1) and eigenvectors `vectors` "
                + "(n×n, column i for value i, its largest-magnitude entry positive) (numpy.linalg.eigh)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard a.isSquare else { throw c.fail("A", "eigh() needs a square matrix, got \(a.shapeDescription)") }
            guard a.isFinite else {
                throw c.fail("A", "eigh() needs finite entries, but the matrix has NaN or infinity")
            }
            let (values, vectors): ([Double], Matrix)
            do { (values, vectors) = try a.symmetricEigen() } catch { throw c.fail("A", "eigh: \(error)") }
            return .record(
                Record([
                    ("values", .matrix(Matrix(column: values))),
                    ("vectors", .matrix(withFixedSigns(vectors)))
                ]))
        },
        Builtin(
            "expm", [.required("A")],
            "the matrix exponential e^A (Padé 13 with scaling and squaring, Higham 2005; scipy.linalg.expm)"
        ) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard a.isSquare else { throw c.fail("A", "expm() needs a square matrix, got \(a.shapeDescription)") }
            guard a.isFinite else {
                throw c.fail("A", "expm() needs finite entries, but the matrix has NaN or infinity")
            }
            let result: Matrix?
            let deadline = c.context.deadline
            do { result = try a.exponential { deadline?.hasPassed ?? false } } catch {
                throw c.fail("A", "expm: \(error)")
            }
            guard let e = result else {
                try c.context.checkDeadline(at: c.range)
                throw c.fail("A", "expm() was interrupted")
            }
            guard e.isFinite else {
                throw c.fail("A", "expm(): e^A overflows (its entries exceed the largest double, about 1.8e308)")
            }
            return .matrix(e)
        }
    ]

    /// Eigenvectors with each column's largest-magnitude entry made positive (the first one of
    /// entries within 1e-10 relative of the largest, so that equal magnitudes that differ only by
    /// rounding pick the same entry everywhere). LAPACK (and numpy) leave the sign to the
    /// algorithm, so it could differ between machines or BLAS builds; a fixed rule keeps stored
    /// outputs (`tangent check`) stable.
    static func withFixedSigns(_ v: Matrix) -> Matrix {
        var out = v
        for j in 0..<v.cols {
            let largest = (0..<v.rows).reduce(0.0) { Swift.max($0, Swift.abs(v[$1, j])) }
            guard let pivot = (0..<v.rows).first(where: { Swift.abs(v[$0, j]) >= largest * (1 - 1e-10) }),
                v[pivot, j] < 0
            else { continue }
            for i in 0..<v.rows { out[i, j] = -v[i, j] }
        }
        return out
    }
}
