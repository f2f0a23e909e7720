import Foundation
import NTKCore
import TangentSupport
import Testing

@testable import Language

/// `nngp`, `ntk` and `predict_ensemble` on images (docs/language.md#images-and-convolutions):
/// the numbers of `LayerKernel`'s spatial walk, and located errors for inputs that do not fit.
@Suite struct ConvKernelBuiltinTests {
    static let setup = """
        X = reshape(sin(linspace(0, 20, 160)), 5, 32)
        Y = reshape(cos(linspace(0, 9, 96)), 3, 32)
        I = images(X, 4, 4, 2)
        J = images(Y, 4, 4, 2)
        net = serial(Conv(3, [3, 3], padding: "SAME", W_std: 1.4, b_std: 0.1), Relu(), Conv(2, [2, 2], strides: [2, 2]), Relu(), GlobalAvgPool(), Dense(1, W_std: 1.2))
        """

    static let net = Layer.serial([
        .conv(
            ConvLayer(
                affine: DenseLayer(outDim: 3, wStd: 1.4, bStd: 0.1), filterHeight: 3, filterWidth: 3, padding: .same)),
        .activation(.relu),
        .conv(
            ConvLayer(
                affine: DenseLayer(outDim: 2), filterHeight: 2, filterWidth: 2, strideHeight: 2, strideWidth: 2)),
        .activation(.relu), .globalAvgPool, .dense(DenseLayer(outDim: 1, wStd: 1.2))
    ])

    @Test func kernelsOfImagesAreTheSpatialWalk() throws {
        let context = try run(Self.setup + "\nA = nngp(net, I)\nB = ntk(net, I, J)\nC = nngp(net, J, I)")
        guard case .matrix(let x)? = context.environment["X"], case .matrix(let y)? = context.environment["Y"],
            case .matrix(let a)? = context.environment["A"], case .matrix(let b)? = context.environment["B"],
            case .matrix(let c)? = context.environment["C"]
        else { throw TestFailure("missing values") }
        let shape = FeatureShape.image(height: 4, width: 4, channels: 2)
        #expect(a == (try LayerKernel.compute(Self.net, x, nil, input: shape)).nngp)
        #expect(b == (try LayerKernel.compute(Self.net, x, y, input: shape)).ntk)
        #expect(c.rows == 3 && c.cols == 5)
    }

    @Test func predictEnsembleTakesImages() throws {
        let code =
            Self.setup
                + """

                y = reshape(linspace(-1, 1, 5), 5, 1)
                r = predict_ensemble(net, I, y, J, cov: false).mean
                s = ntk(net, J, I) @ solve(ntk(net, I), y)
                """
        let context = try run(code)
        guard case .matrix(let r)? = context.environment["r"], case .matrix(let s)? = context.environment["s"] else {
            throw TestFailure("missing values")
        }
        #expect(r.rows == 3 && r.cols == 1)
        let scale = s.storage.map(abs).max() ?? 1
        #expect(zip(r.storage, s.storage).allSatisfy { abs($0 - $1) <= 1e-9 * scale })
    }

    /// (call, message, the second input's text: where the error points).
    @Test(arguments: [
        (
            "K = nngp(net, I, images(Y[0:2, 0:18], 3, 3, 2))", "X1 is images of 4×4×2 and X2 is images of 3×3×2",
            "images(Y[0:2"
        ),
        ("K = ntk(net, I, Y)", "X1 is images of 4×4×2 and X2 is a 3×32 matrix", "Y)"),
        ("K = ntk(net, X, J)", "X1 is a 5×32 matrix and X2 is images of 4×4×2", "J)"),
        (
            "K = predict_ensemble(net, I, ones(5, 1), images(Y, 8, 2, 2))",
            "X_train is images of 4×4×2 and X_test is images of 8×2×2", "images(Y, 8"
        )
    ])
    func mismatchedImageShapesAreLocatedAtTheSecondInput(_ call: String, _ message: String, _ second: String) throws {
        let d = diagnostic(Self.setup + "\n" + call)
        #expect(d?.message.contains(message) == true, "\(d?.message ?? "no error")")
        #expect(d?.message.contains("inputs need the same image shape") == true)
        #expect(d?.range.start.line == 6)
        let column = call.distance(from: call.startIndex, to: call.range(of: second)!.lowerBound) + 1
        #expect(d?.range.start.column == column, "\(String(describing: d?.range))")
    }

