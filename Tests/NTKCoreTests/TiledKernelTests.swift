import Foundation
import TestSupport
import Testing

@testable import NTKCore

/// Kernels written tile by tile to a .npy file hold the numbers `AnalyticKernel.compute`
/// gives in memory, whatever the tile size, and leave no file behind when stopped.
@Suite struct TiledKernelTests {
    struct Stop: Error {}

    static func folder() throws -> URL {
        try TemporaryFolder("tiled").root
    }

    static func inputs(_ n: Int, _ d: Int, seed: UInt64) -> Matrix {
        var g = NumpyGenerator(seed: seed)
        return g.standardNormal(rows: n, cols: d)
    }

    static func maxRelativeDifference(_ a: Matrix, _ b: Matrix) -> Double {
        let scale = b.storage.map(abs).max() ?? 1
        return zip(a.storage, b.storage).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    @Test(arguments: [(Activation.relu, 7), (.erf, 16), (.gelu, 50), (.tanh, 13)])
    func symmetricKernelFileEqualsTheKernelInMemory(activation: Activation, tile: Int) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = MLP(widths: [64, 64], activation: activation, wStd: 1.5, bStd: 0.1)
        let x = Self.inputs(50, 6, seed: 3)
        for which in [KernelSelection.nngp, .ntk] {
            let url = dir.appendingPathComponent("K.npy")
            let written = try TiledKernel.write(net, x, nil, which, to: url, tile: tile) { () throws(Stop) in }
            #expect(written.rows == 50 && written.cols == 50 && written.tile == tile)
            let tilesPerSide = (50 + tile - 1) / tile
            #expect(
                written.blocks
                    == (activation == .tanh ? tilesPerSide * tilesPerSide : tilesPerSide * (tilesPerSide + 1) / 2))
            let fromFile = try NPY.read(from: url)
            let pair = try AnalyticKernel.compute(net, x, nil, which)
            let inMemory = which == .ntk ? pair.ntk : pair.nngp
            #expect(fromFile.rows == 50 && fromFile.cols == 50)
            #expect(Self.maxRelativeDifference(fromFile, inMemory) <= 1e-12, "\(activation) \(which)")
            if activation != .tanh {
                #expect(fromFile.storage == fromFile.transposed.storage, "the file is not exactly symmetric")
            }
        }
    }

    @Test func crossKernelFileEqualsTheKernelInMemory() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = MLP(widths: [32, 32, 32], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1)
        let x1 = Self.inputs(23, 5, seed: 1)
        let x2 = Self.inputs(41, 5, seed: 2)
        let url = dir.appendingPathComponent("K12.npy")
        let written = try TiledKernel.write(net, x1, x2, .ntk, to: url, tile: 9) { () throws(Stop) in }
        #expect(written.blocks == 3 * 5)
        let fromFile = try NPY.read(from: url)
        let inMemory = try AnalyticKernel.compute(net, x1, x2, .ntk).ntk
        #expect(fromFile.rows == 23 && fromFile.cols == 41)
        #expect(Self.maxRelativeDifference(fromFile, inMemory) <= 1e-12)
    }

    /// The cookbook's residual network (docs/language.md#builtins), and one with a Tanh branch (its
    /// quadrature is not symmetric, so every block is computed): N = 30 in tiles of 7.
    static let residual: Layer = {
        let block = Layer.serial([
            .fanOut(2),
            .parallel([.serial([.activation(.relu), .dense(DenseLayer(outDim: 16, wStd: 1.1))]), .identity]),
            .fanInSum
        ])
        return .serial([
            .dense(DenseLayer(outDim: 16, wStd: 1.5, bStd: 0.05)), block, block, .activation(.relu),
            .dense(DenseLayer(outDim: 1, wStd: 1.5))
        ])
    }()
    static let tanhBranch: Layer = .serial([
        .dense(DenseLayer(outDim: 8, wStd: 1.2, bStd: 0.1)), .fanOut(2),
        .parallel([.activation(.tanh(degree: 12)), .activation(.erf(a: 1, b: 1, c: 0))]),
        .fanInConcat, .dense(DenseLayer(outDim: 1))
    ])

    @Test(arguments: [("residual", 7), ("tanhBranch", 7), ("residual", 30)])
    func layerNetworkFileEqualsTheKernelInMemory(name: String, tile: Int) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = name == "residual" ? Self.residual : Self.tanhBranch
        let x = Self.inputs(30, 5, seed: 8)
        let z = Self.inputs(17, 5, seed: 9)
        let tiles = (30 + tile - 1) / tile
        for which in [KernelSelection.nngp, .ntk] {
            let url = dir.appendingPathComponent("K.npy")
            let written = try TiledKernel.write(net, x, nil, which, to: url, tile: tile) { () throws(Stop) in }
            #expect(written.rows == 30 && written.cols == 30 && written.tile == tile)
            #expect(written.blocks == (name == "residual" ? tiles * (tiles + 1) / 2 : tiles * tiles))
            let fromFile = try NPY.read(from: url)
            let pair = try LayerKernel.compute(net, x, nil, which)
            #expect(fromFile.rows == 30 && fromFile.cols == 30)
            #expect(
                Self.maxRelativeDifference(fromFile, which == .ntk ? pair.ntk : pair.nngp) <= 1e-12, "\(name) \(which)")
            if name == "residual" {
                #expect(fromFile.storage == fromFile.transposed.storage, "the file is not exactly symmetric")
            }
            let url12 = dir.appendingPathComponent("K12.npy")
            _ = try TiledKernel.write(net, x, z, which, to: url12, tile: tile) { () throws(Stop) in }
            let cross = try LayerKernel.compute(net, x, z, which)
            let fromFile12 = try NPY.read(from: url12)
            #expect(fromFile12.rows == 30 && fromFile12.cols == 17)
            #expect(Self.maxRelativeDifference(fromFile12, which == .ntk ? cross.ntk : cross.nngp) <= 1e-12)
        }
    }

    /// A layer network's block is sized from the layer walk's working set (never more than an
    /// MLP's tile for the same budget; the block-wise walk needs no more than the MLP's), and a
    /// tile too large is refused before any file appears.
    @Test func aLayerNetworksTileFollowsItsBranches() throws {
        let budget = 64 << 20
        let mlpTile = TiledKernel.tileSize(
            MLP(widths: [16], activation: .relu, wStd: 1, bStd: 0), budget: budget, limit: 1 << 20)
        let layerTile = TiledKernel.tileSize(Self.residual, budget: budget, limit: 1 << 20)
        #expect(layerTile <= mlpTile)
        #expect(TiledKernel.blockBytes(Self.residual, layerTile) <= budget / 4)
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("K.npy")
        #expect(throws: KernelError.self) {
            _ = try TiledKernel.write(Self.residual, Self.inputs(4, 3, seed: 0), nil, .ntk, to: url, tile: 3_000_000) {
                () throws(Stop) in
            }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    /// NT refuses the composition (an activation first): the error, and no file.
    @Test func aRefusedLayerNetworkLeavesNoFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("K.npy")
        let net = Layer.serial([.activation(.relu), .dense(DenseLayer(outDim: 1))])
        #expect(throws: KernelError.self) {
            _ = try TiledKernel.write(net, Self.inputs(9, 3, seed: 0), nil, .nngp, to: url, tile: 4) {
                () throws(Stop) in
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func aStoppedKernelLeavesNoFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = MLP(widths: [16], activation: .erf, wStd: 1, bStd: 0)
        let url = dir.appendingPathComponent("K.npy")
        var blocks = 0
        #expect(throws: Stop.self) {
            _ = try TiledKernel.write(net, Self.inputs(40, 3, seed: 0), nil, .nngp, to: url, tile: 10) {
                () throws(Stop) in
                blocks += 1
                if blocks == 3 { throw Stop() }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func aTileTooLargeForTheBudgetIsRefusedBeforeWriting() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = MLP(widths: [16], activation: .relu, wStd: 1, bStd: 0)
        let url = dir.appendingPathComponent("K.npy")
        #expect(throws: KernelError.self) {
            _ = try TiledKernel.write(net, Self.inputs(4, 3, seed: 0), nil, .ntk, to: url, tile: 3_000_000) {
                () throws(Stop) in
            }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
