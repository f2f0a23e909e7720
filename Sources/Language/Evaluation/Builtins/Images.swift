import NTKCore

/// The images value's builtins: `images(X, h, w, c)` and `flatten(I)`
/// (docs/language.md#images-and-convolutions), and the messages that say what images allow
/// where a matrix is expected. `load`, `save`, `rows`, selection and arithmetic take images too.
extension Builtins {
    static let images: [Builtin] = [
        Builtin(
            "images", [.required("X"), .required("h"), .required("w"), .required("c")],
            "n samples of h×w×c from an n×(h·w·c) matrix whose rows are samples flattened in NHWC order "
                + "(numpy x.reshape(n, -1))"
        ) { c throws(Diagnostic) in
            let x = try c.matrix("X")
            let h = try c.integer("h", minimum: 1)
            let w = try c.integer("w", minimum: 1)
            let ch = try c.integer("c", minimum: 1)
            let (hw, o1) = h.multipliedReportingOverflow(by: w)
            let (hwc, o2) = hw.multipliedReportingOverflow(by: ch)
            guard !o1, !o2, hwc == x.cols else {
                let size = o1 || o2 ? "more than 2^63" : "\(hwc)"
                throw .error(
                    "images(X, \(h), \(w), \(ch)) needs X with h·w·c = \(size) columns, got a "
                        + "\(x.shapeDescription) matrix", at: c.range)
            }
            return .images(Images(pixels: x, height: h, width: w, channels: ch))
        },
        Builtin("flatten", [.required("I")], "images as the n×(h·w·c) matrix of their samples in NHWC order") {
            c throws(Diagnostic) in
            guard case .images(let i) = c.value("I") else {
                throw c.fail("I", "flatten() needs images, got \(c.value("I").typeDescription)")
            }
            return .matrix(i.pixels)
        }
    ]

    /// Why images cannot stand where builtin `name` expects a matrix, and what to write instead.
    static func imagesWhereMatrix(_ i: Images, builtin name: String, what: String) -> String {
        return "\(what) must be a matrix, got images (\(i.shapeDescription)); flatten(I) gives the "
            + "\(i.count)×\(i.pixels.cols) matrix"
    }
}
