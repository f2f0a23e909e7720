import Synchronization

/// Θ (n1 × n2) accumulated term by term, tile by tile:
///
///     start:  Θ  = alpha·A Bᵀ + constant
///     add:    Θ += (alpha·A Bᵀ + shift) ∘ (S1 S2ᵀ) · scale
///     accumulate: Θ (= or +=) a sum of such terms, in one pass
///
/// Each pass spreads the tiles of Θ over the cores; a tile's two Gram blocks are computed by
/// single-threaded BLAS calls into a scratch pair that stays in cache while the Hadamard
/// product is added into Θ. When symmetric (B = A, S2 = S1: X2 is nil) only tiles on or above
/// the diagonal are computed, diagonal tiles with dsyrk, and `finish` mirrors Θ.
/// Callers run it with OpenBLAS limited to one thread (`BLASThreads.singleThreaded`).
final class GramAccumulator {
    let rows: Int, cols: Int, symmetric: Bool
    private var theta: [Double]
    /// Tiles of Θ as (row block, column block) pairs; all but the edge tiles have the same size.
    private let tiles: [(Range<Int>, Range<Int>)]
    private let tileSize: Int
    /// Per-task scratch (see `forEachTile`) and the next tile to hand out.
    private var scratch: [UnsafeMutablePointer<Double>] = []
    private let nextTile = TileCounter()

