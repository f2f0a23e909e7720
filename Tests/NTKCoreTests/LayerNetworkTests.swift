import Foundation
import Testing

@testable import NTKCore

/// Finite `Layer` networks: an `mlp`'s serial gives the `MLP` code's parameters, outputs,
/// empirical NTK and training; the reverse mode agrees with finite differences on the layers
/// the MLP does not have; the empirical NTK of a wide residual network approaches its
/// analytic NTK.
@Suite struct LayerNetworkTests {
    static let x = AnalyticFixtures.gaussian(rows: 4, cols: 3, seed: 21)
    static let x2 = AnalyticFixtures.gaussian(rows: 3, cols: 3, seed: 22)

    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double { LayerKernelTests.relativeError(a, b) }

    @Test(arguments: [(Activation.relu, Parameterization.ntk), (.erf, .standard), (.gelu, .ntk), (.tanh, .standard)])
    func mlpSerialMatchesTheMLPCode(_ act: Activation, _ par: Parameterization) throws {
        let mlp = MLP(
            widths: [5, 4], activation: act, wStd: 1.3, bStd: 0.2, wStdOut: 0.9, bStdOut: .some(nil),
            parameterization: par, outDim: 2)
        let layer = mlp.asLayer
        var g1 = NumpyGenerator(seed: 3)
        var g2 = NumpyGenerator(seed: 3)
        let p = mlp.initialize(inputWidth: 3, generator: &g1)
        let shapes = try LayerShapes(layer, inputWidth: 3)
        #expect(shapes.initialize(generator: &g2) == p)
        #expect(try shapes.validated(p) == p)
        #expect(Self.relativeError(layer.apply(p, Self.x), mlp.apply(p, Self.x)) < 1e-14)
        #expect(Self.relativeError(layer.empiricalNTK(p, Self.x, nil), mlp.empiricalNTK(p, Self.x, nil)) < 1e-13)
        #expect(
            Self.relativeError(layer.empiricalNTK(p, Self.x, Self.x2), mlp.empiricalNTK(p, Self.x, Self.x2)) < 1e-13)
        let y = Matrix(rows: 4, cols: 2) { Double($0) - Double($1) }
        let a = try layer.train(p, Self.x, y, steps: 5, learningRate: 0.1)
        let b = try mlp.train(p, Self.x, y, steps: 5, learningRate: 0.1)
        for (wa, wb) in zip(a.weights, b.weights) { #expect(Self.relativeError(wa, wb) < 1e-12) }
        #expect(abs(layer.loss(a, Self.x, y) - mlp.loss(b, Self.x, y)) < 1e-12)
    }

    /// Every parameter's gradient of Σ f (via the empirical NTK's Jacobian) against central
    /// differences, through LayerNorm, FanInProd, FanInConcat, a residual sum and activations.
    @Test func reverseModeMatchesFiniteDifferences() throws {
        let net = Layer.serial([
            .dense(DenseLayer(outDim: 4, wStd: 1.2, bStd: 0.3)), .layerNorm(eps: 1e-5),
            .fanOut(3),
            .parallel([
                .serial([.activation(.gelu(approximate: true)), .dense(DenseLayer(outDim: 4))]),
                .activation(.sin(a: 1, b: 1.3, c: 0.2)), .identity
            ]),
            .fanInProd,
            .fanOut(2),
            .parallel([.activation(.erf(a: 1, b: 1, c: 0)), .dense(DenseLayer(outDim: 2, parameterization: .standard))]
            ),
            .fanInConcat, .dense(DenseLayer(outDim: 1, bStd: 0.1))
        ])
        let shapes = try LayerShapes(net, inputWidth: 3)
        var g = NumpyGenerator(seed: 5)
        let p = shapes.initialize(generator: &g)
        let row = Self.x.submatrix(rows: 0..<1, cols: 0..<3)
        // Θ(x, x) = |∇f|²; check ∇f entry by entry through a one-sided probe of apply.
        let tape = LayerTape.forward(net, p, row)
        var sink = LayerTape.GradientSink(grads: LayerTape.zeros(like: p))
        _ = tape.backward([Matrix(rows: 1, cols: 1, repeating: 1)], &sink)
        let grads = sink.grads!
        var worst = 0.0
        for l in 0..<p.weights.count {
            for i in 0..<p.weights[l].count {
                var up = p
                var down = p
                up.weights[l].storage[i] += 1e-6
                down.weights[l].storage[i] -= 1e-6
                let fd = (net.apply(up, row)[0, 0] - net.apply(down, row)[0, 0]) / 2e-6
                worst = max(worst, abs(fd - grads.weights[l].storage[i]))
            }
        }
        #expect(worst < 1e-7)
        let theta = net.empiricalNTK(p, row, nil)[0, 0]
        let norm2 =
            grads.weights.reduce(0) { $0 + $1.storage.reduce(0) { $0 + $1 * $1 } }
            + grads.biases.reduce(0) { $0 + ($1?.storage.reduce(0) { $0 + $1 * $1 } ?? 0) }
        #expect(abs(theta - norm2) < 1e-12 * norm2)
    }

    @Test func repeatDrawsSeparateParameters() throws {
        let block = Layer.serial([.dense(DenseLayer(outDim: 3, bStd: 0.1)), .activation(.relu)])
        let shapes = try LayerShapes(.serial([.repeated(block, 2), .dense(DenseLayer(outDim: 1))]), inputWidth: 3)
        #expect(shapes.dense.map(\.fanIn) == [3, 3, 3])
        var g = NumpyGenerator(seed: 1)
        let p = shapes.initialize(generator: &g)
        #expect(p.weights[0] != p.weights[1])
    }

    @Test func structureErrors() {
        #expect(throws: NetworkError.self) {
            try LayerShapes(
                .serial([
                    .fanOut(2), .parallel([.dense(DenseLayer(outDim: 2)), .dense(DenseLayer(outDim: 3))]), .fanInSum
                ]), inputWidth: 3)
        }
        #expect(throws: NetworkError.self) {
            try LayerShapes(.serial([.fanOut(2), .parallel([.identity])]), inputWidth: 3)
        }
    }

    /// The empirical NTK of a residual ReLU network approaches the analytic NTK as the width
    /// grows: the error shrinks about like 1/√width (slope ≈ −1/2 on a log-log plot).
    @Test func wideResidualNetworkConvergesToTheAnalyticNTK() throws {
        func net(_ n: Int) -> Layer {
            let block = Layer.serial([
                .fanOut(2),
                .parallel([.serial([.activation(.relu), .dense(DenseLayer(outDim: n, wStd: 1.1))]), .identity]),
                .fanInSum
            ])
            return .serial([
                .dense(DenseLayer(outDim: n, wStd: 1.5, bStd: 0.05)), block, .activation(.relu),
                .dense(DenseLayer(outDim: 1, wStd: 1.5))
            ])
        }
        let exact = try LayerKernel.compute(net(1), Self.x, nil).ntk
        var errors: [Double] = []
        for n in [32, 2048] {
            var e = 0.0
            for seed in 0..<6 {
                var g = NumpyGenerator(seed: UInt64(seed))
                let p = try LayerShapes(net(n), inputWidth: 3).initialize(generator: &g)
                e += Self.relativeError(net(n).empiricalNTK(p, Self.x, nil), exact) / 6
            }
            errors.append(e)
        }
        let slope = log(errors[1] / errors[0]) / log(2048.0 / 32)
        #expect(slope < -0.25 && slope > -0.9, "slope \(slope), errors \(errors)")
    }
}
