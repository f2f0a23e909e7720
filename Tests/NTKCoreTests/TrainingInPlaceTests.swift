import Testing

@testable import NTKCore

/// Gradient descent updates the weights where they are: a step that copied a shared weight
/// matrix before updating it moved 128 MB per step at width 4096 (notebook 02).
@Suite struct TrainingInPlaceTests {
    static func address(_ m: Matrix) -> UInt {
        m.storage.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    @Test func descentStepsReuseTheWeightStorage() {
        let net = MLP(widths: [64, 64], activation: .relu, wStd: 1.4, bStd: 0.1)
        var rng = NumpyGenerator(seed: 0)
        let x = rng.standardNormal(rows: 8, cols: 3)
        let y = rng.standardNormal(rows: 8, cols: 1)
        var p = net.initialize(inputWidth: 3, generator: &rng)
        // Make the first step's copy (p shared with nothing now) out of the way.
        p.weights = p.weights.map { Matrix(rows: $0.rows, cols: $0.cols, storage: Array($0.storage)) }
        let before = p.weights.map(Self.address)
        for _ in 0..<3 {
            let trace = net.forward(p, x, keep: true)
            var g = trace.output
            for i in 0..<g.count { g.storage[i] = (g.storage[i] - y.storage[i]) / Double(y.count) }
            net.descend(&p, trace: trace, gradient: g, learningRate: 0.1)
        }
        #expect(p.weights.map(Self.address) == before)
    }

    /// Chunks of in-place training (as the `train` builtin runs them) give the parameters and
    /// the numbers of one `trainingRun`, and after the first chunk keep the weights where they are.
    @Test func chunksInPlaceEqualOneRunAndKeepTheirStorage() throws {
        let net = MLP(widths: [32, 32], activation: .erf, wStd: 1.3, bStd: 0.2)
        var rng = NumpyGenerator(seed: 1)
        let x = rng.standardNormal(rows: 6, cols: 4)
        let y = rng.standardNormal(rows: 6, cols: 1)
        let start = net.initialize(inputWidth: 4, generator: &rng)
        let whole = try net.trainingRun(start, x, y, steps: 7, learningRate: 0.3).params
        var p = start
        try net.train(&p, x, y, steps: 1, learningRate: 0.3)
        #expect(start.weights[1] != p.weights[1], "the caller's parameters are not changed")
        let after = p.weights.map(Self.address)
        for n in [2, 4] { try net.train(&p, x, y, steps: n, learningRate: 0.3) }
        #expect(p == whole)
        #expect(p.weights.map(Self.address) == after)
    }
}
