import NTKCore
import Testing

/// The shape walk through spatial layers (docs/language.md#images-and-convolutions): output
/// sizes and padding as XLA computes them, Conv parameters as Dense ones of fan_in fh·fw·c_in,
/// and the structural refusals.
@Suite struct FeatureShapeTests {
    /// lax's rules written independently: VALID ⌈(in − f + 1)/s⌉, SAME and CIRCULAR ⌈in/s⌉, and
    /// SAME's total padding max((out − 1)s + f − in, 0) with the smaller half first.
    @Test func outputLengthsAndPadsFollowXLA() {
        for size in 1...12 {
            for window in 1...5 {
                for stride in 1...4 {
                    let valid = Padding.valid.outputLength(size, window: window, stride: stride)
                    if size < window {
                        #expect(valid == nil)
                    } else {
                        #expect(valid == Int((Double(size - window + 1) / Double(stride)).rounded(.up)))
                    }
                    let same = Int((Double(size) / Double(stride)).rounded(.up))
                    #expect(Padding.same.outputLength(size, window: window, stride: stride) == same)
                    #expect(Padding.circular.outputLength(size, window: window, stride: stride) == same)
                    let pads = Padding.same.pads(size, window: window, stride: stride)
                    let total = max((same - 1) * stride + window - size, 0)
                    #expect(pads.before + pads.after == total)
                    #expect(pads.after - pads.before == total % 2)
                    #expect(Padding.valid.pads(size, window: window, stride: stride) == (0, 0))
                }
            }
        }
    }

    @Test func convParametersAreDenseOnesOverPatches() throws {
        let net = Layer.serial([
            .conv(
                ConvLayer(
                    affine: DenseLayer(outDim: 5, bStd: 0.1), filterHeight: 3, filterWidth: 2, strideHeight: 2,
                    padding: .same)),
            .activation(.relu),
            .avgPool(PoolLayer(windowHeight: 2, windowWidth: 2, padding: .valid)),
            .dense(DenseLayer(outDim: 4)),
            .flatten,
            .dense(DenseLayer(outDim: 3))
        ])
        let shapes = try LayerShapes(net, input: .image(height: 7, width: 6, channels: 2))
        // Conv 7×6×2 → SAME, strides (2, 1): 4×6×5; AvgPool 2×2 VALID: 3×5×5; Dense on channels:
        // 3×5×4; Flatten: 60.
        #expect(shapes.dense.map(\.fanIn) == [3 * 2 * 2, 5, 60])
        #expect(shapes.outputWidth == 3)
        #expect(shapes.parameterCount == 12 * 5 + 5 + 5 * 4 + 60 * 3)
        let after = try LayerShapes.outputShapes(
            .serial([.conv(ConvLayer(affine: DenseLayer(outDim: 5), filterHeight: 3, filterWidth: 3))]),
            input: [.image(height: 7, width: 6, channels: 2)])
        #expect(after == [.image(height: 5, width: 4, channels: 5)])
    }

    @Test func spatialOutputsAndVectorInputsAreRefused() {
        let conv = Layer.conv(ConvLayer(affine: DenseLayer(outDim: 2), filterHeight: 3, filterWidth: 3))
        #expect(throws: NetworkError.self) {
            try LayerShapes(.serial([conv, .dense(DenseLayer(outDim: 1))]), inputWidth: 9)
        }
        do {
            _ = try LayerShapes(conv, input: .image(height: 4, width: 4, channels: 1))
            Issue.record("a spatial output was accepted")
        } catch {
            #expect(error.description.contains("still has spatial axes (2×2×2 per sample)"))
        }
        do {
            _ = try LayerShapes(
                .serial([conv, .globalAvgPool]), input: .image(height: 2, width: 5, channels: 1))
            Issue.record("a filter larger than the image was accepted")
        } catch {
            #expect(error.description.contains("3×3 filter does not fit the 2×5 images"))
        }
        #expect(throws: Never.self) {
            let s = try LayerShapes(.serial([conv, .globalAvgPool]), input: .image(height: 3, width: 3, channels: 1))
            #expect(s.outputWidth == 2)
        }
    }
}
