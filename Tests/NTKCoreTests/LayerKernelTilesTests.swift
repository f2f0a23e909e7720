import Foundation
import Testing

@testable import NTKCore

/// The block-wise evaluation of layer networks (`LayerKernelTiles`, `compute`'s fast path)
/// against the tree walked once over whole matrices (`LayerKernel.untiled`, the path it
/// replaced): same numbers within 1e-12 relative, for sizes that are not a multiple of the
/// block side, K(X, X) and K(X1, X2), each kernel selection.
@Suite struct LayerKernelTilesTests {
    /// The residual network of docs/language.md#builtins (two residual ReLU blocks), narrower.
    static let residual: Layer = {
        let block = Layer.serial([
            .fanOut(2),
            .parallel([.serial([.activation(.relu), .dense(DenseLayer(outDim: 64, wStd: 1.1))]), .identity]),
            .fanInSum
        ])
        return .serial([
            .dense(DenseLayer(outDim: 64, wStd: 1.5, bStd: 0.05)), block, block, .activation(.relu),
            .dense(DenseLayer(outDim: 1, wStd: 1.5))
        ])
    }()

    /// Concatenated and multiplied branches, scalar-rule activations, a 'standard' Dense and a
    /// LayerNorm: every kind of state update inside a block.
    static let fanIns: Layer = .serial([
        .dense(DenseLayer(outDim: 16, wStd: 1.2, bStd: 0.1)),
        .fanOut(3),
        .parallel([
            .serial([.activation(.relu), .dense(DenseLayer(outDim: 16, wStd: 1.1))]),
            .serial([.activation(.erf(a: 1, b: 1, c: 0)), .dense(DenseLayer(outDim: 12, wStd: 0.9, bStd: 0.2))]),
            .identity
        ]),
        .fanInConcat,
        .dense(DenseLayer(outDim: 16, wStd: 1.3, bStd: 0.05, parameterization: .standard)),
        .layerNorm(eps: 1e-12),
        .fanOut(2),
        .parallel([
            .serial([.activation(.abs), .dense(DenseLayer(outDim: 16))]),
            .serial([.activation(.gelu(approximate: false)), .dense(DenseLayer(outDim: 16, wStd: 0.8, bStd: 0.3))])
        ]),
        .fanInProd,
        .dense(DenseLayer(outDim: 1, wStd: 1.5, bStd: 0.1))
    ])

    /// Largest |a − b| over the largest |b|, and the largest entrywise |a − b| / |b|.
    static func errors(_ a: Matrix, _ b: Matrix) -> (scaled: Double, entrywise: Double) {
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        let diffs = zip(a.storage, b.storage).map { abs($0 - $1) }
        let entrywise = zip(diffs, b.storage).map { $1 == 0 ? $0 / scale : $0 / abs($1) }.max() ?? 0
        return ((diffs.max() ?? 0) / scale, entrywise)
    }

    static func expectSame(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection,
        _ label: String
    ) throws {
        #expect(LayerKernelTiles.applies(net, symmetric: x2 == nil), "\(label): takes the tiled path")
        let tiled = try LayerKernel.compute(net, x1, x2, which)
        let whole = try LayerKernel.untiled(net, x1, x2, which)
        #expect(tiled.nngp.rows == x1.rows && tiled.nngp.cols == (x2?.rows ?? x1.rows), "\(label): shape")
        let nngp = errors(tiled.nngp, whole.nngp)
        let ntk = errors(tiled.ntk, whole.ntk)
        #expect(nngp.scaled <= 1e-12 && nngp.entrywise <= 1e-10, "\(label) NNGP \(nngp)")
        #expect(ntk.scaled <= 1e-12 && ntk.entrywise <= 1e-10, "\(label) NTK \(ntk)")
        if which == .nngp {
            #expect(tiled.ntk.rows == 0 && tiled.ntk.cols == 0, "\(label): no NTK asked, none allocated")
        }
        if x2 == nil {
            #expect(tiled.nngp == tiled.nngp.transposed && tiled.ntk == tiled.ntk.transposed, "\(label): symmetric")
        }
    }

    /// 2 full blocks and 37 rows more; X2 of 150 rows (one full block and 22).
    static let n = 2 * LayerKernelTiles.side + 37

