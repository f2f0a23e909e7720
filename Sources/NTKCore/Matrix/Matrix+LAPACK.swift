internal import CLinearAlgebra

/// A data-dependent failure of a factorisation or solve (the matrix, not the caller, is at fault).
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// Cholesky found a leading minor that is not positive (LAPACK info = order of that minor).
    case notPositiveDefinite(minor: Int)
    /// LU found an exactly zero pivot (LAPACK info = its 1-based index).
    case singular(pivot: Int)
    /// The symmetric eigensolver did not converge.
    case noConvergence(info: Int)
    /// The input held NaN or infinity.
    case notFinite

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k):
            return "matrix is not positive definite (leading minor of order \(k) is not positive)"
        case .singular(let k):
            return "matrix is singular (pivot \(k) is exactly zero)"
        case .noConvergence(let info):
            return "eigenvalue solver did not converge (LAPACK info \(info))"
        case .notFinite:
            return "matrix has NaN or infinite entries"
        }
    }
}

/// Factorisations and solves through LAPACKE (row-major).
extension Matrix {
    /// Lower-triangular L with `self = L Lᵀ`.
    public func cholesky() throws(LinearAlgebraError) -> Matrix {
        precondition(isSquare, "cholesky: \(shapeDescription) is not square")
        guard isFinite else { throw .notFinite }
        let n = rows
        var a = storage
        if n == 0 { return self }
        let info = a.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
        }
        if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
        precondition(info == 0, "dpotrf: illegal argument \(-info)")
        var l = Matrix(rows: n, cols: n, storage: a)
        for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { l[i, j] = 0 } }
        return l
    }

    /// Eigenvalues of a symmetric matrix (the lower triangle is read), ascending.
    public func symmetricEigenvalues() throws(LinearAlgebraError) -> [Double] {
        try symmetricEigen(vectors: false).values
    }

    /// Eigenvalues (ascending) and eigenvectors (columns of `vectors`) of a symmetric matrix.
    public func symmetricEigen(vectors wantVectors: Bool = true) throws(LinearAlgebraError)
        -> (values: [Double], vectors: Matrix)
    {
        precondition(isSquare, "symmetricEigen: \(shapeDescription) is not square")
        guard isFinite else { throw .notFinite }
        let n = rows
        if n == 0 { return ([], self) }
        var a = storage
        var w = [Double](repeating: 0, count: n)
        let info = a.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(
                    LAPACK_ROW_MAJOR, Int8(UInt8(ascii: wantVectors ? "V" : "N")),
                    Int8(UInt8(ascii: "L")), Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        if info > 0 { throw .noConvergence(info: Int(info)) }
        precondition(info == 0, "dsyevd: illegal argument \(-info)")
        return (w, wantVectors ? Matrix(rows: n, cols: n, storage: a) : Matrix(rows: 0, cols: 0))
    }

    /// LU factorisation with partial pivoting: (packed LU, pivots, info).
    private func luFactor() -> (lu: [Double], pivots: [Int32], info: Int32) {
        let n = rows
        var a = storage
        var ipiv = [Int32](repeating: 0, count: n)
        let info = a.withUnsafeMutableBufferPointer { pa in
            ipiv.withUnsafeMutableBufferPointer { pp in
                LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), pa.baseAddress, Int32(n), pp.baseAddress)
            }
        }
        return (a, ipiv, info)
    }

    /// X with `self @ X = b`, through LU with partial pivoting.
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(isSquare && rows == b.rows, "solve: \(shapeDescription) and \(b.shapeDescription)")
        guard isFinite && b.isFinite else { throw .notFinite }
        let n = rows
        if n == 0 || b.cols == 0 { return Matrix(rows: n, cols: b.cols) }
        var (lu, ipiv, info) = luFactor()
        if info > 0 { throw .singular(pivot: Int(info)) }
        var x = b.storage
        let nrhs = b.cols
        let info2 = lu.withUnsafeMutableBufferPointer { pa in
            ipiv.withUnsafeMutableBufferPointer { pp in
                x.withUnsafeMutableBufferPointer { px in
                    LAPACKE_dgetrs(
                        LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int32(n), Int32(nrhs),
                        pa.baseAddress, Int32(n), pp.baseAddress, px.baseAddress, Int32(nrhs))
                }
            }
        }
        precondition(info2 == 0, "dgetrs: illegal argument \(-info2)")
        return Matrix(rows: n, cols: nrhs, storage: x)
    }

    /// The inverse, through LU.
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        try solve(Matrix.identity(rows))
    }

    /// The determinant, through LU (0 for an exactly singular matrix).
    public func determinant() throws(LinearAlgebraError) -> Double {
        precondition(isSquare, "determinant: \(shapeDescription) is not square")
        guard isFinite else { throw .notFinite }
        let n = rows
        if n == 0 { return 1 }
        let (lu, ipiv, info) = luFactor()
        if info > 0 { return 0 }
        var det = 1.0
        for i in 0..<n {
            det *= lu[i * n + i]
            if ipiv[i] != Int32(i + 1) { det = -det }
        }
        return det
    }

    /// Solves `self X = b` for symmetric positive definite `self` through Cholesky (`dpotrf` + `dpotrs`).
    public func choleskySolve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(isSquare && rows == b.rows, "choleskySolve: \(shapeDescription) and \(b.shapeDescription)")
        guard isFinite && b.isFinite else { throw .notFinite }
        let n = rows
        let nrhs = b.cols
        if n == 0 || nrhs == 0 { return Matrix(rows: n, cols: nrhs) }
        var a = storage
        var x = b.storage
        let info = a.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
        }
        if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
        let info2 = a.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                LAPACKE_dpotrs(
                    LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), Int32(nrhs),
                    pa.baseAddress, Int32(n), px.baseAddress, Int32(nrhs))
            }
        }
        precondition(info2 == 0, "dpotrs: illegal argument \(-info2)")
        return Matrix(rows: n, cols: nrhs, storage: x)
    }
}
