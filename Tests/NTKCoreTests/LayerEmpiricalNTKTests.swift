import Foundation
import Testing

@testable import NTKCore

/// The empirical NTK of a layer network as one tiled pass over all Dense layers
/// (`GramAccumulator.accumulate`): the dsyrk / one-triangle path of K(X, X) equals the dgemm
/// path of K(X, X) given as K(X1, X2) and a plain triple-loop sum, for sizes that cross the
/// 256-wide tiles and are odd, with one and with several outputs.
@Suite struct LayerEmpiricalNTKTests {
    /// Σ_terms (alpha·A Bᵀ + shift) ∘ (S1 S2ᵀ) · scale by plain loops.
    static func naive(_ terms: [GramAccumulator.Term], rows: Int, cols: Int) -> Matrix {
        var out = Matrix(rows: rows, cols: cols)
        for term in terms {
            let b = term.b ?? term.a
            let s2 = term.s2 ?? term.s1
            for i in 0..<rows {
                for j in 0..<cols {
                    var ab = 0.0
                    for k in 0..<term.a.cols { ab += term.a[i, k] * b[j, k] }
                    var ss = 0.0
                    for k in 0..<term.s1.cols { ss += term.s1[i, k] * s2[j, k] }
                    out[i, j] += (term.alpha * ab + term.shift) * ss * term.scale
                }
            }
        }
        return out
    }

    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double { LayerKernelTests.relativeError(a, b) }

    // Tiles are 256 × 256: sizes on both sides of a tile's edge, and several tiles per row.
    @Test(arguments: [1, 7, 257, 301, 1100])
    func accumulateSymmetricEqualsGeneralAndLoops(_ n: Int) {
        let a = AnalyticFixtures.gaussian(rows: n, cols: 5, seed: 1)
        let s = AnalyticFixtures.gaussian(rows: n, cols: 3, seed: 2)
        let c = AnalyticFixtures.gaussian(rows: n, cols: 1, seed: 3)
        let symmetricTerms = [
            GramAccumulator.Term(a: a, b: nil, alpha: 0.7, shift: 0.3, s1: s, s2: nil, scale: 0.5),
            GramAccumulator.Term(a: s, b: nil, alpha: 1.1, shift: 0, s1: c, s2: nil, scale: 1)
        ]
        let generalTerms = symmetricTerms.map { t in
            var t = t
            t.b = t.a
            t.s2 = t.s1
            return t
        }
        let symmetric = GramAccumulator(rows: n, cols: n, symmetric: true)
        BLASThreads.singleThreaded {
            symmetric.accumulate(symmetricTerms, initialize: true)
            // A second pass adds onto the first (as a network's second output does).
            symmetric.accumulate([symmetricTerms[1]], initialize: false)
        }
        let general = GramAccumulator(rows: n, cols: n, symmetric: false)
        BLASThreads.singleThreaded {
            general.accumulate(generalTerms, initialize: true)
            general.accumulate([generalTerms[1]], initialize: false)
        }
        let s1 = symmetric.finish()
        let g1 = general.finish()
        let expected = Self.naive(symmetricTerms + [symmetricTerms[1]], rows: n, cols: n)
        #expect(Self.relativeError(s1, expected) < 1e-13)
        #expect(Self.relativeError(g1, expected) < 1e-13)
        #expect(Self.relativeError(s1, g1) < 1e-13)
        #expect(s1 == s1.transposed, "K(X, X) is exactly symmetric")
    }

    @Test(arguments: [300, 1500])
    func accumulateRectangular(cols: Int) {
        let a1 = AnalyticFixtures.gaussian(rows: 263, cols: 4, seed: 4)
        let a2 = AnalyticFixtures.gaussian(rows: cols, cols: 4, seed: 5)
        let s1 = AnalyticFixtures.gaussian(rows: 263, cols: 6, seed: 6)
        let s2 = AnalyticFixtures.gaussian(rows: cols, cols: 6, seed: 7)
        let terms = [GramAccumulator.Term(a: a1, b: a2, alpha: 2, shift: 0.1, s1: s1, s2: s2, scale: 0.25)]
        let g = GramAccumulator(rows: 263, cols: cols, symmetric: false)
        BLASThreads.singleThreaded { g.accumulate(terms, initialize: true) }
        #expect(Self.relativeError(g.finish(), Self.naive(terms, rows: 263, cols: cols)) < 1e-13)
    }

