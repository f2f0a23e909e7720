import Dispatch
import Foundation

/// The analytic kernels of a `Layer` network block by block: for each `side`×`side` block of
/// pairs, one `dgemm` gives its x·x′ and the whole tree is walked on the block's kernel state
/// while it is in cache (no N×N matrix per branch and layer, which made the untiled walk
/// memory-bound), with blocks spread over all cores and ReLU by the vectorised map. For
/// K(X, X) only blocks on or above the diagonal are computed and mirrored, as
/// `AnalyticKernel` does; a block on the diagonal is itself a K(X, X).
///
/// Each entry sees the same operations on the same (q12, q1, q2) as in the untiled walk, so
/// the numbers agree with it to rounding (the block's `dgemm`, the vectorised ReLU's θ).
/// Residual networks (Dense, Identity, ReLU, FanOut, parallel, FanInSum) skip the block walk:
/// each row of a block goes through a `LayerKernelProgram` (same numbers, bit for bit).
enum LayerKernelTiles {
    /// Side of a block. A residual block keeps about six block matrices live (FanOut copies,
    /// NNGP and NTK): 192 KiB at 64, within a core's L2. Each is 32 KiB, under malloc's mmap
    /// threshold: at 128 (128 KiB and a header) every block matrix was a fresh mapping, and
    /// zeroing its pages took as much CPU time as the kernel (measured: 0.87 s of system
    /// time against 0.11 s for four N = 4000 residual kernels).
    static let side = 64

    /// Side of a block on the fused path (`LayerKernelProgram`): only the block's x·x′ (128 KiB,
    /// in each worker's own scratch, allocated once) and a few rows are live, so larger blocks
    /// fit and halve the per-row and per-block overheads.
    static let fusedSide = 128

    /// Whether blocks give the untiled walk's numbers: every activation may run off the
    /// calling thread (no user functions), and, for K(X, X), is symmetric in (x, x′) so that
    /// blocks below the diagonal are mirror images (the quadrature rules are not, and their
    /// untiled K(X, X) mirrors later layers' triangles in a way blocks would not).
    static func applies(_ net: Layer, symmetric: Bool) -> Bool {
        switch net {
        case .serial(let ls), .parallel(let ls): return ls.allSatisfy { applies($0, symmetric: symmetric) }
        case .activation(let act):
            let rule = act.rule
            return rule.isPure && (!symmetric || rule.isSymmetric)
        default: return true
        }
    }

    /// Bytes held at peak for n1×n2 kernels: both outputs, the input variances and, per core,
    /// a few dozen blocks (generous: branches × matrices × copies). Saturates.
    static func estimatedBytes(n1: Int, n2: Int) -> Int {
        let outputs = 2.0 * 8 * Double(n1) * Double(n2)
        let blocks = Double(NetworkKernels.cores) * 32 * 8 * Double(side * side)
        let total = outputs + blocks + 8 * Double(n1 + n2)
        return total >= Double(Int.max) ? Int.max : Int(total)
    }

