internal import CLinearAlgebra
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The low-level pieces of the finite-network code: raw row-major BLAS calls on buffers
/// (whole, or split over the cores), a chunked parallel loop, and a cache-friendly mirror.
enum NetworkKernels {
    /// Online CPU cores (at least 1).
    static let cores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Runs `body` over `0..<count` split into contiguous chunks on all cores. Chunks hold
    /// at least `grain` indices, so small loops run inline on the calling thread.
    /// `piecesPerCore` asks for that many chunks per core (more chunks balance uneven work).
    static func parallelFor(
        _ count: Int, grain: Int, piecesPerCore: Int = 1,
        _ body: (Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunks = min(cores * piecesPerCore, count / max(grain, 1))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        // The chunks touch disjoint parts of the caller's buffers, which is what makes sharing
        // the (non-Sendable) body across Dispatch's worker threads sound.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                shared.value((i * count / chunks)..<((i + 1) * count / chunks))
            }
        }
    }

    /// `C = alpha·op(A)·op(B) + beta·C` for row-major buffers; `op(A)` is m×k, `op(B)` k×n.
    static func gemm(
        m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Double>, ldb: Int, transB: Bool = false,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            scale(rows: m, cols: n, by: beta, c, ldc: ldc)
            return
        }
        cblas_dgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// `gemm` split over the cores by rows of C (or by columns when C is wide), one BLAS call
    /// per piece. Meant for OpenBLAS limited to one thread (`BLASThreads.singleThreaded`).
    static func parallelGemm(
        m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Double>, ldb: Int, transB: Bool = false,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let flops = 2 * Double(m) * Double(n) * Double(k)
        if flops < 4e6 || cores == 1 {
            gemm(
                m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transA: transA, b: b, ldb: ldb,
                transB: transB, beta: beta, c: c, ldc: ldc)
        } else if m >= n {
            parallelFor(m, grain: 8) { r in
                gemm(
                    m: r.count, n: n, k: k, alpha: alpha, a: transA ? a + r.lowerBound : a + r.lowerBound * lda,
                    lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                    beta: beta, c: c + r.lowerBound * ldc, ldc: ldc)
            }
        } else {
            parallelFor(n, grain: 8) { r in
                gemm(
                    m: m, n: r.count, k: k, alpha: alpha, a: a, lda: lda, transA: transA,
                    b: transB ? b + r.lowerBound * ldb : b + r.lowerBound, ldb: ldb, transB: transB,
                    beta: beta, c: c + r.lowerBound, ldc: ldc)
            }
        }
    }

    /// The upper triangle of `C = alpha·A·Aᵀ + beta·C` for a row-major n×k matrix A.
    static func syrkUpper(
        n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        guard n > 0 else { return }
        if k == 0 {
            scale(rows: n, cols: n, by: beta, c, ldc: ldc)
            return
        }
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), alpha, a, Int32(lda),
            beta, c, Int32(ldc))
    }

    /// `C ← beta·C`, with beta = 0 writing zeros (BLAS semantics: C is not read).
    static func scale(
        rows: Int, cols: Int, by beta: Double, _ c: UnsafeMutablePointer<Double>,
        ldc: Int
    ) {
        for i in 0..<rows {
            for j in 0..<cols { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }

    /// Copies the upper triangle of a square row-major matrix into its lower triangle.
    ///
    /// Tile by tile through a small buffer: the source rows are read contiguously into it and the
    /// destination rows written contiguously from it, so a power-of-two row length (where
    /// every row maps to the same cache sets) does not make the strided side thrash.
    static func mirrorUpper(_ c: UnsafeMutablePointer<Double>, n: Int) {
        let b = 32
        let tiles = (n + b - 1) / b
        // One task per tile row: their work grows with the row index, Dispatch balances it.
        parallelFor(tiles, grain: 1, piecesPerCore: tiles) { range in
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: b * b)
            defer { buffer.deallocate() }
            for ti in range {
                let i0 = ti * b
                let i1 = min(i0 + b, n)
                for i in i0..<i1 {  // the diagonal tile
                    for j in i0..<i { c[i * n + j] = c[j * n + i] }
                }
                for tj in 0..<ti {
                    let j0 = tj * b
                    for j in 0..<b {  // source rows j0 + j, columns i0..<i1 (upper triangle)
                        let src = c + (j0 + j) * n + i0
                        for i in 0..<(i1 - i0) { buffer[i * b + j] = src[i] }
                    }
                    for i in 0..<(i1 - i0) {
                        let dst = c + (i0 + i) * n + j0
                        let row = buffer + i * b
                        for j in 0..<b { dst[j] = row[j] }
                    }
                }
            }
        }
    }
}

/// A value handed to other threads on the caller's promise that they use it safely.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension NetworkKernels {
    /// `C = alpha·op(A)·op(B) + beta·C` on matrices (C is overwritten when beta = 0), through
    /// `parallelGemm`.
    static func gemm(
        _ a: Matrix, transA: Bool = false, _ b: Matrix, transB: Bool = false,
        alpha: Double, beta: Double, into c: inout Matrix
    ) {
        let m = transA ? a.cols : a.rows
        let k = transA ? a.rows : a.cols
        let n = transB ? b.rows : b.cols
        let kb = transB ? b.cols : b.rows
        precondition(
            k == kb && c.rows == m && c.cols == n,
            "gemm: \(a.shapeDescription) · \(b.shapeDescription) into \(c.shapeDescription)")
        guard m > 0, n > 0 else { return }
        let ldc = n
        c.storage.withUnsafeMutableBufferPointer { pc in
            guard k > 0 else {
                scale(rows: m, cols: n, by: beta, pc.baseAddress!, ldc: ldc)
                return
            }
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    parallelGemm(
                        m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: a.cols, transA: transA,
                        b: pb.baseAddress!, ldb: b.cols, transB: transB, beta: beta, c: pc.baseAddress!,
                        ldc: ldc)
                }
            }
        }
    }

    /// `alpha·op(A)·op(B)` as a new matrix.
    static func product(
        _ a: Matrix, transA: Bool = false, _ b: Matrix, transB: Bool = false,
        alpha: Double = 1
    ) -> Matrix {
        let m = transA ? a.cols : a.rows
        let n = transB ? b.rows : b.cols
        var c = Matrix.blasOutput(rows: m, cols: n) { _ in }
        gemm(a, transA: transA, b, transB: transB, alpha: alpha, beta: 0, into: &c)
        return c
    }
}

extension Matrix {
    /// A rows×cols matrix whose storage `fill` must write completely (BLAS output with beta = 0).
    static func blasOutput(rows: Int, cols: Int, _ fill: (UnsafeMutablePointer<Double>) -> Void) -> Matrix {
        let count = rows * cols
        let storage = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                FreshPages.prepare(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Double>.stride)
                fill(base)
            }
            initialized = count
        }
        return Matrix(rows: rows, cols: cols, storage: storage)
    }
}