    init(rows: Int, cols: Int, symmetric: Bool) {
        precondition(!symmetric || rows == cols, "GramAccumulator: symmetric but \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.symmetric = symmetric
        // Every entry Θ keeps is written by `start` (BLAS with beta = 0) before it is read.
        let count = rows * cols
        theta = [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let t = 256  // two 256² scratch blocks (1 MiB) stay in a core's L2 cache
        tileSize = t
        func blocks(_ n: Int) -> [Range<Int>] { stride(from: 0, to: n, by: t).map { $0..<min($0 + t, n) } }
        var list = [(Range<Int>, Range<Int>)]()
        for (bi, ri) in blocks(rows).enumerated() {
            for (bj, rj) in blocks(cols).enumerated() where !symmetric || bj >= bi { list.append((ri, rj)) }
        }
        tiles = list
    }

    deinit {
        for block in scratch { block.deallocate() }
    }

    /// `Θ = alpha·A Bᵀ + constant` (B = A when symmetric).
    func start(_ a: Matrix, _ b: Matrix?, alpha: Double, constant: Double) {
        check(a, b)
        let ldt = cols
        let symmetric = symmetric
        withOperands(a, b) { pa, pb, inner in
            theta.withUnsafeMutableBufferPointer { tp in
                let t = tp.baseAddress!
                forEachTile { ri, rj, _ in
                    let out = t + ri.lowerBound * ldt + rj.lowerBound
                    Self.block(
                        pa, pb, inner, ri, rj, alpha: alpha, diagonal: symmetric && ri == rj, into: out, ldc: ldt)
                    if constant != 0 {
                        for i in 0..<ri.count {
                            let from = symmetric && ri == rj ? i : 0
                            for j in from..<rj.count { out[i * ldt + j] += constant }
                        }
                    }
                }
            }
        }
    }

    /// `Θ += (alpha·A Bᵀ + shift) ∘ (S1 S2ᵀ) · scale` (B = A and S2 = S1 when symmetric).
    func add(
        _ a: Matrix, _ b: Matrix?, alpha: Double, shift: Double,
        _ s1: Matrix, _ s2: Matrix?, scale: Double
    ) {
        check(a, b)
        check(s1, s2)
        let ldt = cols
        let symmetric = symmetric
        let t = tileSize
        withOperands(a, b) { pa, pb, inner in
            withOperands(s1, s2) { ps1, ps2, innerS in
                theta.withUnsafeMutableBufferPointer { tp in
                    let theta = tp.baseAddress!
                    forEachTile { ri, rj, scratch in
                        let diagonal = symmetric && ri == rj
                        let p = scratch
                        let q = scratch + t * t
                        Self.block(pa, pb, inner, ri, rj, alpha: alpha, diagonal: diagonal, into: p, ldc: t)
                        Self.block(ps1, ps2, innerS, ri, rj, alpha: 1, diagonal: diagonal, into: q, ldc: t)
                        for i in 0..<ri.count {
                            let row = theta + (ri.lowerBound + i) * ldt + rj.lowerBound
                            let pr = p + i * t
                            let qr = q + i * t
                            let from = diagonal ? i : 0
                            if scale == 1 {
                                for j in from..<rj.count { row[j] += (pr[j] + shift) * qr[j] }
                            } else {
                                for j in from..<rj.count { row[j] += (pr[j] + shift) * qr[j] * scale }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One term of `accumulate`: `(alpha·A Bᵀ + shift) ∘ (S1 S2ᵀ) · scale` (B = A and S2 = S1
    /// when the accumulator is symmetric: pass nil).
    struct Term {
        var a: Matrix
        var b: Matrix?
        var alpha: Double
        var shift: Double
        var s1: Matrix
        var s2: Matrix?
        var scale: Double
    }

    /// `Θ (= or +=) Σ_terms (alpha·A Bᵀ + shift) ∘ (S1 S2ᵀ) · scale` in one pass over the tiles:
    /// each tile of Θ is read and written once for all the terms (a layer network's Dense
    /// layers), not once per term. `initialize`: Θ's tiles start from zero (nothing need have
    /// been written before); otherwise the terms are added to what is there.
    func accumulate(_ terms: [Term], initialize: Bool) {
        for term in terms {
            check(term.a, term.b)
            check(term.s1, term.s2)
        }
        let ldt = cols
        let symmetric = symmetric
        let t = tileSize
        // Every term's storage, pinned for the pass (Arrays of Double are contiguous).
        var pins:
            [(UnsafePointer<Double>?, UnsafePointer<Double>?, Int, UnsafePointer<Double>?, UnsafePointer<Double>?, Int)] =
                []
        func pinned(_ k: Int) {
            guard k < terms.count else {
                theta.withUnsafeMutableBufferPointer { tp in
                    let theta = tp.baseAddress!
                    forEachTile { ri, rj, scratch in
                        let diagonal = symmetric && ri == rj
                        if initialize {
                            for i in 0..<ri.count {
                                (theta + (ri.lowerBound + i) * ldt + rj.lowerBound).update(
                                    repeating: 0, count: rj.count)
                            }
                        }
                        let p = scratch
                        let q = scratch + t * t
                        for (term, (pa, pb, inner, ps1, ps2, innerS)) in zip(terms, pins) {
                            Self.block(pa, pb, inner, ri, rj, alpha: term.alpha, diagonal: diagonal, into: p, ldc: t)
                            Self.block(ps1, ps2, innerS, ri, rj, alpha: 1, diagonal: diagonal, into: q, ldc: t)
                            let shift = term.shift
                            let scale = term.scale
                            for i in 0..<ri.count {
                                let row = theta + (ri.lowerBound + i) * ldt + rj.lowerBound
                                let pr = p + i * t
                                let qr = q + i * t
                                for j in (diagonal ? i : 0)..<rj.count { row[j] += (pr[j] + shift) * qr[j] * scale }
                            }
                        }
                    }
                }
                return
            }
            withOperands(terms[k].a, terms[k].b) { pa, pb, inner in
                withOperands(terms[k].s1, terms[k].s2) { ps1, ps2, innerS in
                    pins.append((pa, pb, inner, ps1, ps2, innerS))
                    pinned(k + 1)
                }
            }
        }
        pinned(0)
    }

    /// Whether Θ is one tile, so that a pass of `accumulate` runs on one core.
    var isOneTile: Bool { tiles.count == 1 }

    /// `Θ += alpha·A Bᵀ` (B = A when symmetric) with the inner dimension split over the cores:
    /// each core forms the product of its columns of A and B in its own buffer, then the
    /// buffers are added into Θ. For wide operands (per-sample gradients of a Conv layer) when Θ
    /// is one tile and `accumulate` would use a single core. Θ must have been written first.
    func addWide(_ a: Matrix, _ b: Matrix?, alpha: Double) {
        check(a, b)
        let (m, n, inner) = (rows, cols, a.cols)
        let workers = min(NetworkKernels.cores, max(1, inner / 256))
        guard m > 0, n > 0, inner > 0 else { return }
        let symmetric = symmetric
        var partials = [Double](repeating: 0, count: workers * m * n)
        withOperands(a, b) { pa, pb, _ in
            guard let pa, let pb else { return }
            partials.withUnsafeMutableBufferPointer { pp in
                let base = pp.baseAddress!
                NetworkKernels.parallelFor(workers, grain: 1, piecesPerCore: workers) { range in
                    for w in range {
                        let from = w * inner / workers
                        let width = (w + 1) * inner / workers - from
                        let out = base + w * m * n
                        if symmetric {
                            NetworkKernels.syrkUpper(
                                n: m, k: width, alpha: alpha, a: pa + from, lda: inner, beta: 0, c: out, ldc: n)
                        } else {
                            NetworkKernels.gemm(
                                m: m, n: n, k: width, alpha: alpha, a: pa + from, lda: inner, b: pb + from,
                                ldb: inner, transB: true, beta: 0, c: out, ldc: n)
                        }
                    }
                }
            }
        }
        theta.withUnsafeMutableBufferPointer { tp in
            partials.withUnsafeBufferPointer { pp in
                let (t, p) = (tp.baseAddress!, pp.baseAddress!)
                for w in 0..<workers {
                    let part = p + w * m * n
                    for i in 0..<m {
                        for j in (symmetric ? i : 0)..<n { t[i * n + j] += part[i * n + j] }
                    }
                }
            }
        }
    }

    /// Θ as a matrix (both triangles filled when symmetric).
    func finish() -> Matrix {
        if symmetric {
            let n = rows
            theta.withUnsafeMutableBufferPointer { tp in
                if let t = tp.baseAddress { NetworkKernels.mirrorUpper(t, n: n) }
            }
        }
        return Matrix(rows: rows, cols: cols, storage: theta)
    }

    // MARK: Pieces

    private func check(_ a: Matrix, _ b: Matrix?) {
        precondition(
            a.rows == rows && (b == nil) == symmetric && (b.map { $0.rows == cols && $0.cols == a.cols } ?? true),
            "GramAccumulator: \(a.shapeDescription) · \(b?.shapeDescription ?? "same")ᵀ for \(rows)×\(cols)")
    }

    /// Calls `body` with A's and B's storage (B's = A's when nil) and their common width.
    private func withOperands(
        _ a: Matrix, _ b: Matrix?,
        _ body: (UnsafePointer<Double>?, UnsafePointer<Double>?, Int) -> Void
    ) {
        a.storage.withUnsafeBufferPointer { pa in
            guard let b else { return body(pa.baseAddress, pa.baseAddress, a.cols) }
            b.storage.withUnsafeBufferPointer { pb in body(pa.baseAddress, pb.baseAddress, a.cols) }
        }
    }

    /// `out = alpha·A[ri] B[rj]ᵀ` (only the upper triangle for a diagonal tile, through dsyrk).
    private static func block(
        _ a: UnsafePointer<Double>?, _ b: UnsafePointer<Double>?, _ inner: Int,
        _ ri: Range<Int>, _ rj: Range<Int>, alpha: Double, diagonal: Bool,
        into out: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        guard inner > 0, let a, let b else {
            for i in 0..<ri.count { (out + i * ldc).update(repeating: 0, count: rj.count) }
            return
        }
        let ai = a + ri.lowerBound * inner
        if diagonal {
            NetworkKernels.syrkUpper(
                n: ri.count, k: inner, alpha: alpha, a: ai, lda: inner,
                beta: 0, c: out, ldc: ldc)
        } else {
            NetworkKernels.gemm(
                m: ri.count, n: rj.count, k: inner, alpha: alpha, a: ai, lda: inner,
                b: b + rj.lowerBound * inner, ldb: inner, transB: true, beta: 0, c: out, ldc: ldc)
        }
    }

    /// Runs `body(rows, cols, scratch)` for every tile: one task per core takes the next tile
    /// until none are left. `scratch` holds two tileSize² blocks, the task's own, allocated once
    /// per accumulator (fresh memory on every tile would be paid for in page faults). Stops
    /// taking tiles once the current `Cancellation` is due (its `stopped` then tells the caller
    /// that the sum is partial).
    private func forEachTile(_ body: (Range<Int>, Range<Int>, UnsafeMutablePointer<Double>) -> Void) {
        let tiles = tiles
        let workers = min(NetworkKernels.cores, tiles.count)
        let cancellation = Cancellation.current
        if scratch.isEmpty {
            scratch = (0..<workers).map { _ in .allocate(capacity: 2 * tileSize * tileSize) }
        }
        let scratch = scratch
        let counter = nextTile
        counter.reset()
        NetworkKernels.parallelFor(workers, grain: 1, piecesPerCore: workers) { range in
            for worker in range {
                while cancellation?.isDue != true, case let k = counter.next(), k < tiles.count {
                    body(tiles[k].0, tiles[k].1, scratch[worker])
                }
            }
        }
    }
}

/// Hands out tile indices 0, 1, 2, … to the tasks of one pass.
final class TileCounter: Sendable {
    private let value = Atomic<Int>(0)

    func reset() { value.store(0, ordering: .relaxed) }

    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