    /// K(X1, X2) (X2 nil: K(X1, X1)) of a network that `LayerKernel.validate` accepted and
    /// `applies` to. The NTK is nil unless `wantNTK`. `fused`: rows through a
    /// `LayerKernelProgram` when the network has that form (false: the block walk, for tests).
    static func compute(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?,
        wantNTK: Bool, fused: Bool = true
    ) throws(KernelError) -> (nngp: Matrix, ntk: Matrix?) {
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        let d = x1.cols
        let symmetric = x2 == nil
        let v1 = variances(x1)
        let v2 = x2.map(variances) ?? v1
        let program = !fused ? nil : LayerKernelProgram(net, v1: v1, v2: x2 == nil ? nil : v2, inputWidth: d)
        let blockSide = program == nil ? side : fusedSide
        var tiles = [(Int, Int)]()
        for i0 in stride(from: 0, to: n1, by: blockSide) {
            for j0 in stride(from: symmetric ? i0 : 0, to: n2, by: blockSide) { tiles.append((i0, j0)) }
        }
        let cancellation = Cancellation.current
        let outcome = Outcome()
        var ntkStorage = [Double]()
        let nngpStorage = x1.storage.withUnsafeBufferPointer { p1 in
            (x2?.storage ?? x1.storage).withUnsafeBufferPointer { p2 in
                OutputBuffer.make(count: n1 * n2) { nngp in
                    ntkStorage = OutputBuffer.make(count: wantNTK ? n1 * n2 : 0) { ntk in
                        guard let nngp else { return }
                        let job = Job(
                            net: net, x1: p1.baseAddress!, x2: p2.baseAddress!, d: d, n2: n2,
                            v1: v1, v2: v2, program: program, symmetric: symmetric, wantNTK: wantNTK,
                            nngp: nngp, ntk: ntk, outcome: outcome)
                        let next = Counter()
                        let workers = min(tiles.count, NetworkKernels.cores)
                        let work: (Int) -> Void = { _ in
                            // The fused path's scratch: a block's x·x′/d and the registers.
                            let scratch = program.map {
                                UnsafeMutablePointer<Double>.allocate(
                                    capacity: fusedSide * fusedSide + 2 * $0.registers * fusedSide)
                            }
                            defer { scratch?.deallocate() }
                            while cancellation?.isDue != true, outcome.failure == nil,
                                let t = next.take(below: tiles.count)
                            {
                                let (i0, j0) = tiles[t]
                                job.run(
                                    rows: i0..<min(i0 + blockSide, n1), cols: j0..<min(j0 + blockSide, n2),
                                    scratch: scratch)
                            }
                        }
                        BLASThreads.singleThreaded {
                            if workers <= 1 {
                                work(0)
                            } else {
                                let shared = SendableBox(work)
                                DispatchQueue.concurrentPerform(iterations: workers) { shared.value($0) }
                            }
                        }
                    }
                }
            }
        }
        if cancellation?.stopped == true { throw .cancelled }
        if let failure = outcome.failure { throw failure }
        return (
            Matrix(rows: n1, cols: n2, storage: nngpStorage),
            wantNTK ? Matrix(rows: n1, cols: n2, storage: ntkStorage) : nil
        )
    }

    /// NT's Σ x²/d per row (the untiled walk's `inputState`, in the same order).
    private static func variances(_ x: Matrix) -> [Double] {
        let d = Double(x.cols)
        return (0..<x.rows).map { i in
            var s = 0.0
            for j in 0..<x.cols { s += x[i, j] * x[i, j] }
            return s / d
        }
    }

    /// What every block task reads and writes. Tasks write disjoint entries of the outputs.
    private struct Job: @unchecked Sendable {
        let net: Layer
        let x1: UnsafePointer<Double>
        let x2: UnsafePointer<Double>
        let d: Int
        let n2: Int
        let v1: [Double]
        let v2: [Double]
        /// The network as straight-line row operations, when it has that form.
        let program: LayerKernelProgram?
        let symmetric: Bool
        let wantNTK: Bool
        let nngp: UnsafeMutablePointer<Double>
        let ntk: UnsafeMutablePointer<Double>?
        let outcome: Outcome

        /// Walks the tree on block (rows, cols) and stores it (and its mirror image).
        /// `scratch`: the worker's fused-path scratch (nil without a program).
        func run(rows: Range<Int>, cols: Range<Int>, scratch: UnsafeMutablePointer<Double>?) {
            let m = rows.count
            let n = cols.count
            let onDiagonal = symmetric && rows.lowerBound == cols.lowerBound
            // x·x′/d: the division by d is dgemm's alpha (no pass of its own, no vector division
            // per pair); both paths scale the same way, so they agree bit for bit.
            let alpha = 1 / Double(d)
            if let program, let scratch {
                NetworkKernels.gemm(
                    m: m, n: n, k: d, alpha: alpha, a: x1 + rows.lowerBound * d, lda: d,
                    b: x2 + cols.lowerBound * d, ldb: d, transB: true, beta: 0, c: scratch, ldc: n)
                runProgram(
                    program, gram: scratch, regs: scratch + m * n, rows: rows, cols: cols, onDiagonal: onDiagonal)
                return
            }
            var gram = Matrix.blasOutput(rows: m, cols: n) { c in
                NetworkKernels.gemm(
                    m: m, n: n, k: d, alpha: alpha, a: x1 + rows.lowerBound * d, lda: d,
                    b: x2 + cols.lowerBound * d, ldb: d, transB: true, beta: 0, c: c, ldc: n)
            }
            // Exactly symmetric, as the untiled walk's input kernel.
            if onDiagonal {
                gram.storage.withUnsafeMutableBufferPointer { BlockMirror.mirrorUpper($0.baseAddress!, n: m) }
            }
            var states = [
                KernelState(
                    nngp: gram, ntk: wantNTK ? Matrix(rows: m, cols: n) : nil,
                    cov1: Array(v1[rows]), cov2: onDiagonal ? nil : Array(v2[cols]),
                    isGaussian: false, width: d)
            ]
            gram = Matrix(rows: 0, cols: 0)
            do throws(KernelError) {
                try LayerKernel.walk(net, &states, wantNTK: wantNTK, parallel: false)
            } catch {
                outcome.fail(error)
                return
            }
            let result = states[0]
            guard result.nngp.isFinite, result.ntk?.isFinite ?? true else {
                outcome.fail(.overflow)
                return
            }
            store(result.nngp, rows, cols, mirrored: symmetric && !onDiagonal, into: nngp)
            if let ntk, let t = result.ntk { store(t, rows, cols, mirrored: symmetric && !onDiagonal, into: ntk) }
        }

