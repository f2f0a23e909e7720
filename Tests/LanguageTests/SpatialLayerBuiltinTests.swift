import Foundation
import NTKCore
import TangentSupport
import Testing

@testable import Language

/// The builtins of docs/language.md#images-and-convolutions that build spatial layers: NT's
/// keywords and defaults, the values' description and cache encoding, and located errors for
/// arguments NT would not take.
@Suite struct SpatialLayerBuiltinTests {
    @Test func defaultsAreNeuralTangents() throws {
        let v = try value("r = Conv(8, [3, 2])")
        let conv = ConvLayer(
            affine: DenseLayer(outDim: 8, wStd: 1, bStd: nil, parameterization: .ntk), filterHeight: 3,
            filterWidth: 2, strideHeight: 1, strideWidth: 1, padding: .valid)
        #expect(v == .layer(.conv(conv)))
        let pool = try value("r = AvgPool([2, 3])")
        #expect(
            pool
                == .layer(
                    .avgPool(
                        PoolLayer(windowHeight: 2, windowWidth: 3, strideHeight: 1, strideWidth: 1, padding: .valid))))
        #expect(try value("r = GlobalAvgPool()") == .layer(.globalAvgPool))
        #expect(try value("r = Flatten()") == .layer(.flatten))
    }

    @Test func spatialLayersSurviveTheCacheEncodingAndDescribeThemselves() throws {
        let code = """
            r = serial(Conv(4, [3, 3], strides: [2, 1], padding: "SAME", W_std: 1.5, b_std: 0.1, parameterization: "standard"),
                       Relu(), AvgPool([2, 2], strides: [2, 2], padding: "CIRCULAR"), Conv(2, [1, 1]), GlobalAvgPool(),
                       Flatten(), Dense(1))
            """
        let v = try value(code)
        var w = BinaryWriter()
        v.encode(into: &w)
        var r = BinaryReader(w.bytes)
        #expect(Value.decode(from: &r) == v)
        #expect(r.atEnd)
        let text = ValueFormatter.text(v)
        #expect(
            text.contains(
                "Conv(4, [3, 3], strides: [2, 1], padding: \"SAME\", W_std: 1.5, b_std: 0.1, parameterization: \"standard\")"
            ))
        #expect(text.contains("AvgPool([2, 2], strides: [2, 2], padding: \"CIRCULAR\")"))
        #expect(text.contains("Conv(2, [1, 1])"))
        #expect(text.contains("GlobalAvgPool(), Flatten(), Dense(1)"))
        // The description is itself a program that builds the same network.
        #expect(try value("r = " + text) == v)
    }

    @Test(arguments: [
        ("r = Conv(4, [3])", "filter_shape must be a list of two numbers (height, width), got 1"),
        ("r = Conv(4, 3)", "filter_shape must be a list of two numbers, e.g. [3, 3], got a number"),
        ("r = Conv(4, [3, 0])", "filter_shape must hold whole numbers from 1 to 10000, got 0"),
        ("r = Conv(4, [3, 3], padding: \"same\")", "unknown padding 'same' (did you mean 'SAME'?)"),
        ("r = Conv(0, [3, 3])", "out_chan"),
        ("r = AvgPool([2, 2], strides: [1.5, 1])", "strides must hold whole numbers from 1 to 10000, got 1.5"),
        ("r = Conv(4, [3, 3], parameterization: \"ntK\")", "unknown parameterization 'ntK'")
    ])
    func badArgumentsAreLocatedErrors(_ code: String, _ message: String) {
        let d = diagnostic(code)
        #expect(d?.message.contains(message) == true, "\(d?.message ?? "no error")")
        #expect(d?.range.start.line == 1)
    }
}
