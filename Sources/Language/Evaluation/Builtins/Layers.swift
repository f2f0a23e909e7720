import NTKCore

/// The neural-tangents `stax` layers of docs/language.md#builtins, with NT's names, keywords and
/// defaults: each returns a network value (`.layer`) that every network builtin takes.
extension Builtins {
    static let layers: [Builtin] = combinators + linearLayers + spatialLayers + activations

    static let combinators: [Builtin] = [
        Builtin(
            "serial", [], variadic: "layers", "layers one after another (stax.serial); any network value is a layer"
        ) { c throws(Diagnostic) in
            .layer(.serial(try layerArguments(c)))
        },
        Builtin(
            "parallel", [], variadic: "layers",
            "the i-th layer applied to the i-th input, e.g. after FanOut (stax.parallel)"
        ) { c throws(Diagnostic) in
            .layer(.parallel(try layerArguments(c)))
        },
        Builtin(
            "repeat", [.required("layer"), .required("n")],
            "serial of n copies of layer, each with its own parameters (stax.repeat)"
        ) { c throws(Diagnostic) in
            let layer = try layerValue(c.value("layer"), at: c.range("layer"), in: c)
            let n = try c.integer("n", minimum: 0)
            guard n <= 10_000 else { throw c.fail("n", "repeat: n must be at most 10000, got \(n)") }
            return .layer(.repeated(layer, n))
        },
        Builtin("FanOut", [.required("num")], "num copies of its input, for parallel branches (stax.FanOut)") {
            c throws(Diagnostic) in
            let n = try c.integer("num", minimum: 1)
            guard n <= 10_000 else { throw c.fail("num", "FanOut: num must be at most 10000, got \(n)") }
            return .layer(.fanOut(n))
        },
        Builtin("FanInSum", [], "the sum of its inputs (stax.FanInSum)") { _ throws(Diagnostic) in .layer(.fanInSum) },
        Builtin("FanInProd", [], "the elementwise product of its inputs (stax.FanInProd)") { _ throws(Diagnostic) in
            .layer(.fanInProd)
        },
        Builtin(
            "FanInConcat", [.optional("axis", .number(-1))],
            "its inputs side by side along the feature axis; the kernel averages the branches by width (stax.FanInConcat)"
        ) { c throws(Diagnostic) in
            let axis = try c.number("axis")
            guard axis == -1 || axis == 1 else {
                throw c.fail(
                    "axis",
                    "FanInConcat: only the feature axis (-1 or 1) is supported, got \(ValueFormatter.number(axis))")
            }
            return .layer(.fanInConcat)
        }
    ]

    static let linearLayers: [Builtin] = [
        Builtin(
            "Dense",
            [
                .required("out_dim"), .optional("W_std", .number(1)), .optional("b_std"),
                .optional("parameterization", .string("ntk"))
            ],
            "a fully connected layer of out_dim units (stax.Dense); b_std: none means no bias"
        ) { c throws(Diagnostic) in
            let n = try c.integer("out_dim", minimum: 1)
            guard n <= 1_000_000_000 else { throw c.fail("out_dim", "Dense: out_dim must be at most 10^9, got \(n)") }
            let w = try c.finiteNumber("W_std")
            let b = c.isNone("b_std") ? nil : try c.finiteNumber("b_std")
            return .layer(.dense(DenseLayer(outDim: n, wStd: w, bStd: b, parameterization: try parameterization(c))))
        },
        Builtin("Identity", [], "passes its input on unchanged (stax.Identity)") { _ throws(Diagnostic) in
            .layer(.identity)
        },
        Builtin(
            "LayerNorm", [.optional("axis", .number(-1)), .optional("eps", .number(1e-12))],
            "each input normalised over its features: (x − mean)/√(eps + var) (stax.LayerNorm)"
        ) { c throws(Diagnostic) in
            let axis = try c.number("axis")
            guard axis == -1 || axis == 1 else {
                throw c.fail(
                    "axis",
                    "LayerNorm: normalisation over the features (axis -1 or 1) is needed for an infinite-width kernel, got \(ValueFormatter.number(axis))"
                )
            }
            let eps = try c.finiteNumber("eps")
            guard eps >= 0 else { throw c.fail("eps", "LayerNorm: eps must be ≥ 0, got \(ValueFormatter.number(eps))") }
            return .layer(.layerNorm(eps: eps))
        }
    ]