    @Test func residualReluNetworkEqualsUntiledWalk() throws {
        let x1 = AnalyticFixtures.gaussian(rows: Self.n, cols: 7, seed: 21)
        let x2 = AnalyticFixtures.gaussian(rows: LayerKernelTiles.side + 22, cols: 7, seed: 22)
        try Self.expectSame(Self.residual, x1, nil, .both, "residual K(X, X)")
        try Self.expectSame(Self.residual, x1, x2, .both, "residual K(X1, X2)")
        try Self.expectSame(Self.residual, x2, x1, .ntk, "residual K(X2, X1) NTK")
        try Self.expectSame(Self.residual, x1, nil, .nngp, "residual K(X, X) NNGP")
    }

    @Test func fanInConcatAndProductNetworkEqualsUntiledWalk() throws {
        let x1 = AnalyticFixtures.gaussian(rows: Self.n, cols: 5, seed: 23)
        let x2 = AnalyticFixtures.gaussian(rows: 41, cols: 5, seed: 24)
        try Self.expectSame(Self.fanIns, x1, nil, .both, "fan-ins K(X, X)")
        try Self.expectSame(Self.fanIns, x1, x2, .both, "fan-ins K(X1, X2)")
    }

    /// Inputs with a repeated row and a zero row: θ = 0 off the diagonal and q = 0, where
    /// the vectorised ReLU must give the scalar rule's limits.
    @Test func reluEdgeCasesEqualUntiledWalk() throws {
        var x = AnalyticFixtures.gaussian(rows: 19, cols: 4, seed: 25)
        for j in 0..<4 {
            x[7, j] = x[3, j]
            x[11, j] = 0
        }
        let net = Layer.serial([
            .dense(DenseLayer(outDim: 8, wStd: 1.4)), .activation(.relu), .dense(DenseLayer(outDim: 8, wStd: 1.2)),
            .activation(.relu), .dense(DenseLayer(outDim: 1))
        ])
        try Self.expectSame(net, x, nil, .both, "ReLU, repeated and zero rows")
    }

    /// User functions must stay on the calling thread, and a quadrature rule is not symmetric
    /// in K(X, X): those take the untiled walk (same result, bit for bit).
    @Test func untiledWhereBlocksWouldDiffer() throws {
        let tanh = Layer.serial([
            .dense(DenseLayer(outDim: 4, wStd: 1.2)), .activation(.tanh(degree: 20)), .dense(DenseLayer(outDim: 1))
        ])
        #expect(!LayerKernelTiles.applies(tanh, symmetric: true))
        #expect(LayerKernelTiles.applies(tanh, symmetric: false))
        let user = Layer.serial([
            .dense(DenseLayer(outDim: 4)),
            .activation(
                .numerical(
                    NumericalActivation(
                        identity: "sq", degree: 10, fn: { $0 * $0 }, df: { 2 * $0 }))), .dense(DenseLayer(outDim: 1))
        ])
        #expect(!LayerKernelTiles.applies(user, symmetric: false))
        let x = AnalyticFixtures.gaussian(rows: 9, cols: 3, seed: 26)
        #expect(try LayerKernel.compute(tanh, x, nil) == LayerKernel.untiled(tanh, x, nil))
        #expect(try LayerKernel.compute(user, x, nil) == LayerKernel.untiled(user, x, nil))
    }

    /// As for `mlp`: kernels that do not fit are refused before anything is allocated, and a
    /// structural error comes before the memory check and any work.
    @Test func refusesKernelsLargerThanMemoryBeforeAllocating() throws {
        let n = 3_000_000  // 2 × 3e6² × 8 bytes = 131 TiB
        let x = Matrix(rows: n, cols: 1, repeating: 1)
        let needed = LayerKernel.estimatedBytes(Self.residual, n1: n, n2: n)
        #expect(needed >= 2 * 8 * n * n)
        #expect {
            _ = try LayerKernel.compute(Self.residual, x, nil)
        } throws: { error in
            guard case .tooLarge(let want, let have) = error as? KernelError else { return false }
            return want == needed && have > 0
        }
        let twoBranches = Layer.serial([.dense(DenseLayer(outDim: 2)), .fanOut(2)])
        #expect(throws: KernelError.self) { _ = try LayerKernel.compute(twoBranches, x, nil) }
        #expect(LayerKernel.estimatedBytes(Self.residual, n1: Int.max / 2, n2: 4) == Int.max)
    }

    /// The tiled path's estimate: both outputs, plus a few MiB of blocks per core.
    @Test func estimateCoversOutputsAndBlocks() {
        let bytes = LayerKernelTiles.estimatedBytes(n1: 1000, n2: 300)
        #expect(bytes >= 2 * 8 * 1000 * 300)
        #expect(bytes < 2 * 8 * 1000 * 300 + 64 << 20)
    }
}
