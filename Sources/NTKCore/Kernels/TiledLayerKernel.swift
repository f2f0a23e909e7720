import Foundation
import TangentSupport

/// `TiledKernel` for networks built from stax layers (docs/language.md#builtins): the same confined,
/// atomic block-by-block `.npy` writer, with each block computed by `LayerKernel`. A layer
/// network's block keeps the NNGP and NTK of every branch that is alive at once (FanOut copies),
/// so its working set is estimated from the network (`LayerKernel.estimatedBytes`), not from an
/// MLP's recursion, and the tile shrinks until it fits a quarter of the memory budget.
extension TiledKernel {
    /// The tile size that keeps a block of `net` within a quarter of `budget` bytes (at most
    /// 4096 inputs, at least 16).
    /// `input`: the shape of one sample (nil: vectors).
    public static func tileSize(_ net: Layer, budget: Int, limit: Int, input: FeatureShape? = nil) -> Int {
        var t = 4096
        while t > 16 && blockBytes(net, t, input: input) > budget / 4 { t /= 2 }
        return max(1, min(t, limit))
    }

    /// A block's working set: the layer walk's matrices plus the block and its transpose.
    static func blockBytes(_ net: Layer, _ tile: Int, input: FeatureShape? = nil) -> Int {
        let (square, o1) = tile.multipliedReportingOverflow(by: tile)
        let (copies, o2) = square.multipliedReportingOverflow(by: 16)
        let walk =
            input.map { LayerKernel.estimatedBytes(net, n1: tile, n2: tile, input: $0) }
            ?? LayerKernel.estimatedBytes(net, n1: tile, n2: tile)
        if o1 || o2 || walk > Int.max - copies { return .max }
        return walk + copies
    }

    /// Computes `which` (`.nngp` or `.ntk`) of K(X1, X2) (X2 nil: K(X1, X1)) of a layer network
    /// into `url`, as `write(_: MLP, …)` does; the file equals `LayerKernel.compute` in memory.
    /// K(X, X) is mirrored only when every activation's kernel map is symmetric in (x, x′).
    /// `input`: the shape of one sample, for images (`LayerKernel.compute(…, input:)` per block).
    public static func write<E: Error>(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection, input: FeatureShape? = nil,
        to url: URL, confinedTo root: URL? = nil, tile requestedTile: Int? = nil,
        shouldStop: () throws(E) -> Void
    ) throws -> Written {
        let shape = input ?? .vector(x1.cols)
        return try writeKernel(
            x1, x2, which, to: url, confinedTo: root, tile: requestedTile, symmetric: isSymmetric(net),
            tileSize: { budget, limit in tileSize(net, budget: budget, limit: limit, input: input) },
            blockBytes: { tile in blockBytes(net, tile, input: input) },
            shouldStop: shouldStop,
            kernel: { a, b in try LayerKernel.compute(net, a, b, input: shape, which) }
        )
    }

    /// Whether K(x, x′) = K(x′, x) exactly: every activation's map is (quadrature rules are not).
    static func isSymmetric(_ net: Layer) -> Bool {
        switch net {
        case .serial(let ls), .parallel(let ls): return ls.allSatisfy(isSymmetric)
        case .activation(let act): return act.rule.isSymmetric
        default: return true
        }
    }
}
