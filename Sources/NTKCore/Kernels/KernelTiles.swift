internal import CLinearAlgebra
import Dispatch
import Foundation

/// One block of the output: rows × cols. In a symmetric K(X, X) only blocks on or above
/// the diagonal are computed; their entries are also stored at the mirrored positions.
struct KernelTile {
    let rows: Range<Int>
    let cols: Range<Int>
    /// A block on the diagonal of a symmetric kernel (rows == cols).
    let onDiagonal: Bool

    /// Side of a square block: its Gram block (128 KiB) stays in L2 between the `dgemm`
    /// that writes it and the recursion that reads it.
    static let side = 128

    /// Bytes of the Gram blocks used by `workers` threads.
    static func scratchBytes(workers: Int) -> Int { max(workers, 1) * side * side * 8 }

    static func tiling(n1: Int, n2: Int, symmetric: Bool) -> [KernelTile] {
        let side = Self.side
        var tiles = [KernelTile]()
        for i0 in stride(from: 0, to: n1, by: side) {
            for j0 in stride(from: symmetric ? i0 : 0, to: n2, by: side) {
                tiles.append(
                    KernelTile(
                        rows: i0..<min(i0 + side, n1), cols: j0..<min(j0 + side, n2),
                        onDiagonal: symmetric && i0 == j0))
            }
        }
        return tiles
    }
}

/// Everything the tile tasks read and write, as raw pointers. Tasks write disjoint
/// entries of the outputs, so sharing them across threads is safe.
struct TileContext: @unchecked Sendable {
    let x1: UnsafePointer<Double>
    let x2: UnsafePointer<Double>
    let width: Int
    let n1: Int
    let n2: Int
    let symmetric: Bool
    let nngp: UnsafeMutablePointer<Double>?
    let ntk: UnsafeMutablePointer<Double>?
    let steps: UnsafePointer<DenseStep>
    let depth: Int
    let standard: Bool
    /// Per-input features (see `InputSide`).
    let features1: UnsafePointer<Double>
    let stride1: Int
    let layerStride1: Int
    let features2: UnsafePointer<Double>
    let stride2: Int
    let layerStride2: Int
    /// Exact diagonal of a symmetric kernel (θ = 0 values), written over the pair results.
    let diagonalNNGP: UnsafePointer<Double>?
    let diagonalNTK: UnsafePointer<Double>?

    /// Fills one block of the outputs (and its mirror image when symmetric), using
    /// `gram` (side × side doubles) as scratch; false if an entry is not finite.
    /// The Gram block comes out of `dgemm` already divided by the input width (its `alpha`),
    /// which saves a vector division per pair.
    func run<A: ActivationMap>(_ map: A, _ tile: KernelTile, gram: UnsafeMutablePointer<Double>) -> Bool {
        let side = KernelTile.side
        let i0 = tile.rows.lowerBound
        let j0 = tile.cols.lowerBound
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans,
            Int32(tile.rows.count), Int32(tile.cols.count), Int32(width), 1 / Double(width),
            x1 + i0 * width, Int32(width), x2 + j0 * width, Int32(width), 0, gram, Int32(side))
        let wantsNTK = ntk != nil
        var check = Vec()
        for i in tile.rows {
            let row = BroadcastLanes(base: features1 + i, stride: stride1, layerStride: layerStride1)
            let gramRow = gram + ((i &- i0) &* side &- j0)
            let end = tile.cols.upperBound
            var j = tile.onDiagonal ? i : j0
            while j < end {
                let lanes = min(Vec.lanes, end - j)
                var g = Vec()
                if lanes == Vec.lanes {
                    g = Vec(loading: gramRow + j)
                } else {
                    for k in 0..<lanes { g[k] = gramRow[j &+ k] }
                }
                let col = ConsecutiveLanes(base: features2 + j, stride: stride2, layerStride: layerStride2)
                let r = pairRecursion(
                    map, steps: steps, depth: depth, standard: standard, wantsNTK: wantsNTK,
                    sigma0: g, row: row, col: col)
                check += (r.nngp - r.nngp) + (r.ntk - r.ntk)
                if let nngp { store(r.nngp, lanes: lanes, row: i, col: j, to: nngp) }
                if let ntk { store(r.ntk, lanes: lanes, row: i, col: j, to: ntk) }
                j &+= lanes
            }
            if tile.onDiagonal {
                nngp?[i * n2 + i] = diagonalNNGP![i]
                ntk?[i * n2 + i] = diagonalNTK![i]
            }
        }
        return !any(check .!= check)
    }

    /// Stores `lanes` results at (i, j..<j+lanes) and, for a symmetric kernel, at
    /// (j..<j+lanes, i). The mirrored stores go down a column, but the next rows of the
    /// block fill the rest of the same cache lines, so they combine in cache.
    @inline(__always)
    private func store(_ v: Vec, lanes: Int, row i: Int, col j: Int, to a: UnsafeMutablePointer<Double>) {
        // Indices are below n1·n2, which fits an Int (the outputs exist): wrapping arithmetic
        // only drops the overflow checks.
        let n = n2
        let rowStart = a + (i &* n &+ j)
        if lanes == Vec.lanes {
            v.store(to: rowStart)
            if symmetric {
                let column = a + (j &* n &+ i)
                for k in 0..<Vec.lanes { column[k &* n] = v[k] }
            }
        } else {
            for k in 0..<lanes { rowStart[k] = v[k] }
            if symmetric { for k in 0..<lanes { a[(j &+ k) &* n &+ i] = v[k] } }
        }
    }

    /// Runs every tile, on all cores when there is more than one tile; false if any
    /// entry is not finite. Stops taking tiles once the current `Cancellation` is due (the
    /// caller then throws instead of returning the partial kernel).
    func runAll<A: ActivationMap>(_ map: A, _ tiles: [KernelTile]) -> Bool {
        let side = KernelTile.side
        let cancellation = Cancellation.current
        let workers = min(tiles.count, ProcessInfo.processInfo.activeProcessorCount)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: workers * side * side)
        let finite = UnsafeMutableBufferPointer<Bool>.allocate(capacity: workers)
        defer {
            scratch.deallocate()
            finite.deallocate()
        }
        if workers <= 1 {
            finite[0] = tiles.allSatisfy { cancellation?.isDue != true && run(map, $0, gram: scratch) }
            return finite[0]
        }
        let shared = SharedWork(scratch: scratch, finite: finite.baseAddress!, tiles: tiles)
        BLASThreads.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var ok = true
                let gram = shared.scratch + w * side * side
                while cancellation?.isDue != true, let t = shared.next() {
                    ok = run(map, shared.tiles[t], gram: gram) && ok
                }
                shared.finite[w] = ok
            }
        }
        return finite.allSatisfy { $0 }
    }
}

/// The tile queue shared by the workers: each takes the next tile when it is done.
private final class SharedWork: @unchecked Sendable {
    let scratch: UnsafeMutablePointer<Double>
    let finite: UnsafeMutablePointer<Bool>
    let tiles: [KernelTile]
    private let lock = NSLock()
    private var nextTile = 0

    init(scratch: UnsafeMutablePointer<Double>, finite: UnsafeMutablePointer<Bool>, tiles: [KernelTile]) {
        self.scratch = scratch
        self.finite = finite
        self.tiles = tiles
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextTile < tiles.count else { return nil }
        nextTile += 1
        return nextTile - 1
    }
}
