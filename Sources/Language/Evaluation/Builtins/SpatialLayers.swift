import NTKCore

/// The layers of docs/language.md#images-and-convolutions that act on images (NT's `stax.Conv`,
/// `AvgPool`, `GlobalAvgPool`, `Flatten`), with NT's keywords and defaults. `filter_shape`,
/// `window_shape` and `strides` are lists of two whole numbers; `strides: none` means 1.
extension Builtins {
    static let spatialLayers: [Builtin] = [
        Builtin(
            "Conv",
            [
                .required("out_chan"), .required("filter_shape"), .optional("strides"),
                .optional("padding", .string("VALID")), .optional("W_std", .number(1)), .optional("b_std"),
                .optional("parameterization", .string("ntk"))
            ],
            "a 2-D convolution of images to out_chan channels (stax.Conv); padding \"VALID\", \"SAME\" or \"CIRCULAR\""
        ) { c throws(Diagnostic) in
            let n = try c.integer("out_chan", minimum: 1)
            guard n <= 1_000_000 else { throw c.fail("out_chan", "Conv: out_chan must be at most 10^6, got \(n)") }
            let filter = try pair(c, "filter_shape", of: "Conv")
            let strides = c.isNone("strides") ? [1, 1] : try pair(c, "strides", of: "Conv")
            let w = try c.finiteNumber("W_std")
            let b = c.isNone("b_std") ? nil : try c.finiteNumber("b_std")
            let affine = DenseLayer(outDim: n, wStd: w, bStd: b, parameterization: try parameterization(c))
            return .layer(
                .conv(
                    ConvLayer(
                        affine: affine, filterHeight: filter[0], filterWidth: filter[1], strideHeight: strides[0],
                        strideWidth: strides[1], padding: try padding(c, of: "Conv"))))
        },
        Builtin(
            "AvgPool",
            [.required("window_shape"), .optional("strides"), .optional("padding", .string("VALID"))],
            "the mean over each window of images, per channel (stax.AvgPool); strides: none means 1"
        ) { c throws(Diagnostic) in
            let window = try pair(c, "window_shape", of: "AvgPool")
            let strides = c.isNone("strides") ? [1, 1] : try pair(c, "strides", of: "AvgPool")
            return .layer(
                .avgPool(
                    PoolLayer(
                        windowHeight: window[0], windowWidth: window[1], strideHeight: strides[0],
                        strideWidth: strides[1], padding: try padding(c, of: "AvgPool"))))
        },
        Builtin(
            "GlobalAvgPool", [],
            "the mean over all positions of images, per channel: images → vectors (stax.GlobalAvgPool)"
        ) { _ throws(Diagnostic) in .layer(.globalAvgPool) },
        Builtin("Flatten", [], "images → vectors of h·w·c entries in NHWC order, as flatten(I) (stax.Flatten)") {
            _ throws(Diagnostic) in .layer(.flatten)
        }
    ]

    /// A list of two whole numbers from 1 to 10000 (a filter, window or stride shape).
    private static func pair(_ c: BuiltinCall, _ name: String, of layer: String) throws(Diagnostic) -> [Int] {
        let v = c.value(name)
        let items: [Value]
        switch v {
        case .list(let l): items = l
        case .matrix(let m) where m.count == 2: items = m.storage.map(Value.number)
        default:
            throw c.fail(name, "\(layer): \(name) must be a list of two numbers, e.g. [3, 3], got \(v.typeDescription)")
        }
        guard items.count == 2 else {
            throw c.fail(name, "\(layer): \(name) must be a list of two numbers (height, width), got \(items.count)")
        }
        var out: [Int] = []
        for item in items {
            guard case .number(let x) = item, x.rounded() == x, x >= 1, x <= 10_000 else {
                throw c.fail(
                    name,
                    "\(layer): \(name) must hold whole numbers from 1 to 10000, got \(ValueFormatter.inline(item))")
            }
            out.append(Int(x))
        }
        return out
    }

    /// The `padding:` argument: "VALID", "SAME" or "CIRCULAR".
    private static func padding(_ c: BuiltinCall, of layer: String) throws(Diagnostic) -> Padding {
        let name = try c.string("padding")
        guard let p = Padding(rawValue: name) else {
            let all = Padding.allCases.map(\.rawValue)
            throw c.fail(
                "padding",
                "\(layer): unknown padding '\(name)'\(Suggestions.hint(for: name, in: all)); use \"VALID\", \"SAME\" or \"CIRCULAR\""
            )
        }
        return p
    }
}
