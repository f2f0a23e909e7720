import Foundation
import TangentSupport

/// An analytic kernel too large for memory, computed block by block into a `.npy` file
/// (float64, C order) that numpy opens with `np.load(path, mmap_mode="r")`.
///
/// The rows and columns are cut into tiles of `tile` inputs. K(X, X) computes each diagonal
/// block as a symmetric kernel of its tile and each block above the diagonal once, writing it
/// and its transpose (tanh, not symmetric, computes every block), so the file holds the
/// numbers `compute` gives in memory. Only a
/// few tile×tile blocks are in memory at a time; the file appears at its path only when
/// complete.
public enum TiledKernel {
    /// What was written.
    public struct Written: Sendable, Equatable {
        public var rows: Int
        public var cols: Int
        public var tile: Int
        public var blocks: Int
        public var bytes: Int
    }

    /// The tile size that keeps a block's work within a quarter of `budget` bytes (at most
    /// 4096 inputs, at least 16).
    public static func tileSize(_ net: MLP, budget: Int, limit: Int) -> Int {
        var t = 4096
        while t > 16 && AnalyticKernel.estimatedBytes(net, n1: t, n2: t, .both) + 2 * 8 * t * t > budget / 4 { t /= 2 }
        return max(1, min(t, limit))
    }

    /// Computes `which` (`.nngp` or `.ntk`) of K(X1, X2) (X2 nil: K(X1, X1)) into `url`.
    /// `shouldStop` is asked between blocks (a block timeout); when it throws, the partial file
    /// is removed and the error passed on.
    public static func write<E: Error>(
        _ net: MLP, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection,
        to url: URL, confinedTo root: URL? = nil, tile requestedTile: Int? = nil,
        shouldStop: () throws(E) -> Void
    ) throws -> Written {
        // tanh's quadrature is not symmetric in (x, x′): every block is computed, as in memory.
        try writeKernel(
            x1, x2, which, to: url, confinedTo: root, tile: requestedTile,
            symmetric: !(net.activation == .tanh && net.depth > 0),
            tileSize: { budget, limit in tileSize(net, budget: budget, limit: limit) },
            blockBytes: { tile in AnalyticKernel.estimatedBytes(net, n1: tile, n2: tile, which) + 2 * 8 * tile * tile },
            shouldStop: shouldStop,
            kernel: { a, b in try AnalyticKernel.compute(net, a, b, which) }
        )
    }

    /// What the writers of every network kind share: the checks, the tile (`tileSize(budget,
    /// limit)` unless requested), the memory check (`blockBytes(tile)` against the budget), and
    /// the blocks, each `kernel(a, b)` (b nil on the diagonal of K(X, X)); K(X, X) is mirrored
    /// when the network's kernel is `symmetric` in (x, x′).
    static func writeKernel<E: Error>(
        _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection, to url: URL, confinedTo root: URL?,
        tile requestedTile: Int?, symmetric: Bool, tileSize: (Int, Int) -> Int, blockBytes: (Int) -> Int,
        shouldStop: () throws(E) -> Void, kernel: (Matrix, Matrix?) throws -> KernelPair
    ) throws -> Written {
        precondition(which != .both, "a kernel file holds one kernel")
        if let x2, x2.cols != x1.cols { throw KernelError.inputWidthMismatch(x1.cols, x2.cols) }
        guard x1.isFinite, x2?.isFinite ?? true else { throw KernelError.notFinite }
        let n1 = x1.rows
        let n2 = x2?.rows ?? x1.rows
        _ = try fileBytes(n1, n2)
        // The freed memory this process keeps is given back first: the tiles take what there is.
        let budget = MemoryBudget.availableBytes(for: .max) ?? (1 << 30)
        let tile = max(1, requestedTile ?? tileSize(budget, max(n1, n2, 1)))
        let needed = blockBytes(tile)
        if needed > budget { throw KernelError.tooLarge(neededBytes: needed, availableBytes: budget) }
        return try write(
            rows: n1, cols: n2, tile: tile, mirror: x2 == nil && symmetric, to: url, confinedTo: root,
            shouldStop: shouldStop
        ) { i, j in
            let a = rows(x1, i, tile)
            let pair = x2 == nil && i == j ? try kernel(a, nil) : try kernel(a, rows(x2 ?? x1, j, tile))
            return which == .ntk ? pair.ntk : pair.nngp
        }
    }

    /// The n1×n2 file of `block(i, j)` (the tile×tile block at tile row i, tile column j), written
    /// through the confined, atomic writer; with `mirror` (a symmetric K(X, X)) only blocks on or
    /// above the diagonal are computed, each written with its transpose.
    static func write<E: Error>(
        rows n1: Int, cols n2: Int, tile: Int, mirror: Bool, to url: URL,
        confinedTo root: URL?, shouldStop: () throws(E) -> Void,
        block: (Int, Int) throws -> Matrix
    ) throws -> Written {
        let header = NPY.header(rows: n1, cols: n2)
        let dataBytes = try fileBytes(n1, n2) - header.count
        // Confined to the project root when there is one: no link on the way leads the file out.
        let file =
            try root.map { r throws(FileError) in
                try ConfinedFolder(r, create: false).atomicFile(url.path, size: header.count + dataBytes)
            }
            ?? AtomicFile(url: url, size: header.count + dataBytes)
        do {
            try header.withUnsafeBytes { try file.write($0, at: 0) }
            func put(_ m: Matrix, row: Int, col: Int) throws {
                try m.storage.withUnsafeBytes { raw in
                    for r in 0..<m.rows {
                        let slice = UnsafeRawBufferPointer(rebasing: raw[(r * m.cols * 8)..<((r + 1) * m.cols * 8)])
                        try file.write(slice, at: header.count + ((row + r) * n2 + col) * 8)
                    }
                }
            }
            let tiles1 = (n1 + tile - 1) / tile
            let tiles2 = (n2 + tile - 1) / tile
            var blocks = 0
            for i in 0..<tiles1 {
                for j in (mirror ? i : 0)..<tiles2 {
                    try shouldStop()
                    let m = try block(i, j)
                    try put(m, row: i * tile, col: j * tile)
                    if mirror && j != i { try put(m.transposed, row: j * tile, col: i * tile) }
                    blocks += 1
                    ProgressReporter.current?.tile(blocks, of: mirror ? tiles1 * (tiles1 + 1) / 2 : tiles1 * tiles2)
                }
            }
            try file.commit()
            return Written(rows: n1, cols: n2, tile: tile, blocks: blocks, bytes: header.count + dataBytes)
        } catch {
            file.discard()
            throw error
        }
    }

    /// The size of an n1×n2 float64 `.npy` file; `tooLarge` when it does not fit in an Int.
    static func fileBytes(_ n1: Int, _ n2: Int) throws(KernelError) -> Int {
        let (cells, o1) = n1.multipliedReportingOverflow(by: n2)
        let (dataBytes, o2) = cells.multipliedReportingOverflow(by: 8)
        let header = NPY.header(rows: n1, cols: n2)
        if o1 || o2 || dataBytes > Int.max - header.count { throw .tooLarge(neededBytes: .max, availableBytes: 0) }
        return header.count + dataBytes
    }

    /// Rows `k·tile ..< min((k+1)·tile, rows)` of `m`.
    static func rows(_ m: Matrix, _ k: Int, _ tile: Int) -> Matrix {
        let start = k * tile
        let end = min(start + tile, m.rows)
        return Matrix(rows: end - start, cols: m.cols, storage: Array(m.storage[(start * m.cols)..<(end * m.cols)]))
    }
}
