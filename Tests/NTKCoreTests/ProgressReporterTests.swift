import Foundation
import TestSupport
import Testing

@testable import NTKCore

/// NTKCore's long loops say how far they are through the `ProgressReporter` bound while they
/// run: training each step with its loss, tiled kernels each tile; at most one report per
/// interval.
@Suite struct ProgressReporterTests {
    /// A fake reporter's log.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [ProgressReporter.Event] = []
        func add(_ e: ProgressReporter.Event) { lock.withLock { list.append(e) } }
        var all: [ProgressReporter.Event] { lock.withLock { list } }
    }

    static func network() -> (MLP, NetworkParams, Matrix, Matrix) {
        let net = MLP(widths: [16], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1, outDim: 1)
        var rng = NumpyGenerator(seed: 5)
        let x = rng.standardNormal(rows: 12, cols: 3)
        let y = rng.standardNormal(rows: 12, cols: 1)
        return (net, net.initialize(inputWidth: 3, generator: &rng), x, y)
    }

    @Test func trainingReportsEachStepWithItsLoss() throws {
        let (net, p, x, y) = Self.network()
        let events = Events()
        let reporter = ProgressReporter(interval: 0, report: events.add)
        let run = try ProgressReporter.$current.withValue(reporter) {
            try net.trainingRun(p, x, y, steps: 25, learningRate: 0.1)
        }
        // The losses the run returns are the ones it reported, step by step.
        let expected = run.losses.enumerated().map { ProgressReporter.Event.step(done: $0, total: 25, loss: $1) }
        #expect(events.all == expected)
    }

    @Test func nothingIsReportedWithoutAReporter() throws {
        let (net, p, x, y) = Self.network()
        let events = Events()
        _ = ProgressReporter(interval: 0, report: events.add)
        _ = try net.trainingRun(p, x, y, steps: 5, learningRate: 0.1)
        #expect(events.all.isEmpty)
    }

    @Test func aChunkCountsTheStepsOfTheWholeRun() throws {
        let (net, p, x, y) = Self.network()
        let events = Events()
        let reporter = ProgressReporter(interval: 0, report: events.add)
        let first = try ProgressReporter.$current.withValue(reporter.chunk(from: 0, of: 10)) {
            try net.trainingRun(p, x, y, steps: 4, learningRate: 0.1)
        }
        let second = try ProgressReporter.$current.withValue(reporter.chunk(from: 4, of: 10)) {
            try net.trainingRun(first.params, x, y, steps: 6, learningRate: 0.1)
        }
        let steps = events.all.map { event -> Int in
            if case .step(let done, let total, _) = event, total == 10 { return done }
            return -1
        }
        #expect(steps == Array(0...4) + Array(4...10))
        if case .step(_, _, let loss) = events.all.last { #expect(loss == second.losses.last) }
    }

    @Test func reportsCloserThanTheIntervalAreDropped() throws {
        let (net, p, x, y) = Self.network()
        let events = Events()
        // An hour: only the first report of this short run gets through.
        let reporter = ProgressReporter(interval: 3600, report: events.add)
        let run = try ProgressReporter.$current.withValue(reporter) {
            try net.trainingRun(p, x, y, steps: 50, learningRate: 0.1)
        }
        #expect(events.all == [.step(done: 0, total: 50, loss: run.losses[0])])
    }

    @Test(arguments: [(7, false), (7, true), (50, false)])
    func aTiledKernelReportsEachTile(tile: Int, cross: Bool) throws {
        struct Stop: Error {}
        let dir = try TemporaryFolder("progress")
        defer { dir.remove() }
        let net = MLP(widths: [32], activation: .relu, wStd: 1.5, bStd: 0.1)
        var rng = NumpyGenerator(seed: 2)
        let x = rng.standardNormal(rows: 30, cols: 4)
        let z = cross ? rng.standardNormal(rows: 20, cols: 4) : nil
        let events = Events()
        let written = try ProgressReporter.$current.withValue(ProgressReporter(interval: 0, report: events.add)) {
            try TiledKernel.write(net, x, z, .ntk, to: dir.url("K.npy"), tile: tile) { () throws(Stop) in }
        }
        #expect(events.all == (1...written.blocks).map { .tile(done: $0, total: written.blocks) })
    }

    /// An image kernel reports the pairs of images walked, out of all it walks: the upper
    /// triangle without the diagonal for K(X, X), every pair for K(X, X′).
    @Test(arguments: [false, true])
    func anImageKernelReportsPairsWalked(cross: Bool) throws {
        let shape = FeatureShape.image(height: 4, width: 4, channels: 1)
        var rng = NumpyGenerator(seed: 3)
        let x = rng.standardNormal(rows: 70, cols: shape.size)
        let z = cross ? rng.standardNormal(rows: 40, cols: shape.size) : nil
        let net = Layer.serial([
            .conv(ConvLayer(affine: DenseLayer(outDim: 2, wStd: 1.4, bStd: 0.1), filterHeight: 2, filterWidth: 2)),
            .activation(.relu), .flatten, .dense(DenseLayer(outDim: 1))
        ])
        let events = Events()
        _ = try ProgressReporter.$current.withValue(ProgressReporter(interval: 0, report: events.add)) {
            try LayerKernel.compute(net, x, z, input: shape)
        }
        let total = cross ? 70 * 40 : 70 * 69 / 2
        var done: [Int] = []
        for event in events.all {
            guard case .pair(let d, let t) = event, t == total else {
                Issue.record("unexpected \(event)")
                continue
            }
            done.append(d)
        }
        #expect(done.count >= 2, "\(done)")
        #expect(done.max() == total, "every pair is counted once: \(done.max() ?? 0) of \(total)")
        #expect(Set(done).count == done.count, "each report adds pairs")
    }
}
