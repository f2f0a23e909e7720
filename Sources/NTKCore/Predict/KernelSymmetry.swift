import Dispatch

/// The train-kernel checks and the regularised copy: square, finite, symmetric within
/// 1e-10·max|K|, then A = (K + Kᵀ)/2 + r·I.
extension PredictValidation {
    /// Checks that `k` is a finite, symmetric n×n kernel (n ≥ 1) and returns A = (K + Kᵀ)/2 + r·I
    /// (exactly symmetric) with r = diagReg (absolute) or diagReg·trace(K)/n. For the usual exactly
    /// symmetric K this costs one pass that is also the copy LAPACK needs (`symmetryPass`); a K
    /// that is symmetric only within tolerance is averaged with its transpose afterwards.
    static func regularizedSymmetric(
        _ k: Matrix, _ name: String, diagReg: Double,
        absoluteScale: Bool
    ) throws(PredictError) -> (a: [Double], r: Double) {
        guard k.isSquare else {
            throw .shapeMismatch(
                "\(name) is \(k.shapeDescription) but must be square (training points × "
                    + "training points)")
        }
        guard k.rows > 0 else { throw .emptyInput("\(name) is 0×0; at least one training point is needed") }
        let n = k.rows
        let trace = (0..<n).reduce(0.0) { $0 + k.storage[$1 * n + $1] }
        let r = absoluteScale ? diagReg : diagReg * (trace / Double(n))
        var energy = 0.0
        var a = [Double](unsafeUninitializedCapacity: n * n) { dst, count in
            guard let p = dst.baseAddress else { return }
            energy = symmetryPass(k, copyingInto: p)
            for i in 0..<n { p[i * n + i] += r }
            count = n * n
        }
        if energy != 0, try !checkSymmetry(k, name) { symmetrize(&a, n: n) }
        return (a, r)
    }

    /// Checks that `k` is a finite symmetric square kernel of side `n` (no copy is made).
    static func requireSymmetric(_ k: Matrix, side n: Int, _ name: String, _ why: String) throws(PredictError) {
        try requireShape(k, rows: n, cols: n, name, why)
        try checkSymmetric(k, name)
    }

    /// Throws unless `k` (square) is finite and symmetric within 1e-10·max|K| (no copy is made).
    static func checkSymmetric(_ k: Matrix, _ name: String) throws(PredictError) {
        if symmetryPass(k, copyingInto: nil) != 0 { _ = try checkSymmetry(k, name) }
    }

    /// The slow path, for a K that is not exactly symmetric or not finite: throws if it is not
    /// finite or not symmetric within 1e-10·max|K|; returns whether it is exactly symmetric.
    private static func checkSymmetry(_ k: Matrix, _ name: String) throws(PredictError) -> Bool {
        let stats = statistics(k)
        if let bad = stats.firstNonFinite {
            throw .notFinite("\(name) has a non-finite entry \(k[bad.0, bad.1]) at [\(bad.0), \(bad.1)]")
        }
        let tol = 1e-10 * stats.maxAbs
        if stats.maxAsymmetry > tol {
            throw .notSymmetric(argument: name, maxAsymmetry: stats.maxAsymmetry, tolerance: tol)
        }
        return stats.maxAsymmetry == 0
    }

    /// The energy Σ_{i<j} (K[i,j] − K[j,i])² + Σᵢ K[i,i]·0, exactly 0 when K is finite and exactly
    /// symmetric (NaN or ±inf make it NaN; an asymmetry makes it positive, or rounds to 0 only below
    /// ~1e-154, far under the tolerance). With `dst` (n×n), K is also copied there in the same pass.
    ///
    /// K is visited in 64×64 tiles, in mirrored pairs: when copying, the lower tile's rows are
    /// copied first and the upper tile's rows are then compared with that cached copy, so memory
    /// is only read and written contiguously — the pass costs little more than a plain copy.
    /// Block rows are spread over the cores.
    static func symmetryPass(_ k: Matrix, copyingInto dst: UnsafeMutablePointer<Double>?) -> Double {
        let n = k.rows
        let block = 64
        let blockRows = (n + block - 1) / block
        var partial = [Double](repeating: 0, count: blockRows)
        k.storage.withUnsafeBufferPointer { source in
            partial.withUnsafeMutableBufferPointer { sums in
                guard let src = source.baseAddress, let out = sums.baseAddress else { return }
                let shared = TilePointers(src: src, dst: dst, sums: out)
                let body = { @Sendable (b: Int) in
                    shared.sums[b] = blockRowEnergy(
                        shared.src, shared.dst, n: n,
                        rows: (b * block)..<min((b + 1) * block, n), block: block)
                }
                if n < 256 {
                    for b in 0..<blockRows { body(b) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: blockRows, execute: body)
                }
            }
        }
        let diagonal = (0..<n).reduce(0.0) { $0 + k.storage[$1 * n + $1] * 0 }
        return partial.reduce(diagonal, +)
    }