    /// The `parameterization:` argument of Dense and Conv.
    static func parameterization(_ c: BuiltinCall) throws(Diagnostic) -> Parameterization {
        let name = try c.string("parameterization")
        guard let par = Parameterization(rawValue: name) else {
            throw c.fail(
                "parameterization",
                "unknown parameterization '\(name)'\(Suggestions.hint(for: name, in: ["ntk", "standard"])); use \"ntk\" or \"standard\""
            )
        }
        return par
    }

    static let activations: [Builtin] = [
        activation("Relu", [], "max(x, 0) (stax.Relu)") { _ throws(Diagnostic) in .relu },
        activation("LeakyRelu", [.required("alpha")], "alpha·min(x, 0) + max(x, 0) (stax.LeakyRelu)") {
            c throws(Diagnostic) in
            .leakyRelu(alpha: try c.finiteNumber("alpha"))
        },
        activation("ABRelu", [.required("a"), .required("b")], "a·min(x, 0) + b·max(x, 0) (stax.ABRelu)") {
            c throws(Diagnostic) in
            .abRelu(a: try c.finiteNumber("a"), b: try c.finiteNumber("b"))
        },
        activation("Abs", [], "|x| (stax.Abs)") { _ throws(Diagnostic) in .abs },
        activation("Sign", [], "sign(x); its NTK is 0 below it, as in neural-tangents (stax.Sign)") {
            _ throws(Diagnostic) in .sign
        },
        activation(
            "Erf", [.optional("a", .number(1)), .optional("b", .number(1)), .optional("c", .number(0))],
            "a·erf(b·x) + c (stax.Erf)"
        ) { c throws(Diagnostic) in
            .erf(a: try c.finiteNumber("a"), b: try c.finiteNumber("b"), c: try c.finiteNumber("c"))
        },
        activation(
            "Gelu", [.optional("approximate", .bool(false))],
            "x·Φ(x); approximate: true uses the tanh form in the finite network, the kernel is always exact GELU's (stax.Gelu)"
        ) { c throws(Diagnostic) in
            .gelu(approximate: try c.bool("approximate"))
        },
        activation(
            "Sin", [.optional("a", .number(1)), .optional("b", .number(1)), .optional("c", .number(0))],
            "a·sin(b·x + c) (stax.Sin)"
        ) { c throws(Diagnostic) in
            .sin(a: try c.finiteNumber("a"), b: try c.finiteNumber("b"), c: try c.finiteNumber("c"))
        },
        activation(
            "Cos", [.optional("a", .number(1)), .optional("b", .number(1)), .optional("c", .number(0))],
            "a·cos(b·x + c), as Sin(a, b, c + π/2) (stax.Cos)"
        ) { c throws(Diagnostic) in
            .cos(a: try c.finiteNumber("a"), b: try c.finiteNumber("b"), c: try c.finiteNumber("c"))
        },
        activation(
            "Rbf", [.optional("gamma", .number(1))],
            "√2·sin(√(2γ)·x + π/4), whose NNGP is the RBF kernel exp(−γ‖x − x′‖²/d) (stax.Rbf)"
        ) { c throws(Diagnostic) in
            .rbf(gamma: try c.finiteNumber("gamma"))
        },
        activation("Gaussian", [.optional("a", .number(1)), .optional("b", .number(-1))], "a·exp(b·x²) (stax.Gaussian)")
        { c throws(Diagnostic) in
            .gaussian(a: try c.finiteNumber("a"), b: try c.finiteNumber("b"))
        },
        activation("Exp", [.optional("a", .number(1)), .optional("b", .number(1))], "a·exp(b·x) (stax.Exp)") {
            c throws(Diagnostic) in
            .exp(a: try c.finiteNumber("a"), b: try c.finiteNumber("b"))
        },
        activation("Monomial", [.required("degree")], "x^degree, degree 0 … 5 (stax.Monomial)") {
            c throws(Diagnostic) in
            let n = try c.integer("degree")
            guard n <= 5 else {
                throw c.fail("degree", "Monomial: degree must be between 0 and 5 (as neural-tangents), got \(n)")
            }
            return .monomial(degree: n)
        },
        activation(
            "RectifiedMonomial", [.required("degree")],
            "(x ≥ 0)·x^degree, any degree 0 … \(RectifiedMonomialDegrees.maximum) (stax.RectifiedMonomial)"
        ) { c throws(Diagnostic) in
            let n = try c.integer("degree")
            guard n <= RectifiedMonomialDegrees.maximum else {
                throw c.fail(
                    "degree",
                    "RectifiedMonomial: degree must be at most \(RectifiedMonomialDegrees.maximum), got \(n) (its kernel grows like (2n − 1)!!/2·qⁿ and leaves double precision from about n = 150 at unit variance)"
                )
            }
            return .rectifiedMonomial(degree: n)
        },
        activation("Polynomial", [.required("coef")], "coef[0] + coef[1]·x + … (stax.Polynomial)") {
            c throws(Diagnostic) in
            guard case .list(let items) = c.value("coef") else {
                throw c.fail(
                    "coef", "Polynomial: coef must be a list of numbers, got \(c.value("coef").typeDescription)")
            }
            var coef: [Double] = []
            for item in items {
                guard case .number(let x) = item, x.isFinite else {
                    throw c.fail(
                        "coef",
                        "Polynomial: every coefficient must be a finite number, got \(ValueFormatter.inline(item))")
                }
                coef.append(x)
            }
            guard coef.count <= 30 else {
                throw c.fail("coef", "Polynomial: at most 30 coefficients, got \(coef.count)")
            }
            return .polynomial(coef: coef)
        },
        activation(
            "Hermite", [.required("degree")],
            "He_degree(x)/√degree!; the kernel is nngp^degree, exact for unit-variance inputs (stax.Hermite)"
        ) { c throws(Diagnostic) in
            let n = try c.integer("degree")
            guard n <= 30 else { throw c.fail("degree", "Hermite: degree must be at most 30, got \(n)") }
            return .hermite(degree: n)
        },
        activation(
            "Tanh", [.optional("deg", .number(25))],
            "tanh(x), its kernel by deg-point Gauss–Hermite quadrature as mlp's tanh (stax.ElementwiseNumerical)"
        ) { c throws(Diagnostic) in
            let deg = try c.integer("deg", minimum: 1)
            guard deg <= 150 else {
                throw c.fail(
                    "deg", "Tanh: deg must be at most 150 (the Gauss–Hermite rule neural-tangents uses), got \(deg)")
            }
            return .tanh(degree: deg)
        },
        Builtin(
            "ElementwiseNumerical", [.required("fn"), .required("deg"), .optional("df")],
            "fn(x) of a def function, its kernel by deg-point Gauss–Hermite quadrature; the NTK and training need df, fn's derivative (stax.ElementwiseNumerical)"
        ) { c throws(Diagnostic) in
            guard case .function(let fn) = c.value("fn") else {
                throw c.fail(
                    "fn",
                    "ElementwiseNumerical: fn must be a function of one number (def f(x): ...), got \(c.value("fn").typeDescription)"
                )
            }
            let deg = try c.integer("deg", minimum: 1)
            guard deg <= 150 else { throw c.fail("deg", "ElementwiseNumerical: deg must be at most 150, got \(deg)") }
            var df: Function?
            if !c.isNone("df") {
                guard case .function(let d) = c.value("df") else {
                    throw c.fail(
                        "df",
                        "ElementwiseNumerical: df must be a function of one number or none, got \(c.value("df").typeDescription)"
                    )
                }
                df = d
            }
            let identity = "\(fn.name)" + (df.map { ", df: \($0.name)" } ?? "")
            let act = NumericalActivation(
                identity: identity, degree: deg, fn: UserFunctions.closure(fn, role: "fn"),
                df: df.map { UserFunctions.closure($0, role: "df") })
            return .layer(.activation(.numerical(act)))
        }
    ]

