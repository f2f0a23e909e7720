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
    ]

    private static func unary(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double) -> Builtin {
        Builtin(name, [.required("x")], summary) { c throws(Diagnostic) in
            switch c.value("x") {
            case .number(let v): return .number(f(v))
            default: return .matrix(try c.matrix("x").map(f))
            }
        }
    }
}