    /// Raw pointers for `symmetryPass`'s workers: they read K, and each writes its own tiles of
    /// the copy and its own slot of the sums.
    private struct TilePointers: @unchecked Sendable {
        let src: UnsafePointer<Double>
        let dst: UnsafeMutablePointer<Double>?
        let sums: UnsafeMutablePointer<Double>
    }

    /// For i in `rows` (one block row): copies the tiles this block row owns (its row segments
    /// right of the diagonal, and the column segments below it) into `dst` if given, and returns
    /// Σ_{j>i} (K[i,j] − K[j,i])², read from the copy when there is one. Four independent sums.
    private static func blockRowEnergy(
        _ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>?, n: Int,
        rows: Range<Int>, block: Int
    ) -> Double {
        let ib = rows.lowerBound
        let iEnd = rows.upperBound
        let k = dst.map { UnsafePointer($0) } ?? src  // what is compared
        var s0 = 0.0
        var s1 = 0.0
        var s2 = 0.0
        var s3 = 0.0
        for jb in stride(from: ib, to: n, by: block) {
            let jEnd = min(jb + block, n)
            if let dst {
                // The lower tile (all of the diagonal tile), row by row.
                for j in jb..<jEnd { (dst + j * n + ib).update(from: src + j * n + ib, count: iEnd - ib) }
            }
            for i in rows {
                let row = i * n
                if let dst, jb > ib { (dst + row + jb).update(from: src + row + jb, count: jEnd - jb) }
                var j = max(jb, i + 1)
                while j + 4 <= jEnd {
                    let d0 = k[row + j] - k[j * n + i]
                    let d1 = k[row + j + 1] - k[(j + 1) * n + i]
                    let d2 = k[row + j + 2] - k[(j + 2) * n + i]
                    let d3 = k[row + j + 3] - k[(j + 3) * n + i]
                    s0 += d0 * d0
                    s1 += d1 * d1
                    s2 += d2 * d2
                    s3 += d3 * d3
                    j += 4
                }
                while j < jEnd {
                    let d = k[row + j] - k[j * n + i]
                    s0 += d * d
                    j += 1
                }
            }
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// What the slow path learns about a K that is not exactly symmetric or not finite.
    struct Stats {
        var maxAbs = 0.0, maxAsymmetry = 0.0
        var firstNonFinite: (Int, Int)?
    }

    /// max|K|, max|K[i,j] − K[j,i]| and the first non-finite entry (row-major order).
    static func statistics(_ k: Matrix) -> Stats {
        let n = k.rows
        var s = Stats()
        for i in 0..<n {
            for j in 0..<n {
                let x = k[i, j]
                if !x.isFinite {
                    if s.firstNonFinite == nil { s.firstNonFinite = (i, j) }
                    continue
                }
                s.maxAbs = max(s.maxAbs, abs(x))
                if j > i, k[j, i].isFinite { s.maxAsymmetry = max(s.maxAsymmetry, abs(x - k[j, i])) }
            }
        }
        return s
    }

    /// a ← (a + aᵀ)/2 in place (only for kernels that are symmetric within tolerance, not exactly).
    static func symmetrize(_ a: inout [Double], n: Int) {
        a.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for j in (i + 1)..<max(n, i + 1) {
                    let x = p[i * n + j]
                    let y = p[j * n + i]
                    let avg = x + 0.5 * (y - x)
                    p[i * n + j] = avg
                    p[j * n + i] = avg
                }
            }
        }
    }
}
