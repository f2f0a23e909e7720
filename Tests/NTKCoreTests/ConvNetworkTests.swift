import Foundation
import Testing

@testable import NTKCore

/// Finite convolutional networks beyond the NT fixtures: reverse mode against central
/// differences through every spatial layer (each padding, strides, windows that do not divide
/// the image, several channels), the empirical NTK as the Gram of explicit per-sample
/// gradients (symmetric and general paths, across a tile edge), a 1×1 Conv equal to a Dense on
/// images, training that lowers the loss, and the memory estimate growing with the patches.
@Suite struct ConvNetworkTests {
    static let shape = FeatureShape.image(height: 5, width: 4, channels: 2)

    static func images(_ n: Int, seed: UInt64, shape: FeatureShape = shape) -> Matrix {
        AnalyticFixtures.gaussian(rows: n, cols: shape.size, seed: seed)
    }

    static func conv(
        _ out: Int, _ fh: Int, _ fw: Int, strides: (Int, Int) = (1, 1), _ padding: Padding = .valid,
        bias: Double? = 0.1, parameterization: Parameterization = .ntk
    ) -> Layer {
        .conv(
            ConvLayer(
                affine: DenseLayer(outDim: out, wStd: 1.3, bStd: bias, parameterization: parameterization),
                filterHeight: fh, filterWidth: fw, strideHeight: strides.0, strideWidth: strides.1,
                padding: padding))
    }

    static func pool(_ wh: Int, _ ww: Int, strides: (Int, Int) = (1, 1), _ padding: Padding = .valid) -> Layer {
        .avgPool(
            PoolLayer(
                windowHeight: wh, windowWidth: ww, strideHeight: strides.0, strideWidth: strides.1, padding: padding))
    }

    static let erf = Layer.activation(.erf(a: 1, b: 1, c: 0))

    /// One network per spatial layer under test, each ending in a read-out with 2 outputs.
    static let networks: [(String, Layer)] = {
        var list: [(String, [Layer])] = []
        list.append(("conv VALID strides", [conv(3, 2, 3, strides: (2, 1)), erf, .flatten]))
        list.append(
            (
                "conv SAME strides",
                [conv(3, 3, 2, strides: (2, 2), .same), .activation(.gelu(approximate: true)), .flatten]
            ))
        list.append(
            (
                "conv CIRCULAR",
                [
                    conv(2, 3, 3, .circular, parameterization: .standard), .activation(.sin(a: 1, b: 1, c: 0.3)),
                    .globalAvgPool
                ]
            ))
        list.append(
            (
                "conv CIRCULAR strides, filter wider than the image",
                [conv(2, 2, 5, strides: (2, 3), .circular), .flatten]
            ))
        list.append(("AvgPool SAME strides", [conv(3, 2, 2, .same), erf, pool(3, 2, strides: (2, 1), .same), .flatten]))
        list.append(("AvgPool VALID", [conv(2, 1, 1), erf, pool(2, 3), .flatten]))
        list.append(("AvgPool CIRCULAR", [pool(2, 2, .circular), conv(2, 2, 2, bias: nil), .globalAvgPool]))
        let dense = Layer.dense(DenseLayer(outDim: 3, wStd: 1.2, bStd: 0.2))
        list.append(("Dense on images, GlobalAvgPool", [dense, erf, .globalAvgPool]))
        let branch = Layer.serial([erf, conv(3, 3, 3, .same, bias: nil)])
        let residual: [Layer] = [
            conv(3, 3, 3, .same), .fanOut(2), .parallel([branch, .identity]), .fanInSum, .fanOut(2),
            .parallel([.identity, conv(1, 1, 1)]), .fanInConcat, .layerNorm(eps: 1e-5), .flatten
        ]
        list.append(("residual conv block, concat", residual))
        let readOut = Layer.dense(DenseLayer(outDim: 2, wStd: 1.1, bStd: 0.1))
        return list.map { ($0.0, Layer.serial($0.1 + [readOut])) }
    }()

    static func parameters(_ net: Layer, seed: UInt64 = 7) throws -> NetworkParams {
        var g = NumpyGenerator(seed: seed)
        return try LayerShapes(net, input: shape).initialize(generator: &g)
    }

