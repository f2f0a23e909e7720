internal import CLinearAlgebra

/// Products through OpenBLAS's CBLAS (row-major).
extension Matrix {
    /// `self @ other`. Shapes must agree (`cols == other.rows`).
    public func matmul(_ other: Matrix) -> Matrix {
        precondition(cols == other.rows, "matmul: \(shapeDescription) @ \(other.shapeDescription)")
        return Matrix.gemm(self, other, transposeA: false, transposeB: false)
    }

    /// `self @ otherᵀ`, without forming the transpose.
    public func matmulTransposed(_ other: Matrix) -> Matrix {
        precondition(cols == other.cols, "matmulTransposed: \(shapeDescription) @ (\(other.shapeDescription))ᵀ")
        return Matrix.gemm(self, other, transposeA: false, transposeB: true)
    }

    /// `selfᵀ @ other`, without forming the transpose.
    public func transposedMatmul(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "transposedMatmul: (\(shapeDescription))ᵀ @ \(other.shapeDescription)")
        return Matrix.gemm(self, other, transposeA: true, transposeB: false)
    }

    static func gemm(_ a: Matrix, _ b: Matrix, transposeA: Bool, transposeB: Bool) -> Matrix {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let n = transposeB ? b.rows : b.cols
        var out = Matrix(rows: m, cols: n)
        if m == 0 || n == 0 { return out }
        if k == 0 { return out }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.storage.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1.0,
                        pa.baseAddress, Int32(max(a.cols, 1)),
                        pb.baseAddress, Int32(max(b.cols, 1)),
                        0.0, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
        return out
    }

    /// `self @ selfᵀ` (symmetric; both triangles filled), through `dsyrk`.
    public func gram() -> Matrix {
        let n = rows
        let k = cols
        var out = Matrix(rows: n, cols: n)
        if n == 0 || k == 0 { return out }
        storage.withUnsafeBufferPointer { pa in
            out.storage.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), 1.0,
                    pa.baseAddress, Int32(k), 0.0, pc.baseAddress, Int32(n))
            }
        }
        out.symmetrizeFromUpper()
        return out
    }

    /// Copies the upper triangle into the lower one.
    public mutating func symmetrizeFromUpper() {
        precondition(isSquare)
        let n = rows
        storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { p[j * n + i] = p[i * n + j] } }
        }
    }
}
