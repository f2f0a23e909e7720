import Testing

@testable import NTKCore

/// The reader itself: NT's positional order and keywords give the same layers, defaults are
/// NT's, and what it does not know is refused.
@Suite struct LayerLineTests {
    @Test func positionalAndKeywordArgumentsAreTheSameLayer() throws {
        let conv = Layer.conv(
            ConvLayer(
                affine: DenseLayer(outDim: 3, wStd: 1.3, bStd: 0.2), filterHeight: 2, filterWidth: 3, strideHeight: 2,
                strideWidth: 1, padding: .same))
        #expect(try LayerLine.parse(#"Conv(3, [2, 3], [2, 1], "SAME", 1.3, 0.2)"#) == conv)
        #expect(
            try LayerLine.parse(
                #"Conv(3, filter_shape: [2, 3], strides: [2, 1], padding: "SAME", W_std: 1.3, b_std: 0.2)"#)
                == conv)
        let pool = Layer.avgPool(
            PoolLayer(windowHeight: 3, windowWidth: 2, strideHeight: 2, strideWidth: 2, padding: .circular))
        #expect(try LayerLine.parse(#"AvgPool([3, 2], [2, 2], "CIRCULAR")"#) == pool)
        #expect(try LayerLine.parse(#"AvgPool([3, 2], padding: "CIRCULAR", strides: [2, 2])"#) == pool)
        #expect(
            try LayerLine.parse("Dense(4, 1.5, 0.1)")
                == .dense(DenseLayer(outDim: 4, wStd: 1.5, bStd: 0.1)))
    }

    @Test func defaultsAreNeuralTangents() throws {
        #expect(
            try LayerLine.parse("serial(Conv(2, [1, 1]), Tanh(), Dense(1))")
                == .serial([
                    .conv(
                        ConvLayer(
                            affine: DenseLayer(outDim: 2, wStd: 1, bStd: nil), filterHeight: 1, filterWidth: 1,
                            strideHeight: 1, strideWidth: 1, padding: .valid)),
                    .activation(.tanh(degree: 25)), .dense(DenseLayer(outDim: 1, wStd: 1, bStd: nil))
                ]))
    }

    @Test func unknownLayersAndTrailingTextAreRefused() {
        #expect(throws: LayerLine.Failure.self) { try LayerLine.parse("Softmax()") }
        #expect(throws: LayerLine.Failure.self) { try LayerLine.parse("Relu() Relu()") }
        #expect(throws: LayerLine.Failure.self) { try LayerLine.parse(#"Conv(3, [2, 2], padding: "REFLECT")"#) }
        #expect(throws: LayerLine.Failure.self) { try LayerLine.parse("ElementwiseNumerical(f, 25)") }
    }
}
