import Foundation
import Testing

@testable import NTKCore

/// The analytic kernels of `Layer` networks (docs/language.md#builtins): against neural-tangents'
/// MLP fixtures (an `mlp` is the serial it describes), against Gauss–Hermite quadrature of each
/// activation (an independent computation of E[φ(u)φ(v)] and E[φ'(u)φ'(v)]), and against
/// identities of the combinators.
@Suite struct LayerKernelTests {
    static let x1 = AnalyticFixtures.gaussian(rows: 5, cols: 3, seed: 11)
    static let x2 = AnalyticFixtures.gaussian(rows: 4, cols: 3, seed: 12)

    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(a.storage, b.storage).map { abs($0 - $1) / scale }.max() ?? 0
    }

    @Test(arguments: AnalyticFixtures.cases)
    func mlpAsSerialMatchesNeuralTangents(_ c: AnalyticFixtures.Case) throws {
        let k = try LayerKernel.compute(c.network.asLayer, c.x1, c.x2)
        let e = AnalyticFixtures.errors(k, c)
        #expect(e.nngp <= 1e-12, "NNGP \(e.nngp)")
        #expect(e.ntk <= 1e-12, "NTK \(e.ntk)")
        #expect(e.reluDiagonal <= 1e-7, "ReLU diagonal \(e.reluDiagonal)")
    }

    /// Each closed form against a 120-point product quadrature of its own φ and φ' (the rule
    /// NT uses for `ElementwiseNumerical`), through Dense → act → Dense.
    @Test(arguments: [
        Elementwise.erf(a: 1.3, b: 0.7, c: 0.2), .gelu(approximate: false), .sin(a: 1.2, b: 0.8, c: 0.3),
        .cos(a: 0.9, b: 1.1, c: -0.4), .rbf(gamma: 0.6), .gaussian(a: 1.1, b: -0.7), .exp(a: 0.8, b: 0.5),
        .monomial(degree: 0), .monomial(degree: 1), .monomial(degree: 2), .monomial(degree: 3),
        .monomial(degree: 4), .monomial(degree: 5), .polynomial(coef: [0.3, -1.2, 0.5, 0.25]),
        .polynomial(coef: [1.5])
    ])
    func closedFormMatchesQuadrature(_ act: Elementwise) throws {
        let rule = act.rule
        let numerical = Elementwise.numerical(
            NumericalActivation(
                identity: "q", degree: 120, fn: { rule.value($0) }, df: { rule.derivative($0)! }))
        func net(_ a: Elementwise) -> Layer {
            .serial([
                .dense(DenseLayer(outDim: 7, wStd: 1.1, bStd: 0.2)), .activation(a),
                .dense(DenseLayer(outDim: 1, wStd: 0.9, bStd: 0.1))
            ])
        }
        for x2 in [Self.x2, nil] as [Matrix?] {
            let closed = try LayerKernel.compute(net(act), Self.x1, x2)
            let quad = try LayerKernel.compute(net(numerical), Self.x1, x2)
            #expect(Self.relativeError(closed.nngp, quad.nngp) < 1e-9, "\(act) NNGP")
            #expect(Self.relativeError(closed.ntk, quad.ntk) < 1e-9, "\(act) NTK")
        }
    }

    /// Rectified activations have kinks, where quadrature converges slowly: ABRelu against
    /// the `mlp` ReLU recursion scaled (ABRelu(a, b) = b·ReLU(x) − a·ReLU(−x)) and quadrature
    /// at a loose tolerance; RectifiedMonomial(1) is ReLU.
    @Test func rectifiedFamily() throws {
        func net(_ a: Elementwise) -> Layer {
            .serial([.dense(DenseLayer(outDim: 7, wStd: 1.1, bStd: 0.2)), .activation(a), .dense(DenseLayer(outDim: 1))]
            )
        }
        let relu = try LayerKernel.compute(net(.relu), Self.x1, Self.x2)
        let mlp = try AnalyticKernel.compute(
            MLP(widths: [7], activation: .relu, wStd: 1.1, bStd: 0.2, wStdOut: 1, bStdOut: .some(nil)),
            Self.x1, Self.x2)
        #expect(Self.relativeError(relu.nngp, mlp.nngp) < 1e-13)
        #expect(Self.relativeError(relu.ntk, mlp.ntk) < 1e-13)
        let rm1 = try LayerKernel.compute(net(.rectifiedMonomial(degree: 1)), Self.x1, Self.x2)
        #expect(Self.relativeError(rm1.nngp, relu.nngp) < 1e-13)
        #expect(Self.relativeError(rm1.ntk, relu.ntk) < 1e-13)
        for act in [
            Elementwise.abRelu(a: -0.3, b: 1.4), .leakyRelu(alpha: 0.1), .abs,
            .rectifiedMonomial(degree: 2), .rectifiedMonomial(degree: 3)
        ] {
            let rule = act.rule
            let numerical = Elementwise.numerical(
                NumericalActivation(
                    identity: "q", degree: 150, fn: { rule.value($0) }, df: { rule.derivative($0)! }))
            let closed = try LayerKernel.compute(net(act), Self.x1, Self.x2, .nngp)
            let quad = try LayerKernel.compute(net(numerical), Self.x1, Self.x2, .nngp)
            #expect(Self.relativeError(closed.nngp, quad.nngp) < 5e-3, "\(act)")
        }
    }

    /// Sign: E[sign u · sign v] = 1 − 2θ/π = 4·E[1{u≥0}1{v≥0}] − 1 (RectifiedMonomial(0)), and
    /// its NTK is 0 below it: only the read-out's term remains.
    @Test func signIsTwiceTheStepMinusOne() throws {
        func net(_ a: Elementwise) -> Layer {
            .serial([.dense(DenseLayer(outDim: 7, wStd: 1.1, bStd: 0.2)), .activation(a), .dense(DenseLayer(outDim: 1))]
            )
        }
        let sign = try LayerKernel.compute(net(.sign), Self.x1, Self.x2)
        let step = try LayerKernel.compute(net(.rectifiedMonomial(degree: 0)), Self.x1, Self.x2)
        let expected = step.nngp.map { 4 * $0 - 1 }
        #expect(Self.relativeError(sign.nngp, expected) < 1e-13)
        #expect(sign.ntk == sign.nngp)  // NTK = q of the read-out, Θ below it is 0
    }

    @Test func hermiteIsAPowerOfTheNNGP() throws {
        let net = Layer.serial([
            .dense(DenseLayer(outDim: 3)), .layerNorm(eps: 1e-12), .activation(.hermite(degree: 3)),
            .dense(DenseLayer(outDim: 1))
        ])
        let below = Layer.serial([.dense(DenseLayer(outDim: 3)), .layerNorm(eps: 1e-12), .dense(DenseLayer(outDim: 1))])
        let k = try LayerKernel.compute(net, Self.x1, Self.x2)
        let q = try LayerKernel.compute(below, Self.x1, Self.x2)
        #expect(Self.relativeError(k.nngp, q.nngp.map { $0 * $0 * $0 }) < 1e-14)
    }

    @Test func repeatEqualsTheWrittenOutSerial() throws {
        let block = Layer.serial([
            .dense(DenseLayer(outDim: 4, wStd: 1.3, bStd: 0.1)), .activation(.erf(a: 1, b: 1, c: 0))
        ])
        let a = try LayerKernel.compute(.serial([.repeated(block, 3), .dense(DenseLayer(outDim: 1))]), Self.x1, Self.x2)
        let b = try LayerKernel.compute(.serial([block, block, block, .dense(DenseLayer(outDim: 1))]), Self.x1, Self.x2)
        #expect(a == b)
    }

    @Test func parallelOfOneBranchIsTheBranch() throws {
        let branch = Layer.serial([
            .dense(DenseLayer(outDim: 4, wStd: 1.3, bStd: 0.1)), .activation(.relu), .dense(DenseLayer(outDim: 2))
        ])
        let a = try LayerKernel.compute(.serial([.fanOut(1), .parallel([branch]), .fanInSum]), Self.x1, Self.x2)
        let b = try LayerKernel.compute(branch, Self.x1, Self.x2)
        #expect(a == b)
    }

    /// A residual block: FanOut(2) → parallel(Dense-ReLU-Dense, Identity) → FanInSum adds the
    /// two branches' kernels, computed here by hand from the parts.
    @Test func residualBlockAddsTheBranches() throws {
        let stem = Layer.dense(DenseLayer(outDim: 6, wStd: 1.5, bStd: 0.05))
        let branch = Layer.serial([.activation(.relu), .dense(DenseLayer(outDim: 6, wStd: 1.1))])
        let net = Layer.serial([stem, .fanOut(2), .parallel([branch, .identity]), .fanInSum])
        let sum = try LayerKernel.compute(net, Self.x1, Self.x2)
        let a = try LayerKernel.compute(.serial([stem, branch]), Self.x1, Self.x2)
        let b = try LayerKernel.compute(stem, Self.x1, Self.x2)
        #expect(Self.relativeError(sum.nngp, Matrix(rows: 5, cols: 4) { a.nngp[$0, $1] + b.nngp[$0, $1] }) < 1e-15)
        #expect(Self.relativeError(sum.ntk, Matrix(rows: 5, cols: 4) { a.ntk[$0, $1] + b.ntk[$0, $1] }) < 1e-15)
    }

    @Test func concatAveragesByWidth() throws {
        let a = Layer.dense(DenseLayer(outDim: 2, wStd: 1.5))
        let b = Layer.dense(DenseLayer(outDim: 6, wStd: 0.5, bStd: 0.3))
        let k = try LayerKernel.compute(.serial([.fanOut(2), .parallel([a, b]), .fanInConcat]), Self.x1, Self.x2)
        let ka = try LayerKernel.compute(a, Self.x1, Self.x2)
        let kb = try LayerKernel.compute(b, Self.x1, Self.x2)
        #expect(
            Self.relativeError(k.nngp, Matrix(rows: 5, cols: 4) { (2 * ka.nngp[$0, $1] + 6 * kb.nngp[$0, $1]) / 8 })
                < 1e-15)
    }

    @Test func productUsesTheProductRule() throws {
        let a = Layer.dense(DenseLayer(outDim: 3, wStd: 1.5))
        let b = Layer.dense(DenseLayer(outDim: 3, wStd: 0.5, bStd: 0.3))
        let k = try LayerKernel.compute(.serial([.fanOut(2), .parallel([a, b]), .fanInProd]), Self.x1, Self.x2)
        let ka = try LayerKernel.compute(a, Self.x1, Self.x2)
        let kb = try LayerKernel.compute(b, Self.x1, Self.x2)
        #expect(Self.relativeError(k.nngp, Matrix(rows: 5, cols: 4) { ka.nngp[$0, $1] * kb.nngp[$0, $1] }) < 1e-15)
        #expect(
            Self.relativeError(
                k.ntk,
                Matrix(rows: 5, cols: 4) {
                    ka.ntk[$0, $1] * kb.nngp[$0, $1] + ka.nngp[$0, $1] * kb.ntk[$0, $1]
                }) < 1e-15)
    }

    @Test func layerNormDividesByTheVariances() throws {
        let dense = Layer.dense(DenseLayer(outDim: 3, wStd: 1.5, bStd: 0.2))
        let k = try LayerKernel.compute(.serial([dense, .layerNorm(eps: 1e-12)]), Self.x1, nil)
        for i in 0..<5 { #expect(abs(k.nngp[i, i] - 1) < 1e-10) }  // q/(q + ε), ε = 1e-12
    }

    @Test(arguments: [
        (Layer.serial([.activation(.relu), .dense(DenseLayer(outDim: 1))]), "Relu"),
        (.serial([.layerNorm(eps: 1e-12), .dense(DenseLayer(outDim: 1))]), "LayerNorm"),
        (.serial([.dense(DenseLayer(outDim: 3)), .activation(.erf(a: 1, b: 1, c: 0)), .activation(.relu)]), "Relu"),
        (
            .serial([
                .dense(DenseLayer(outDim: 3)), .fanOut(2), .parallel([.activation(.relu), .activation(.relu)]),
                .fanInSum
            ]), "FanInSum"
        ),
        (.serial([.dense(DenseLayer(outDim: 3)), .fanOut(2), .fanInConcat, .activation(.relu)]), "Relu"),
        (.serial([.dense(DenseLayer(outDim: 3)), .fanOut(2)]), "the network")
    ])
    func refusesWhatNeuralTangentsRefuses(_ net: Layer, _ name: String) {
        #expect {
            try LayerKernel.compute(net, Self.x1, Self.x2)
        } throws: { error in
            guard case .refused(let layer, _) = error as? KernelError else { return false }
            return layer == name
        }
    }

    @Test func numericalWithoutDerivativeHasAnNNGPButNoNTK() throws {
        let act = Elementwise.numerical(NumericalActivation(identity: "t", degree: 25, fn: { tanh($0) }, df: nil))
        let net = Layer.serial([.dense(DenseLayer(outDim: 3)), .activation(act), .dense(DenseLayer(outDim: 1))])
        let nngp = try LayerKernel.compute(net, Self.x1, Self.x2, .nngp).nngp
        let builtin = try LayerKernel.compute(
            .serial([.dense(DenseLayer(outDim: 3)), .activation(.tanh(degree: 25)), .dense(DenseLayer(outDim: 1))]),
            Self.x1, Self.x2)
        #expect(nngp == builtin.nngp)
        #expect(throws: KernelError.self) { try LayerKernel.compute(net, Self.x1, Self.x2, .ntk) }
    }

    @Test func noInputsGiveEmptyKernels() throws {
        let net = Layer.serial([.dense(DenseLayer(outDim: 3)), .activation(.relu), .dense(DenseLayer(outDim: 1))])
        let k = try LayerKernel.compute(net, Matrix(rows: 0, cols: 3), Self.x2)
        #expect(k.nngp.rows == 0 && k.nngp.cols == 4 && k.ntk.rows == 0)
        #expect(try LayerKernel.compute(net, Matrix(rows: 0, cols: 3), nil).nngp.count == 0)
    }

    /// A serial of the `mlp` shape is recognised as that MLP (its kernels agree with the tree
    /// walk), and anything else is not.
    @Test func mlpShapedSerialsAreRecognised() throws {
        let m = MLP(
            widths: [7, 5], activation: .erf, wStd: 1.3, bStd: 0.1, wStdOut: 0.8, bStdOut: .some(nil),
            parameterization: .standard, outDim: 2)
        #expect(MLP(exactly: m.asLayer) == m)
        for act in Activation.allCases {
            let n = MLP(widths: [4], activation: act, wStd: 1.1, bStd: nil, tanhDegree: act == .tanh ? 10 : 25)
            #expect(MLP(exactly: n.asLayer) == n)
            let a = try LayerKernel.compute(n.asLayer, Self.x1, Self.x2)
            let b = try AnalyticKernel.compute(n, Self.x1, Self.x2)
            #expect(Self.relativeError(a.nngp, b.nngp) < 1e-13 && Self.relativeError(a.ntk, b.ntk) < 1e-13, "\(act)")
        }
        let d = Layer.dense(DenseLayer(outDim: 3, wStd: 1.2))
        #expect(MLP(exactly: .serial([d])) != nil)
        #expect(
            MLP(
                exactly: .serial([
                    d, .activation(.relu), .dense(DenseLayer(outDim: 3, wStd: 1.5)), .activation(.relu), d
                ])) == nil)
        #expect(MLP(exactly: .serial([d, .activation(.relu), d, .activation(.erf(a: 1, b: 1, c: 0)), d])) == nil)
        #expect(MLP(exactly: .serial([d, .activation(.erf(a: 2, b: 1, c: 0)), d])) == nil)
        #expect(MLP(exactly: .serial([d, .activation(.sign), d])) == nil)
        #expect(MLP(exactly: .serial([d, .layerNorm(eps: 1e-12), d])) == nil)
        #expect(MLP(exactly: .serial([d, .dense(DenseLayer(outDim: 3, parameterization: .standard))])) == nil)
    }
}