    /// ∇ of f_0 + 2 f_1 for one sample, every weight and bias entry against central differences,
    /// and Θ(x, x) of the empirical NTK against the mean over outputs of |∇f_c|².
    @Test(arguments: 0..<networks.count)
    func reverseModeMatchesFiniteDifferences(_ which: Int) throws {
        let (name, net) = Self.networks[which]
        let p = try Self.parameters(net)
        let x = Self.images(1, seed: 11)
        func objective(_ q: NetworkParams) -> Double {
            let f = net.apply(q, x, input: Self.shape)
            return f[0, 0] + 2 * f[0, 1]
        }
        let tape = LayerTape.forward(net, p, x, input: Self.shape)
        var sink = LayerTape.GradientSink(grads: LayerTape.zeros(like: p))
        _ = tape.backward([Matrix(rowArrays: [[1, 2]])], &sink)
        let grads = sink.grads!
        var worst = 0.0
        var largest = 0.0
        let h = 1e-6
        for l in 0..<p.weights.count {
            for i in 0..<p.weights[l].count {
                var up = p
                var down = p
                up.weights[l].storage[i] += h
                down.weights[l].storage[i] -= h
                let fd = (objective(up) - objective(down)) / (2 * h)
                worst = max(worst, abs(fd - grads.weights[l].storage[i]))
                largest = max(largest, abs(fd))
            }
            guard let b = p.biases[l] else { continue }
            for i in 0..<b.count {
                var up = p
                var down = p
                up.biases[l]!.storage[i] += h
                down.biases[l]!.storage[i] -= h
                let fd = (objective(up) - objective(down)) / (2 * h)
                worst = max(worst, abs(fd - grads.biases[l]!.storage[i]))
            }
        }
        #expect(largest > 1e-3, "\(name): the objective depends on the weights")
        #expect(worst < 1e-7, "\(name): worst |reverse − central difference| \(worst)")
    }

    /// Each sample's full parameter gradient for output c, by one backward pass per sample.
    static func jacobian(_ net: Layer, _ p: NetworkParams, _ x: Matrix, output c: Int, shape: FeatureShape) -> Matrix {
        var rows: [[Double]] = []
        for a in 0..<x.rows {
            let row = x.submatrix(rows: a..<(a + 1), cols: 0..<x.cols)
            let tape = LayerTape.forward(net, p, row, input: shape)
            var cot = Matrix(rows: 1, cols: tape.outputs[0].cols)
            cot[0, c] = 1
            var sink = LayerTape.GradientSink(grads: LayerTape.zeros(like: p))
            _ = tape.backward([cot], &sink)
            let g = sink.grads!
            rows.append(g.weights.flatMap(\.storage) + g.biases.flatMap { $0?.storage ?? [] })
        }
        return Matrix(rowArrays: rows)
    }

    /// Θ(X1, X2) = mean_c J1_c J2_cᵀ with J from per-sample backward passes (independent of the
    /// per-sample gradient matrices and the tiled Gram); K(X, X) through the symmetric path
    /// equals K(X, X) given as two inputs. 260 samples cross the 256-wide tiles.
    @Test(arguments: [(0, 5), (4, 260), (8, 6)])
    func empiricalNTKIsTheGramOfPerSampleGradients(_ which: Int, _ n: Int) throws {
        let net = Self.networks[which].1
        let p = try Self.parameters(net)
        let x1 = Self.images(n, seed: 12)
        let x2 = Self.images(3, seed: 13)
        var expected11 = Matrix(rows: n, cols: n)
        var expected12 = Matrix(rows: n, cols: 3)
        for c in 0..<2 {
            let j1 = Self.jacobian(net, p, x1, output: c, shape: Self.shape)
            let j2 = Self.jacobian(net, p, x2, output: c, shape: Self.shape)
            let k11 = j1.matmulTransposed(j1)
            let k12 = j1.matmulTransposed(j2)
            for i in 0..<expected11.count { expected11.storage[i] += k11.storage[i] / 2 }
            for i in 0..<expected12.count { expected12.storage[i] += k12.storage[i] / 2 }
        }
        let symmetric = net.empiricalNTK(p, x1, nil, input: Self.shape)
        let general = net.empiricalNTK(p, x1, x1, input: Self.shape)
        #expect(LayerKernelTests.relativeError(symmetric, expected11) < 1e-13)
        #expect(LayerKernelTests.relativeError(general, expected11) < 1e-13)
        #expect(LayerKernelTests.relativeError(net.empiricalNTK(p, x1, x2, input: Self.shape), expected12) < 1e-13)
    }

