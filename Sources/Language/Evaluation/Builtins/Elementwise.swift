import Foundation
import NTKCore

/// Elementwise functions: on numbers they return numbers, on matrices matrices.
extension Builtins {
    static let elementwise: [Builtin] = [
        unary("sin", "sine", Foundation.sin),
        unary("cos", "cosine", Foundation.cos),
        unary("tan", "tangent", Foundation.tan),
        unary("exp", "e to the x", Foundation.exp),
        unary("log", "natural logarithm (nan below 0, -inf at 0)", Foundation.log),
        unary("sqrt", "square root (nan below 0)", Foundation.sqrt),
        unary("abs", "absolute value", Swift.abs),
        unary("tanh", "hyperbolic tangent", Foundation.tanh),
        unary("erf", "the error function", Foundation.erf),
        unary("relu", "max(x, 0)", { $0 > 0 ? $0 : ($0.isNaN ? $0 : 0) }),
        unary("sign", "-1, 0 or 1 (nan stays nan), as numpy.sign", { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }),
        unary("asin", "arc sine (nan outside [-1, 1])", Foundation.asin),
        unary("acos", "arc cosine (nan outside [-1, 1])", Foundation.acos),
        unary("atan", "arc tangent", Foundation.atan),
        unary("sinh", "hyperbolic sine", Foundation.sinh),
        unary("cosh", "hyperbolic cosine", Foundation.cosh),
        unary("log1p", "log(1 + x), accurate for small x", Foundation.log1p),
        unary("expm1", "exp(x) - 1, accurate for small x", Foundation.expm1),
        unary("floor", "the largest whole number <= x", Foundation.floor),
        unary("ceil", "the smallest whole number >= x", Foundation.ceil),
        unary("round", "the nearest whole number (halves to even, as numpy.round)", { $0.rounded(.toNearestOrEven) }),
        clip
    ]

    /// `clip(x, low, high)`: numpy.clip, elementwise.
    static let clip = Builtin(
        "clip", [.required("x"), .required("low"), .required("high")],
        "x limited to [low, high] elementwise (numpy.clip)"
    ) { c throws(Diagnostic) in
        let lo = try c.number("low")
        let hi = try c.number("high")
        guard lo <= hi else {
            throw c.fail(
                "high", "clip() needs low <= high, got \(ValueFormatter.number(lo)) and \(ValueFormatter.number(hi))")
        }
        let f: (Double) -> Double = { $0.isNaN ? $0 : Swift.min(Swift.max($0, lo), hi) }
        switch c.value("x") {
        case .number(let v): return .number(f(v))
        default: return .matrix(try c.matrix("x").map(f))
        }
    }

    private static func unary(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double) -> Builtin
    {
        Builtin(name, [.required("x")], summary) { c throws(Diagnostic) in
            switch c.value("x") {
            case .number(let v): return .number(f(v))
            default: return .matrix(try c.matrix("x").map(f))
            }
        }
    }
}