    /// The residual network of docs/language.md#builtins, narrow, with `outputs` read-out units.
    static func residual(outputs: Int) -> Layer {
        let block = Layer.serial([
            .fanOut(2),
            .parallel([.serial([.activation(.relu), .dense(DenseLayer(outDim: 24, wStd: 1.1))]), .identity]),
            .fanInSum
        ])
        return .serial([
            .dense(DenseLayer(outDim: 24, wStd: 1.5, bStd: 0.05)), block, block, .activation(.relu),
            .dense(DenseLayer(outDim: outputs, wStd: 1.5, bStd: 0.2))
        ])
    }

    /// Θ by the per-layer formula with whole products and loops (the code this pass replaced).
    static func reference(_ net: Layer, _ p: NetworkParams, _ x1: Matrix, _ x2: Matrix) throws -> Matrix {
        let shapes = try LayerShapes(net, inputWidth: x1.cols)
        let t1 = LayerTape.forward(net, p, x1)
        let t2 = LayerTape.forward(net, p, x2)
        let k = t1.outputs[0].cols
        var terms: [GramAccumulator.Term] = []
        for c in 0..<k {
            func signals(_ t: LayerTape, rows: Int) -> LayerTape.GradientSink {
                var cot = Matrix(rows: rows, cols: k)
                for r in 0..<rows { cot[r, c] = 1 }
                var sink = LayerTape.GradientSink(grads: nil, keepSignals: true)
                _ = t.backward([cot], &sink)
                return sink
            }
            let s1 = signals(t1, rows: x1.rows)
            let s2 = signals(t2, rows: x2.rows)
            for (i, (fanIn, d)) in shapes.dense.enumerated() {
                let co = d.coefficients(fanIn: fanIn)
                terms.append(
                    GramAccumulator.Term(
                        a: s1.inputs[i]!, b: s2.inputs[i]!, alpha: co.weight * co.weight,
                        shift: p.biases[i] != nil ? co.bias * co.bias : 0, s1: s1.signals[i]!, s2: s2.signals[i]!,
                        scale: 1 / Double(k)))
            }
        }
        return naive(terms, rows: x1.rows, cols: x2.rows)
    }

    @Test(arguments: [1, 3])
    func residualNetworkSymmetricAndGeneralPaths(_ outputs: Int) throws {
        let net = Self.residual(outputs: outputs)
        let x = AnalyticFixtures.gaussian(rows: 259, cols: 6, seed: 8)
        let x2 = AnalyticFixtures.gaussian(rows: 31, cols: 6, seed: 9)
        var generator = NumpyGenerator(seed: 10)
        let p = try LayerShapes(net, inputWidth: 6).initialize(generator: &generator)
        let symmetric = net.empiricalNTK(p, x, nil)
        let general = net.empiricalNTK(p, x, x)
        let exact = try Self.reference(net, p, x, x)
        #expect(symmetric == symmetric.transposed)
        #expect(Self.relativeError(symmetric, exact) < 1e-12)
        #expect(Self.relativeError(general, exact) < 1e-12)
        #expect(Self.relativeError(net.empiricalNTK(p, x, x2), try Self.reference(net, p, x, x2)) < 1e-12)
    }

    /// With a due `Cancellation` bound, the tiled pass gives up (saying so through `stopped`)
    /// and Θ is the zero matrix, not a partly written one; with one that is not due, the
    /// numbers are those computed without any.
    @Test func stopsAtADueCancellation() throws {
        let net = Self.residual(outputs: 2)
        let x = AnalyticFixtures.gaussian(rows: 300, cols: 6, seed: 11)
        var generator = NumpyGenerator(seed: 12)
        let p = try LayerShapes(net, inputWidth: 6).initialize(generator: &generator)
        let free = net.empiricalNTK(p, x, nil)
        let due = Cancellation(seconds: 0)
        let stopped = Cancellation.$current.withValue(due) { net.empiricalNTK(p, x, nil) }
        #expect(due.stopped)
        #expect(stopped == Matrix(rows: 300, cols: 300))
        let later = Cancellation(seconds: 3600)
        let full = Cancellation.$current.withValue(later) { net.empiricalNTK(p, x, nil) }
        #expect(!later.stopped)
        #expect(full == free)
    }
}
