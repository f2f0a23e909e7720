import Foundation
import Testing

@testable import NTKCore

/// neural-tangents 0.6.5 stax fixtures (Fixtures/stax, make_stax_fixtures.py) against NTKCore
/// directly: each case's `tangent` line is read into a `Layer` by `LayerLine` (LayerLine.swift, test
/// only), then `LayerKernel`, `Layer.apply` and `Layer.empiricalNTK` are compared with NT.
/// Cases with user functions are evaluated by LanguageTests' StaxFixtureTests. Cases on images
/// (stax_conv.json, and the conv cases of stax_finite.json) are checked here for the finite
/// network only (init draws, apply, empirical NTK, a training step); their kernels are tested
/// elsewhere.
@Suite struct StaxFixtureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, family: String, tangent: String, refused: Bool
        /// X1 and X2 as n × shape.size (one sample per row, NHWC), and the shape of a sample.
        let x1: Matrix, x2: Matrix, shape: FeatureShape
        let convWeightsHWIO: [[Double]?]
        /// One training step (stax_finite.json): Y, η, the losses before and after, the parameters after.
        let y: Matrix?, learningRate: Double?, loss0: Double?, loss1: Double?
        let weightsAfterStep: [Matrix], biasesAfterStep: [Matrix?]
        let nngp11: Matrix, ntk11: Matrix, nngp12: Matrix, ntk12: Matrix
        let weights: [Matrix], biases: [Matrix?]
        let f1: Matrix, f2: Matrix, e11: Matrix, e12: Matrix
        /// The K(X1, X1) diagonal's finite limit, where NT's is NaN or noise (RectifiedMonomial).
        let limitNNGP: [Double]?, limitNTK: [Double]?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/stax")
        func matrix(_ a: Any?) -> Matrix {
            let rows = (a as? [[Any]]) ?? []
            return Matrix(rowArrays: rows.map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } })
        }
        /// Every number of a nested list, in order (C order of an n-D array).
        func flat(_ a: Any?) -> [Double] {
            if let n = a as? NSNumber { return [n.doubleValue] }
            return ((a as? [Any]) ?? []).flatMap(flat)
        }
        /// n×d inputs, or n×h×w×c images as n × (h·w·c).
        func inputs(_ a: Any?) -> (Matrix, FeatureShape) {
            let samples = (a as? [Any]) ?? []
            guard let first = samples.first as? [[[Any]]] else {
                let m = matrix(a)
                return (m, .vector(m.cols))
            }
            let shape = FeatureShape.image(
                height: first.count, width: first[0].count, channels: (first[0][0] as [Any]).count)
            return (Matrix(rows: samples.count, cols: shape.size, storage: flat(a)), shape)
        }
        var out: [Case] = []
        for file in [
            "stax_activations.json", "stax_combinators.json", "stax_finite.json", "stax_rectified_monomial.json",
            "stax_conv.json"
        ] {
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(file)),
                let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let cases = root["cases"] as? [[String: Any]]
            else { continue }
            for c in cases {
                let tangent = c["tangent"] as? String ?? ""
                guard c["tangent_defs"] == nil, (try? LayerLine.parse(tangent)) != nil else { continue }
                let (x1, shape) = inputs(c["X1"])
                let x2 = inputs(c["X2"]).0
                out.append(
                    Case(
                        name: c["name"] as? String ?? "?", family: c["family"] as? String ?? "?", tangent: tangent,
                        refused: c["nt_error"] != nil, x1: x1, x2: x2, shape: shape,
                        convWeightsHWIO: ((c["conv_weights_hwio"] as? [Any]) ?? []).map {
                            $0 is NSNull ? nil : flat($0)
                        },
                        y: c["Y"].map(matrix), learningRate: (c["learning_rate"] as? NSNumber)?.doubleValue,
                        loss0: (c["loss_0"] as? NSNumber)?.doubleValue, loss1: (c["loss_1"] as? NSNumber)?.doubleValue,
                        weightsAfterStep: ((c["weights_1"] as? [Any]) ?? []).map(matrix),
                        biasesAfterStep: ((c["biases_1"] as? [Any]) ?? []).map { $0 is NSNull ? nil : matrix($0) },
                        nngp11: matrix(c["nngp_11"]), ntk11: matrix(c["ntk_11"]), nngp12: matrix(c["nngp_12"]),
                        ntk12: matrix(c["ntk_12"]),
                        weights: ((c["weights"] as? [Any]) ?? []).map(matrix),
                        biases: ((c["biases"] as? [Any]) ?? []).map { $0 is NSNull ? nil : matrix($0) },
                        f1: matrix(c["f1"]), f2: matrix(c["f2"]),
                        e11: matrix(c["empirical_ntk_11"]), e12: matrix(c["empirical_ntk_12"]),
                        limitNNGP: ((c["diag_11_limit"] as? [String: Any])?["nngp"] as? [NSNumber])?.map(\.doubleValue),
                        limitNTK: ((c["diag_11_limit"] as? [String: Any])?["ntk"] as? [NSNumber])?.map(\.doubleValue)))
            }
        }
        return out
    }()

    /// max |a − b| / max |b| off and on the diagonal (NaN entries of NT skipped).
    static func errors(_ a: Matrix, _ b: Matrix, square: Bool = false) -> (off: Double, diagonal: Double) {
        guard a.rows == b.rows, a.cols == b.cols else { return (.infinity, .infinity) }
        let scale = max(b.storage.filter { !$0.isNaN }.map(abs).max() ?? 0, .leastNormalMagnitude)
        var off = 0.0
        var diagonal = 0.0
        for i in 0..<b.rows {
            for j in 0..<b.cols where !b[i, j].isNaN {
                let e = abs(a[i, j] - b[i, j]) / scale
                let v = e.isNaN ? .infinity : e
                if square && i == j { diagonal = max(diagonal, v) } else { off = max(off, v) }
            }
        }
        return (off, diagonal)
    }

    static let kinked = ["Relu(", "LeakyRelu(", "ABRelu(", "Abs(", "Sign(", "RectifiedMonomial("]

    /// Every case but those with user functions (2); 19 + 2 of them on images.
    @Test func readsTheFixtures() {
        #expect(Self.cases.count >= 91, "\(Self.cases.count)")
        #expect(Self.cases.filter(\.shape.isSpatial).count == 27)
    }

    /// The cases whose network gives an output per sample (all but the one whose output keeps
    /// its spatial axes, which `spatialOutputIsRefused` covers).
    static let finiteCases = cases.filter { c in
        (try? LayerShapes(LayerLine.parse(c.tangent), input: c.shape)) != nil
    }

    @Test(arguments: StaxFixtureTests.finiteCases)
    func matchesNeuralTangents(_ c: Case) throws {
        let net = try LayerLine.parse(c.tangent)
        let shapes = try LayerShapes(net, input: c.shape)
        let p = try shapes.validated(NetworkParams(weights: c.weights, biases: c.biases))
        #expect(Self.errors(net.apply(p, c.x1, input: c.shape), c.f1).off <= 1e-12)
        #expect(Self.errors(net.apply(p, c.x2, input: c.shape), c.f2).off <= 1e-12)
        let e11 = Self.errors(net.empiricalNTK(p, c.x1, nil, input: c.shape), c.e11, square: true)
        #expect(max(e11.off, e11.diagonal) <= 1e-12, "empirical 11 \(e11)")
        #expect(Self.errors(net.empiricalNTK(p, c.x1, c.x2, input: c.shape), c.e12).off <= 1e-12)
        // Kernels on images are another suite's (the analytic convolutional kernels).
        if c.shape.isSpatial { return }
        if c.refused {
            #expect(throws: KernelError.self) { try LayerKernel.compute(net, c.x1, c.x2) }
            return
        }
        let k11 = try LayerKernel.compute(net, c.x1, nil)
        let k12 = try LayerKernel.compute(net, c.x1, c.x2)
        let diagonal = Self.kinked.contains(where: c.tangent.contains) ? 1e-7 : 1e-12
        let n11 = Self.errors(k11.nngp, c.nngp11, square: true)
        let t11 = Self.errors(k11.ntk, c.ntk11, square: true)
        #expect(n11.off <= 1e-12 && n11.diagonal <= diagonal, "nngp 11 \(n11)")
        // RectifiedMonomial: the finite limit on the diagonal, where NT gives NaN or noise.
        #expect(
            t11.off <= 1e-12 && (t11.diagonal <= diagonal || c.tangent.contains("RectifiedMonomial(")), "ntk 11 \(t11)")
        #expect(Self.errors(k12.nngp, c.nngp12).off <= 1e-12)
        #expect(Self.errors(k12.ntk, c.ntk12).off <= 1e-12)
        if let n = c.limitNNGP, let t = c.limitNTK {
            for i in 0..<n.count {
                #expect(
                    abs(k11.nngp[i, i] - n[i]) <= 1e-12 * abs(n[i]) && abs(k11.ntk[i, i] - t[i]) <= 1e-12 * abs(t[i]),
                    "diagonal limit \(i): \(k11.nngp[i, i]) vs \(n[i]), \(k11.ntk[i, i]) vs \(t[i])")
            }
        }
    }

    /// The worst errors per layer name (for reports; each is bounded by the test above).
    @Test func worstErrorsPerLayer() throws {
        var worst: [String: (kernel: Double, diagonal: Double, finite: Double, count: Int)] = [:]
        let names = [
            "Relu", "LeakyRelu", "ABRelu", "Abs", "Sign", "Erf", "Gelu", "Sin", "Cos", "Rbf", "Gaussian", "Exp",
            "Monomial", "RectifiedMonomial", "Polynomial", "Hermite", "Tanh", "LayerNorm", "FanInSum",
            "FanInProd", "FanInConcat", "repeat", "Identity", "Conv", "AvgPool", "GlobalAvgPool", "Flatten"
        ]
        for c in Self.finiteCases {
            let net = try LayerLine.parse(c.tangent)
            let p = try LayerShapes(net, input: c.shape).validated(
                NetworkParams(weights: c.weights, biases: c.biases))
            let finite = max(
                Self.errors(net.apply(p, c.x1, input: c.shape), c.f1).off,
                Self.errors(net.empiricalNTK(p, c.x1, c.x2, input: c.shape), c.e12).off)
            var kernel = 0.0
            var diagonal = 0.0
            if !c.refused && !c.shape.isSpatial {
                let k11 = try LayerKernel.compute(net, c.x1, nil)
                let k12 = try LayerKernel.compute(net, c.x1, c.x2)
                let a = Self.errors(k11.nngp, c.nngp11, square: true)
                let b = Self.errors(k11.ntk, c.ntk11, square: true)
                kernel = max(a.off, b.off, Self.errors(k12.nngp, c.nngp12).off, Self.errors(k12.ntk, c.ntk12).off)
                diagonal = c.tangent.contains("RectifiedMonomial(") ? a.diagonal : max(a.diagonal, b.diagonal)
            }
            for n in names where c.tangent.contains(n + "(") && !(n == "Relu" && !c.tangent.contains("Relu()")) {
                let w = worst[n] ?? (0, 0, 0, 0)
                worst[n] = (max(w.kernel, kernel), max(w.diagonal, diagonal), max(w.finite, finite), w.count + 1)
            }
        }
        for n in names where worst[n] != nil {
            let w = worst[n]!
            print(
                "stax fixture \(n): \(w.count) cases, kernels \(w.kernel), K(X,X) diagonal \(w.diagonal), finite \(w.finite)"
            )
            #expect(w.kernel <= 1e-12 && w.finite <= 1e-12)
        }
    }
}