    /// `addWide` (one tile of Θ, the inner dimension split over the cores) adds alpha·A Bᵀ as
    /// the plain product does, symmetric (upper triangle, mirrored) and general.
    @Test(arguments: [1, 9, 40])
    func addWideEqualsTheProduct(_ n: Int) {
        let a = AnalyticFixtures.gaussian(rows: n, cols: 1_001, seed: 21)
        let b = AnalyticFixtures.gaussian(rows: 7, cols: 1_001, seed: 22)
        let symmetric = GramAccumulator(rows: n, cols: n, symmetric: true)
        let general = GramAccumulator(rows: n, cols: 7, symmetric: false)
        #expect(symmetric.isOneTile && general.isOneTile)
        BLASThreads.singleThreaded {
            symmetric.accumulate([], initialize: true)
            symmetric.addWide(a, nil, alpha: 0.5)
            general.accumulate([], initialize: true)
            general.addWide(a, b, alpha: 0.5)
        }
        let aa = a.matmulTransposed(a).map { 0.5 * $0 }
        let ab = a.matmulTransposed(b).map { 0.5 * $0 }
        #expect(LayerKernelTests.relativeError(symmetric.finish(), aa) < 1e-14)
        #expect(LayerKernelTests.relativeError(general.finish(), ab) < 1e-14)
    }

    /// A 1×1 Conv is a Dense acting on the channels at every position (same draws, same numbers).
    @Test func oneByOneConvIsDenseOnImages() throws {
        let tail: [Layer] = [.activation(.relu), .globalAvgPool, .dense(DenseLayer(outDim: 1, wStd: 1.2))]
        let conv = Layer.serial([Self.conv(4, 1, 1)] + tail)
        let dense = Layer.serial([.dense(DenseLayer(outDim: 4, wStd: 1.3, bStd: 0.1))] + tail)
        let p = try Self.parameters(conv)
        #expect(try Self.parameters(dense) == p)
        let x = Self.images(4, seed: 14)
        #expect(
            LayerKernelTests.relativeError(conv.apply(p, x, input: Self.shape), dense.apply(p, x, input: Self.shape))
                < 1e-14)
        #expect(
            LayerKernelTests.relativeError(
                conv.empiricalNTK(p, x, nil, input: Self.shape), dense.empiricalNTK(p, x, nil, input: Self.shape))
                < 1e-14)
    }

    /// Gradient descent on a small conv network lowers the loss, and the steps add up: 100 steps
    /// equal 40 then 60 (the `train` builtin runs its steps in chunks).
    @Test func trainingLowersTheLoss() throws {
        let net = Self.networks[4].1
        let p = try Self.parameters(net)
        let x = Self.images(6, seed: 15)
        let y = AnalyticFixtures.gaussian(rows: 6, cols: 2, seed: 16)
        let q = try net.train(p, x, y, steps: 100, learningRate: 1, input: Self.shape)
        let before = net.loss(p, x, y, input: Self.shape)
        let after = net.loss(q, x, y, input: Self.shape)
        #expect(after < 0.5 * before, "\(before) → \(after)")
        let half = try net.train(p, x, y, steps: 40, learningRate: 1, input: Self.shape)
        let rest = try net.train(half, x, y, steps: 60, learningRate: 1, input: Self.shape)
        for (a, b) in zip(rest.weights, q.weights) { #expect(a == b) }
    }

    /// The estimate counts each Conv's patches (fan_in per output position) and per-sample
    /// gradients (fan_in × out_chan), so a wider filter or more channels raise it.
    @Test func memoryEstimateGrowsWithPatchesAndChannels() throws {
        let input = FeatureShape.image(height: 16, width: 16, channels: 3)
        func bytes(_ out: Int, _ f: Int) -> Int {
            Layer.serial([
                Self.conv(out, f, f, .same), .activation(.relu), .globalAvgPool, .dense(DenseLayer(outDim: 1))
            ])
            .empiricalNTKEstimatedBytes(n1: 100, n2: nil, input: input)
        }
        // Θ (3·n²) plus, per sample, the patches twice: 2·256·(f²·3) doubles.
        #expect(bytes(8, 3) >= 8 * (3 * 100 * 100 + 100 * 2 * 256 * 27))
        #expect(bytes(8, 5) > bytes(8, 3))
        #expect(bytes(64, 3) > bytes(8, 3) + 8 * 100 * 27 * 56)
        // Images that the filter does not fit: no estimate beyond Θ.
        let small = FeatureShape.image(height: 2, width: 2, channels: 1)
        #expect(
            Layer.serial([Self.conv(2, 3, 3), .flatten, .dense(DenseLayer(outDim: 1))])
                .empiricalNTKEstimatedBytes(n1: 10, n2: nil, input: small) == 8 * 300)
    }
}
