import Foundation
import TangentSupport
import Testing

@testable import NTKCore

/// Identities of the analytic kernel on images (`SpatialKernel`) that hold whatever NT computes,
/// and its refusals.
@Suite struct ConvKernelTests {
    static func inputs(_ n: Int, _ shape: FeatureShape, seed: UInt64) -> Matrix {
        var g = NumpyGenerator(seed: seed)
        return g.standardNormal(rows: n, cols: shape.size)
    }

    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(a.storage, b.storage).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    /// A Conv whose VALID filter covers the whole image sees every pixel once: with Flatten it is
    /// Dense on flatten(I) (the same recursion, summed in another order).
    @Test(arguments: [Parameterization.ntk, .standard])
    func wholeImageConvIsDenseOnFlattenedImages(_ par: Parameterization) throws {
        let shape = FeatureShape.image(height: 3, width: 4, channels: 2)
        let x1 = Self.inputs(5, shape, seed: 7)
        let x2 = Self.inputs(3, shape, seed: 8)
        let conv = Layer.serial([
            .conv(
                ConvLayer(
                    affine: DenseLayer(outDim: 3, wStd: 1.3, bStd: 0.2, parameterization: par), filterHeight: 3,
                    filterWidth: 4)),
            .activation(.relu), .flatten,
            .dense(DenseLayer(outDim: 1, wStd: 1.1, bStd: 0.1, parameterization: par))
        ])
        let dense = Layer.serial([
            .dense(DenseLayer(outDim: 3, wStd: 1.3, bStd: 0.2, parameterization: par)), .activation(.relu),
            .dense(DenseLayer(outDim: 1, wStd: 1.1, bStd: 0.1, parameterization: par))
        ])
        for x in [x2, nil] {
            let a = try LayerKernel.compute(conv, x1, x, input: shape)
            let b = try LayerKernel.untiled(dense, x1, x)
            #expect(Self.relativeError(a.nngp, b.nngp) <= 1e-14)
            #expect(Self.relativeError(a.ntk, b.ntk) <= 1e-14)
        }
    }

    /// A 1×1 Conv is Dense on the channel axis of every position: the same numbers, bit for bit.
    @Test func oneByOneConvIsDenseOnImages() throws {
        let shape = FeatureShape.image(height: 3, width: 3, channels: 2)
        let x1 = Self.inputs(4, shape, seed: 3)
        let affine = DenseLayer(outDim: 4, wStd: 1.3, bStd: 0.2)
        let tail: [Layer] = [.activation(.erf(a: 1, b: 1, c: 0)), .globalAvgPool, .dense(DenseLayer(outDim: 1))]
        let conv = Layer.serial([.conv(ConvLayer(affine: affine, filterHeight: 1, filterWidth: 1))] + tail)
        let dense = Layer.serial([.dense(affine)] + tail)
        #expect(
            try LayerKernel.compute(conv, x1, nil, input: shape) == LayerKernel.compute(dense, x1, nil, input: shape))
    }

    /// K(X, X) equals K(X, X′) with X′ a copy of X: mirrored from one triangle for symmetric maps,
    /// every pair (the diagonal too) for quadrature (Tanh), whose map is not symmetric.
    @Test(arguments: [Elementwise.relu, .tanh(degree: 25)])
    func symmetricKernelEqualsTheGeneralOne(_ act: Elementwise) throws {
        let shape = FeatureShape.image(height: 4, width: 4, channels: 1)
        let x = Self.inputs(5, shape, seed: 11)
        let net = Layer.serial([
            .conv(
                ConvLayer(
                    affine: DenseLayer(outDim: 2, wStd: 1.4, bStd: 0.1), filterHeight: 2, filterWidth: 2,
                    padding: .same)),
            .activation(act), .avgPool(PoolLayer(windowHeight: 2, windowWidth: 2, strideHeight: 2, strideWidth: 2)),
            .flatten, .dense(DenseLayer(outDim: 1))
        ])
        let a = try LayerKernel.compute(net, x, nil, input: shape)
        let b = try LayerKernel.compute(net, x, x, input: shape)
        #expect(Self.relativeError(a.nngp, b.nngp) <= 1e-15)
        #expect(Self.relativeError(a.ntk, b.ntk) <= 1e-15)
    }

    /// Pooling keeps (h·w)² covariances per pair in flight on each core: 256×256 images need
    /// terabytes, refused before anything is allocated, with the figure.
    @Test func refusesTooLargeSpatialCovariancesBeforeAllocating() throws {
        let shape = FeatureShape.image(height: 256, width: 256, channels: 1)
        let x = Matrix(rows: 2, cols: shape.size)
        let net = Layer.serial([
            .conv(ConvLayer(affine: DenseLayer(outDim: 1), filterHeight: 3, filterWidth: 3, padding: .same)),
            .activation(.relu), .globalAvgPool, .dense(DenseLayer(outDim: 1))
        ])
        let needed = LayerKernel.estimatedBytes(net, n1: 2, n2: 2, input: shape)
        #expect(needed >= 8 * 65536 * 65536 * 2)
        do {
            _ = try LayerKernel.compute(net, x, nil, input: shape)
            Issue.record("no refusal")
        } catch {
            guard case .tooLarge(let bytes, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(bytes == needed)
            #expect(error.description.contains("kernel needs \(ByteCount.formatted(needed))"))
        }
        // Without pooling only same-position entries are kept: small.
        let flat = Layer.serial([
            .conv(ConvLayer(affine: DenseLayer(outDim: 1), filterHeight: 3, filterWidth: 3, padding: .same)),
            .activation(.relu), .flatten, .dense(DenseLayer(outDim: 1))
        ])
        #expect(LayerKernel.estimatedBytes(flat, n1: 2, n2: 2, input: shape) < 64 << 20)
    }

    /// NT's refusals, thrown before any pair: an activation after Flatten, and vectors given to Conv.
    @Test func refusals() throws {
        let shape = FeatureShape.image(height: 3, width: 3, channels: 1)
        let x = Self.inputs(2, shape, seed: 1)
        let afterFlatten = Layer.serial([
            .conv(ConvLayer(affine: DenseLayer(outDim: 2), filterHeight: 2, filterWidth: 2)), .flatten,
            .activation(.relu), .dense(DenseLayer(outDim: 1))
        ])
        #expect {
            try LayerKernel.compute(afterFlatten, x, nil, input: shape)
        } throws: { e in
            guard case .refused(let layer, let rule) = e as? KernelError else { return false }
            return layer == "Relu" && rule.contains("Gaussian")
        }
        let spatialOutput = Layer.conv(ConvLayer(affine: DenseLayer(outDim: 2), filterHeight: 2, filterWidth: 2))
        #expect {
            try LayerKernel.compute(spatialOutput, x, nil, input: shape)
        } throws: { e in
            (e as? KernelError)?.description.contains("spatial axes") == true
        }
        // Vectors: the vector path, which still says Conv needs images.
        #expect {
            try LayerKernel.compute(afterFlatten, x, nil)
        } throws: { e in
            (e as? KernelError)?.description.contains("needs images") == true
        }
    }
}
