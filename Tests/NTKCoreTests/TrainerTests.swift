import Testing

@testable import NTKCore

/// The pieces of `train` (LANGUAGE.md §11) below the language: the minibatch schedule, the
/// cross-entropy gradient, chunked runs, in-place updates for layer networks and momentum, and
/// the errors of bad options. Agreement with JAX is TrainingFixtureTests (Tests/LanguageTests).
@Suite struct TrainerTests {
    static func address(_ m: Matrix) -> UInt {
        m.storage.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    static let residual = Layer.serial([
        .dense(DenseLayer(outDim: 16, wStd: 1.5, bStd: 0.1)), .fanOut(2),
        .parallel([
            .serial([.activation(.erf(a: 1, b: 1, c: 0)), .dense(DenseLayer(outDim: 16, bStd: 0.05))]), .identity
        ]),
        .fanInSum, .activation(.relu), .dense(DenseLayer(outDim: 3, wStd: 1.5, bStd: 0.1))
    ])

    static func problem(rows: Int = 9) -> (x: Matrix, y: Matrix, mlp: MLP, p: NetworkParams, q: NetworkParams) {
        var rng = NumpyGenerator(seed: 3)
        let x = rng.standardNormal(rows: rows, cols: 4)
        var y = Matrix(rows: rows, cols: 3)
        for i in 0..<rows { y[i, i % 3] = 1 }
        let mlp = MLP(widths: [16, 16], activation: .erf, wStd: 1.4, bStd: 0.1, outDim: 3)
        let p = mlp.initialize(inputWidth: 4, generator: &rng)
        let q = try! LayerShapes(residual, inputWidth: 4).initialize(generator: &rng)
        return (x, y, mlp, p, q)
    }

    /// Each epoch is one permutation of the rows, sliced in order, the last slice shorter; the
    /// next epoch draws the next permutation of the same stream.
    @Test func minibatchesSliceOnePermutationPerEpoch() {
        var batches = Minibatches(rows: 7, batchSize: 3, generator: NumpyGenerator(seed: 5))
        var g = NumpyGenerator(seed: 5)
        var expected: [[Int]] = []
        for _ in 0..<3 {
            let order = g.permutation(7)
            expected += [Array(order[0..<3]), Array(order[3..<6]), [order[6]]]
        }
        let got = (0..<9).map { _ in Array(batches.next()) }
        #expect(got == expected)
        #expect(batches.stepsPerEpoch == 3)
        var left = batches.generator
        #expect(left.permutation(7) == g.permutation(7), "the stream continues after three epochs")

        var whole = Minibatches(rows: 5, batchSize: 5, generator: NumpyGenerator(seed: 2))
        var h = NumpyGenerator(seed: 2)
        for _ in 0..<3 { #expect(Array(whole.next()) == h.permutation(5)) }
    }

    /// ∂L/∂f of the cross-entropy against central differences of its value, for rows of class
    /// probabilities that do not sum to 1 (the general formula, not only softmax − Y).
    @Test func crossEntropyGradientIsTheDerivativeOfTheLoss() {
        var rng = NumpyGenerator(seed: 8)
        let f = rng.standardNormal(rows: 4, cols: 3)
        let y = rng.uniform(rows: 4, cols: 3)
        for kind in TrainingLoss.allCases {
            let g = kind.gradient(f, y)
            let h = 1e-6
            for i in 0..<f.count {
                var up = f
                var down = f
                up.storage[i] += h
                down.storage[i] -= h
                let numeric = (kind.value(up, y) - kind.value(down, y)) / (2 * h)
                #expect(abs(numeric - g.storage[i]) <= 1e-8, "\(kind) entry \(i)")
            }
        }
    }

    /// Chunks of a run give exactly the parameters and records of one run, with momentum,
    /// minibatches and cross-entropy, for an `mlp` and a layer network.
    @Test(arguments: [false, true])
    func chunksEqualOneRun(layer: Bool) throws {
        let (x, y, mlp, p, q) = Self.problem()
        let options = TrainingOptions(
            steps: 11, learningRate: 0.4, loss: .crossEntropy, optimizer: .momentum(mass: 0.9), batchSize: 4,
            recordEvery: 3)
        func trainer() throws -> Trainer {
            layer
                ? try Trainer(Self.residual, q, x, y, options: options, generator: NumpyGenerator(seed: 1))
                : try Trainer(mlp, p, x, y, options: options, generator: NumpyGenerator(seed: 1))
        }
        var whole = try trainer()
        try whole.run(updates: 11)
        let one = try whole.finish()
        var chunked = try trainer()
        for n in [1, 2, 4, 100] { try chunked.run(updates: n) }
        let pieces = try chunked.finish()
        #expect(one == pieces)
        #expect(one.recordedSteps == [0, 3, 6, 9, 11])
        #expect(one.recordedLosses.last! < one.recordedLosses.first!, "training lowers the loss")
        var a = try #require(whole.generator)
        var b = try #require(chunked.generator)
        #expect(a.nextUInt64() == b.nextUInt64(), "both streams have drawn the same permutations")
    }

    /// After the first update, momentum runs and layer networks update the weights where they
    /// are: no step copies a weight matrix (or the velocity).
    @Test(arguments: [(false, true), (true, false), (true, true)])
    func updatesKeepTheWeightStorage(layer: Bool, momentum: Bool) throws {
        let (x, y, mlp, p, q) = Self.problem()
        let options = TrainingOptions(
            steps: 6, learningRate: 0.1, optimizer: momentum ? .momentum(mass: 0.5) : .sgd, batchSize: 5)
        var t =
            layer
            ? try Trainer(Self.residual, q, x, y, options: options, generator: NumpyGenerator(seed: 0))
            : try Trainer(mlp, p, x, y, options: options, generator: NumpyGenerator(seed: 0))
        try t.run(updates: 1)
        let before = t.params.weights.map(Self.address)
        try t.run(updates: 5)
        #expect(t.params.weights.map(Self.address) == before)
        #expect(t.params.weights != (layer ? q : p).weights)
    }

    /// Bad options are refused before any step, and a divergence names the step counted from
    /// the start of the run, whatever the chunks.
    @Test func badOptionsAndDivergence() throws {
        let (x, y, mlp, p, q) = Self.problem()
        func error(_ o: TrainingOptions, layer: Bool = false) -> NetworkError? {
            var g = NumpyGenerator(seed: 0)
            do {
                if layer {
                    _ = try Self.residual.trainingRun(q, x, y, options: o, generator: &g)
                } else {
                    _ = try mlp.trainingRun(p, x, y, options: o, generator: &g)
                }
                return nil
            } catch { return error }
        }
        for layer in [false, true] {
            for m in [1.0, -0.1, .nan, .infinity] {
                let o = TrainingOptions(steps: 1, learningRate: 0.1, optimizer: .momentum(mass: m))
                #expect(error(o, layer: layer) == .invalidMomentum(m) || m.isNaN)
            }
            #expect(
                error(TrainingOptions(steps: 1, learningRate: 0.1, batchSize: 0), layer: layer)
                    == .invalidBatchSize(0, rows: 9))
            #expect(
                error(TrainingOptions(steps: 1, learningRate: 0.1, batchSize: 10), layer: layer)
                    == .invalidBatchSize(10, rows: 9))
            #expect(
                error(TrainingOptions(steps: 1, learningRate: 0.1, recordEvery: 0), layer: layer)
                    == .invalidRecordInterval(0))
            #expect(
                error(TrainingOptions(steps: 1, learningRate: 0.1, optimizer: .momentum(mass: 0.99)), layer: layer)
                    == nil)
        }
        let wild = TrainingOptions(steps: 200, learningRate: 1e4, optimizer: .momentum(mass: 0.9), batchSize: 2)
        guard case .divergedAt(let step, _)? = error(wild) else {
            Issue.record("no divergence")
            return
        }
        var t = try Trainer(mlp, p, x, y, options: wild, generator: NumpyGenerator(seed: 0))
        do {
            for _ in 0..<200 { try t.run(updates: 1) }
            Issue.record("no divergence in chunks of one step")
        } catch {
            guard case .divergedAt(let s, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(s == step)
        }
        #expect(step > 1)
    }
}