extension StaxFixtureTests {
    static let spatialCases = finiteCases.filter(\.shape.isSpatial)

    /// `init` draws what the generator drew (numpy default_rng(1), depth first, W then b, Conv
    /// weights as standard_normal((fh·fw·c_in, c_out)), 'standard' scaled), and a Conv weight's
    /// rows are NT's HWIO array read in C order, the layout `apply` was checked in.
    @Test(arguments: StaxFixtureTests.spatialCases)
    func initDrawsAndConvLayoutAreNeuralTangents(_ c: Case) throws {
        let shapes = try LayerShapes(LayerLine.parse(c.tangent), input: c.shape)
        var g = NumpyGenerator(seed: 1)
        let p = shapes.initialize(generator: &g)
        #expect(p.weights.count == c.weights.count)
        for (w, expected) in zip(p.weights, c.weights) { #expect(Self.errors(w, expected).off <= 1e-15) }
        for (b, expected) in zip(p.biases, c.biases) {
            #expect((b == nil) == (expected == nil))
            if let b, let expected { #expect(Self.errors(b, expected).off <= 1e-15) }
        }
        for (w, hwio) in zip(c.weights, c.convWeightsHWIO) {
            guard let hwio else { continue }
            #expect(w.storage == hwio)
        }
    }

    /// One full-batch gradient-descent step of the fixtures that train (stax_finite.json), the
    /// conv networks among them: the losses before and after and every parameter after, as JAX.
    @Test(arguments: StaxFixtureTests.finiteCases.filter { $0.y != nil })
    func oneTrainingStepMatchesJAX(_ c: Case) throws {
        let net = try LayerLine.parse(c.tangent)
        let p = try LayerShapes(net, input: c.shape).validated(NetworkParams(weights: c.weights, biases: c.biases))
        let y = try #require(c.y)
        let eta = try #require(c.learningRate)
        let q = try net.train(p, c.x1, y, steps: 1, learningRate: eta, input: c.shape)
        let l0 = net.loss(p, c.x1, y, input: c.shape)
        let l1 = net.loss(q, c.x1, y, input: c.shape)
        #expect(abs(l0 - (c.loss0 ?? .nan)) <= 1e-12 * abs(l0))
        #expect(abs(l1 - (c.loss1 ?? .nan)) <= 1e-12 * abs(l1))
        #expect(q.weights.count == c.weightsAfterStep.count)
        for (w, expected) in zip(q.weights, c.weightsAfterStep) { #expect(Self.errors(w, expected).off <= 1e-12) }
        for (b, expected) in zip(q.biases, c.biasesAfterStep) {
            if let b, let expected { #expect(Self.errors(b, expected).off <= 1e-12) }
        }
    }

    /// A network whose output keeps its spatial axes has no finite output here (NT returns
    /// n×h×w×c; §10 makes it an error).
    @Test func spatialOutputIsRefused() throws {
        let c = try #require(Self.cases.first { $0.name == "conv_no_readout_spatial_output" })
        #expect(throws: NetworkError.self) { try LayerShapes(LayerLine.parse(c.tangent), input: c.shape) }
    }
}
