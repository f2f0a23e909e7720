import Foundation
import Testing

@testable import NTKCore

/// The fused row path of layer-network kernels (`LayerKernelProgram`): networks of Dense,
/// Identity, ReLU, FanOut, parallel and FanInSum give the block walk's numbers bit for bit
/// and the untiled walk's within 1e-12, for every Dense variant, three-way sums, repeated and
/// zero inputs, sizes off the block side, K(X, X) and K(X1, X2), each kernel selection.
@Suite struct LayerKernelProgramTests {
    /// 'standard' and 'ntk' Dense layers with and without bias, a three-way residual sum with
    /// an Identity branch, ReLU straight after a sum.
    static let net: Layer = .serial([
        .dense(DenseLayer(outDim: 9, wStd: 1.3, bStd: 0.2, parameterization: .standard)),
        .fanOut(3),
        .parallel([
            .serial([.activation(.relu), .dense(DenseLayer(outDim: 9, wStd: 1.1))]),
            .identity,
            .serial([
                .activation(.relu), .dense(DenseLayer(outDim: 9, wStd: 0.7, bStd: 0.4)), .activation(.relu),
                .dense(DenseLayer(outDim: 9, wStd: 1.2, parameterization: .standard))
            ])
        ]),
        .fanInSum,
        .activation(.relu),
        .dense(DenseLayer(outDim: 1, wStd: 1.5, bStd: 0.1, parameterization: .standard))
    ])

    static func inputs(rows: Int, seed: UInt64) -> Matrix {
        var x = AnalyticFixtures.gaussian(rows: rows, cols: 5, seed: seed)
        for j in 0..<5 {
            x[7, j] = x[3, j]  // θ = 0 off the diagonal
            x[11, j] = 0  // q = 0
        }
        return x
    }

    @Test func coversResidualNetworksOnly() {
        let v = [1.0, 2.0]
        #expect(LayerKernelProgram(Self.net, v1: v, v2: nil, inputWidth: 5) != nil)
        #expect(LayerKernelProgram(LayerKernelTilesTests.residual, v1: v, v2: v, inputWidth: 5) != nil)
        #expect(LayerKernelProgram(LayerKernelTilesTests.fanIns, v1: v, v2: nil, inputWidth: 5) == nil)
        let erf = Layer.serial([.dense(DenseLayer(outDim: 3)), .activation(.erf(a: 1, b: 1, c: 0))])
        #expect(LayerKernelProgram(erf, v1: v, v2: nil, inputWidth: 5) == nil)
    }

    @Test(arguments: [KernelSelection.both, .nngp, .ntk])
    func equalsBlockWalkAndUntiledWalk(_ which: KernelSelection) throws {
        let x1 = Self.inputs(rows: 2 * LayerKernelTiles.fusedSide + 13, seed: 31)
        let x2 = Self.inputs(rows: LayerKernelTiles.fusedSide + 3, seed: 32)
        for (a, b, label) in [(x1, nil, "K(X, X)"), (x1, x2, "K(X1, X2)"), (x2, x1, "K(X2, X1)")]
            as [(Matrix, Matrix?, String)]
        {
            let fused = try LayerKernelTiles.compute(Self.net, a, b, wantNTK: which.wantsNTK)
            let blocks = try LayerKernelTiles.compute(Self.net, a, b, wantNTK: which.wantsNTK, fused: false)
            #expect(fused.nngp == blocks.nngp, "\(label) NNGP")
            #expect(fused.ntk == blocks.ntk, "\(label) NTK")
            try LayerKernelTilesTests.expectSame(Self.net, a, b, which, "\(label)")
        }
    }

    /// A kernel that overflows is refused, not returned with infinities (the fused path checks
    /// every entry it writes), for K(X, X) and K(X1, X2).
    @Test func overflowIsAnError() {
        let huge = Layer.serial([
            .dense(DenseLayer(outDim: 4, wStd: 1e120)), .fanOut(2),
            .parallel([.serial([.activation(.relu), .dense(DenseLayer(outDim: 4, wStd: 1e120))]), .identity]),
            .fanInSum, .dense(DenseLayer(outDim: 1, wStd: 1e120))
        ])
        #expect(LayerKernelProgram(huge, v1: [1], v2: nil, inputWidth: 3) != nil)
        let x = AnalyticFixtures.gaussian(rows: LayerKernelTiles.fusedSide + 5, cols: 3, seed: 33)
        for x2 in [nil, x] as [Matrix?] {
            #expect {
                _ = try LayerKernel.compute(huge, x, x2)
            } throws: { error in
                guard case .overflow = error as? KernelError else { return false }
                return true
            }
        }
    }
}
