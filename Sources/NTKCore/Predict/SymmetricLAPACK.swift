internal import CLinearAlgebra

/// LAPACK for symmetric matrices held in row-major arrays.
///
/// A symmetric matrix's row-major array is also its column-major array, so these call the
/// column-major `_work` routines directly. That skips LAPACKE's row-major path (an n² transposed
/// copy in and out) and its NaN scan (the callers validate their inputs first), which keeps the
/// predictors within a few per cent of bare LAPACK.
enum SymmetricLAPACK {
    /// Eigenvalues (ascending) and eigenvectors of the symmetric n×n `a`, through `dsyevd`.
    /// `vt` is Vᵀ in row-major order: row i is the unit eigenvector of `values[i]`.
    /// Only the row-major lower triangle and the diagonal of `z` are read (column-major 'U');
    /// `z` is overwritten (it becomes `vt`'s storage).
    static func eigen(_ z: inout [Double], n: Int) throws(PredictError) -> (values: [Double], vt: Matrix) {
        var w = [Double](repeating: 0, count: n)
        let jobz = Int8(UInt8(ascii: "V"))
        let uplo = Int8(UInt8(ascii: "U"))
        let ln = Int32(n)
        // Workspace query.
        var workSize = 0.0
        var iworkSize: Int32 = 0
        var info = LAPACKE_dsyevd_work(
            LAPACK_COL_MAJOR, jobz, uplo, ln, nil, ln, nil,
            &workSize, -1, &iworkSize, -1)
        let lwork = workSize.rounded(.up)
        guard info == 0, lwork < Double(Int32.max) else {
            throw .factorizationFailed(
                "the eigendecomposition of a \(n)×\(n) kernel needs more LAPACK "
                    + "workspace than 32-bit LAPACK can address; use t = inf (Cholesky) or fewer training points")
        }
        var work = [Double](repeating: 0, count: max(Int(lwork), 1))
        var iwork = [Int32](repeating: 0, count: max(Int(iworkSize), 1))
        info = z.withUnsafeMutableBufferPointer { pz in
            w.withUnsafeMutableBufferPointer { pw in
                work.withUnsafeMutableBufferPointer { pwork in
                    iwork.withUnsafeMutableBufferPointer { piwork in
                        LAPACKE_dsyevd_work(
                            LAPACK_COL_MAJOR, jobz, uplo, ln, pz.baseAddress, ln, pw.baseAddress,
                            pwork.baseAddress, Int32(pwork.count),
                            piwork.baseAddress, Int32(piwork.count))
                    }
                }
            }
        }
        guard info == 0 else {
            throw .factorizationFailed(
                "the symmetric eigensolver (dsyevd) did not converge on the "
                    + "regularised \(n)×\(n) train kernel (LAPACK info \(info))")
        }
        // Column-major V is row-major Vᵀ.
        return (w, Matrix(rows: n, cols: n, storage: z))
    }

    /// Factors the symmetric positive definite n×n `a` in place as A = LLᵀ (column-major lower L).
    /// That reads and overwrites only the row-major upper triangle and the diagonal — the triangle
    /// neural-tangents' `cho_factor(A, lower=False)` reads — and leaves the strict lower triangle
    /// as it was. False when `dpotrf` finds a leading minor that is not positive.
    static func choleskyInPlace(_ a: inout [Double], n: Int) -> Bool {
        let info = a.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
        }
        return info == 0
    }

    /// What `mixedPrecisionSolve` did.
    enum MixedSolve {
        /// Solved by a single-precision Cholesky refined in double precision; A is unchanged.
        case refined(Matrix)
        /// Refinement did not converge (or A overflows single precision): A now holds the double
        /// precision factor (as after `choleskyInPlace`) and X came from it.
        case double(Matrix)
        /// A is not positive definite enough for the double-precision `dpotrf` either; A's
        /// row-major upper triangle and diagonal are overwritten, its strict lower triangle is not.
        case notPositiveDefinite
    }

    /// X = A⁻¹ B for the symmetric positive definite n×n `a` and B n×k (row-major), through
    /// `dsposv`: A is factored in single precision (half the time of `dpotrf`) and the solution
    /// refined with double-precision residuals until its backward error is at double-precision
    /// level (‖r‖∞ ≤ ‖A‖∞·ε·√n·‖x‖∞ per column). When that fails within 30 steps — the kernel
    /// is too ill-conditioned for single precision, cond(A) ≳ 1e7 — or A overflows single
    /// precision, `dsposv` factors A in double precision in place and solves with it instead.
    /// Reads only the row-major upper triangle and the diagonal, like `choleskyInPlace`.
    static func mixedPrecisionSolve(_ a: inout [Double], n: Int, _ b: Matrix) -> MixedSolve {
        let k = b.cols
        if k == 0 { return .refined(b) }
        var rhs = k == 1 ? b.storage : b.transposed.storage  // column-major B (dsposv only reads it)
        var x = [Double](repeating: 0, count: n * k)
        var work = [Double](repeating: 0, count: n * k)
        var swork = [Float](repeating: 0, count: n * (n + k))
        var iter: Int32 = 0
        let info = a.withUnsafeMutableBufferPointer { pa in
            rhs.withUnsafeMutableBufferPointer { pb in
                x.withUnsafeMutableBufferPointer { px in
                    work.withUnsafeMutableBufferPointer { pw in
                        swork.withUnsafeMutableBufferPointer { ps in
                            LAPACKE_dsposv_work(
                                LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), Int32(k),
                                pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), px.baseAddress, Int32(n),
                                pw.baseAddress, ps.baseAddress, &iter)
                        }
                    }
                }
            }
        }
        guard info == 0 else { return .notPositiveDefinite }
        let solution = k == 1 ? Matrix(rows: n, cols: 1, storage: x) : Matrix(rows: k, cols: n, storage: x).transposed
        return iter >= 0 ? .refined(solution) : .double(solution)
    }

    /// X = A⁻¹ B for B n×k (row-major), from the factor returned by `cholesky`, through `dpotrs`.
    static func choleskySolve(factor u: [Double], n: Int, _ b: Matrix) -> Matrix {
        let k = b.cols
        if k == 0 { return b }
        // dpotrs wants B column-major: that is the row-major storage of Bᵀ.
        var x = k == 1 ? b.storage : b.transposed.storage
        u.withUnsafeBufferPointer { pu in
            x.withUnsafeMutableBufferPointer { px in
                // info < 0 only flags an illegal argument, which these shapes rule out.
                _ = LAPACKE_dpotrs_work(
                    LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), Int32(k),
                    pu.baseAddress, Int32(n), px.baseAddress, Int32(n))
            }
        }
        let xt = Matrix(rows: k, cols: n, storage: x)
        return k == 1 ? Matrix(rows: n, cols: 1, storage: x) : xt.transposed
    }
}