        /// The fused path of `run`: each row of the block (x·x′/d) through the whole network in
        /// L1, the result written straight into the outputs, then the block's mirror image (or,
        /// on the diagonal, its lower triangle) from there.
        private func runProgram(
            _ program: LayerKernelProgram, gram g: UnsafePointer<Double>,
            regs: UnsafeMutablePointer<Double>, rows: Range<Int>, cols: Range<Int>, onDiagonal: Bool
        ) {
            let m = rows.count
            let n = cols.count
            let stride = n
            let resultQ = regs + 2 * program.result * stride
            let resultT = resultQ + stride
            var finite = true
            do {
                for r in 0..<m {
                    // K(X, X) on the diagonal: the upper triangle.
                    let from = onDiagonal ? r : 0
                    program.run(
                        g + r * n, from: from, count: n, regs: regs, stride: stride, row: rows.lowerBound + r,
                        column: cols.lowerBound, triangle: onDiagonal, wantNTK: wantNTK)
                    let i = rows.lowerBound + r
                    finite = Self.copy(resultQ + from, to: nngp + i * n2 + cols.lowerBound + from, n - from) && finite
                    if let ntk, wantNTK {
                        finite =
                            Self.copy(resultT + from, to: ntk + i * n2 + cols.lowerBound + from, n - from) && finite
                    }
                }
            }
            guard finite else {
                outcome.fail(.overflow)
                return
            }
            guard symmetric else { return }
            Self.mirror(nngp, n2: n2, rows: rows, cols: cols, onDiagonal: onDiagonal)
            if let ntk, wantNTK { Self.mirror(ntk, n2: n2, rows: rows, cols: cols, onDiagonal: onDiagonal) }
        }

        /// Copies `count` values; false when one is not finite.
        private static func copy(_ from: UnsafePointer<Double>, to: UnsafeMutablePointer<Double>, _ count: Int) -> Bool
        {
            // A flag or-ed without branches, so that the loop vectorises.
            var notFinite: UInt8 = 0
            for k in 0..<count {
                let v = from[k]
                notFinite |= v.isFinite ? 0 : 1
                to[k] = v
            }
            return notFinite == 0
        }

        /// K(X, X): block (rows, cols) of `out`, written above the diagonal, copied to its
        /// mirror image below (a diagonal block: its upper triangle to its lower).
        private static func mirror(
            _ out: UnsafeMutablePointer<Double>, n2: Int, rows: Range<Int>, cols: Range<Int>, onDiagonal: Bool
        ) {
            BlockMirror.copy(
                from: out + rows.lowerBound * n2 + cols.lowerBound, stride: n2,
                to: out + cols.lowerBound * n2 + rows.lowerBound, stride: n2,
                rows: rows.count, cols: cols.count, strictlyUpper: onDiagonal)
        }

        private func store(
            _ block: Matrix, _ rows: Range<Int>, _ cols: Range<Int>, mirrored: Bool,
            into out: UnsafeMutablePointer<Double>
        ) {
            let m = rows.count
            let n = cols.count
            block.storage.withUnsafeBufferPointer { b in
                let b = b.baseAddress!
                for (r, i) in rows.enumerated() {
                    (out + i * n2 + cols.lowerBound).update(from: b + r * n, count: n)
                }
                guard mirrored else { return }
                BlockMirror.copy(
                    from: b, stride: n, to: out + cols.lowerBound * n2 + rows.lowerBound, stride: n2,
                    rows: m, cols: n, strictlyUpper: false)
            }
        }
    }

    /// The first error of any block (the others stop taking blocks).
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var error: KernelError?
        var failure: KernelError? {
            lock.lock()
            defer { lock.unlock() }
            return error
        }
        func fail(_ e: KernelError) {
            lock.lock()
            if error == nil { error = e }
            lock.unlock()
        }
    }

    /// The next block to take, shared by the workers.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        func take(below count: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }

    private struct SendableBox<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