    /// User functions on images (walked on the calling thread, through the bridge): an
    /// ElementwiseNumerical of tanh is Tanh, bit for bit, in K(X, X) and K(X1, X2). Small
    /// images and few nodes: each entry calls the functions deg² times.
    @Test func elementwiseNumericalOnImagesIsTanh() throws {
        let code =
            Self.setup + """

                def t(x):
                    return tanh(x)
                def dt(x):
                    return 1 - tanh(x) * tanh(x)
                a = serial(Conv(2, [2, 2], padding: "SAME", W_std: 1.2), ElementwiseNumerical(t, 5, df: dt), AvgPool([2, 2]), Flatten(), Dense(1))
                b = serial(Conv(2, [2, 2], padding: "SAME", W_std: 1.2), Tanh(deg: 5), AvgPool([2, 2]), Flatten(), Dense(1))
                S = images(X[0:3, 0:4], 2, 2, 1)
                T = images(Y[0:2, 0:4], 2, 2, 1)
                ka = ntk(a, S)
                kb = ntk(b, S)
                ja = nngp(a, S, T)
                jb = nngp(b, S, T)
                """
        let ctx = try run(code)
        #expect(ctx.environment["ka"] == ctx.environment["kb"])
        #expect(ctx.environment["ja"] == ctx.environment["jb"])
        guard case .matrix(let k)? = ctx.environment["ka"] else { throw TestFailure("no kernel") }
        #expect(k.rows == 3 && k.cols == 3 && k.isFinite)
    }

    @Test func refusalsAreLocatedAtTheCall() {
        let d = diagnostic(Self.setup + "\nK = nngp(serial(Conv(2, [2, 2]), Flatten(), Relu(), Dense(1)), I)")
        #expect(
            d?.message.contains("nngp: Relu: the input to an activation must be Gaussian") == true,
            "\(d?.message ?? "")")
        #expect(d?.range.start.line == 6)
        let spatial = diagnostic(Self.setup + "\nK = ntk(serial(Conv(2, [2, 2]), Relu()), I)")
        #expect(spatial?.message.contains("still has spatial axes") == true, "\(spatial?.message ?? "")")
    }

    /// The spatial covariances of a pooling network on 256×256 images do not fit: refused at the
    /// call before anything is allocated, with the figure.
    @Test func tooLargeSpatialCovariancesAreRefusedAtTheCallWithTheFigure() {
        let code = """
            I = images(zeros(2, 65536), 256, 256, 1)
            K = ntk(serial(Conv(1, [3, 3], padding: "SAME"), Relu(), GlobalAvgPool(), Dense(1)), I)
            """
        let net = Layer.serial([
            .conv(ConvLayer(affine: DenseLayer(outDim: 1), filterHeight: 3, filterWidth: 3, padding: .same)),
            .activation(.relu), .globalAvgPool, .dense(DenseLayer(outDim: 1))
        ])
        let shape = FeatureShape.image(height: 256, width: 256, channels: 1)
        let figure = ByteCount.formatted(LayerKernel.estimatedBytes(net, n1: 2, n2: 2, input: shape) / 8 * 8)
        let d = diagnostic(code)
        #expect(
            d?.message.contains("computing the 2×2 kernels of images of 256×256×1") == true
                && d?.message.contains("needs \(figure) but only") == true, "\(d?.message ?? "no error")")
        #expect(d?.range.start.line == 2 && d?.range.start.column == 5)
    }

    @Test func tiledFileEqualsTheKernelInMemory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conv-kernel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let code = Self.setup + "\nf = ntk(net, I, out: \"K.npy\")\nK = load(\"K.npy\")\nT = ntk(net, I)"
        let context = try run(code, baseDirectory: folder)
        guard case .matrix(let k)? = context.environment["K"], case .matrix(let t)? = context.environment["T"] else {
            throw TestFailure("missing values")
        }
        #expect(k == t)
    }
}