    /// A builtin that makes one activation layer.
    private static func activation(
        _ name: String, _ parameters: [Parameter], _ summary: String,
        _ make: @escaping @Sendable (inout BuiltinCall) throws(Diagnostic) -> Elementwise
    ) -> Builtin {
        Builtin(name, parameters, summary) { c throws(Diagnostic) in .layer(.activation(try make(&c))) }
    }

    /// The variadic arguments of serial/parallel as layers.
    private static func layerArguments(_ c: BuiltinCall) throws(Diagnostic) -> [Layer] {
        var out: [Layer] = []
        for arg in c.rest { out.append(try layerValue(arg.value, at: arg.range, in: c)) }
        return out
    }

    /// A network value as a layer: an `mlp` becomes the serial it describes.
    static func layerValue(_ v: Value, at range: SourceRange, in c: BuiltinCall) throws(Diagnostic) -> Layer {
        switch v {
        case .layer(let l): return l
        case .network(let m): return m.asLayer
        default:
            throw .error(
                "\(c.name)() takes layers (Dense(...), Relu(), serial(...), mlp(...)), got \(v.typeDescription)",
                at: range)
        }
    }
}

/// How far `RectifiedMonomial` goes: any degree NT takes, up to a bound that keeps the exact
/// arc-cosine tables (O(n²) to build) cheap; far above where its kernel overflows anyway.
enum RectifiedMonomialDegrees {
    static let maximum = 1000
}
