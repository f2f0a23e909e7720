import Foundation

/// The activations of docs/language.md#builtins, with neural-tangents 0.6.5's arguments. Each
/// family's finite function and kernel map live in its own file under `Activations/`; this enum
/// only names them and dispatches.
public enum Elementwise: Equatable, Sendable {
    /// `Relu()` = `ABRelu(0, 1)`.
    case relu
    /// `LeakyRelu(alpha)` = `ABRelu(alpha, 1)`.
    case leakyRelu(alpha: Double)
    /// `ABRelu(a, b)`: a·min(x, 0) + b·max(x, 0).
    case abRelu(a: Double, b: Double)
    /// `Abs()` = `ABRelu(-1, 1)`.
    case abs
    /// `Sign()`.
    case sign
    /// `Erf(a, b, c)`: a·erf(b·x) + c.
    case erf(a: Double, b: Double, c: Double)
    /// `Gelu(approximate)`.
    case gelu(approximate: Bool)
    /// `Sin(a, b, c)`: a·sin(b·x + c).
    case sin(a: Double, b: Double, c: Double)
    /// `Cos(a, b, c)` = `Sin(a, b, c + π/2)`.
    case cos(a: Double, b: Double, c: Double)
    /// `Rbf(gamma)`: √2·sin(√(2γ)·x + π/4).
    case rbf(gamma: Double)
    /// `Gaussian(a, b)`: a·exp(b·x²).
    case gaussian(a: Double, b: Double)
    /// `Exp(a, b)`: a·exp(b·x).
    case exp(a: Double, b: Double)
    /// `Monomial(degree)`: x^degree, degree 0 … 5.
    case monomial(degree: Int)
    /// `RectifiedMonomial(degree)`: (x ≥ 0)·x^degree.
    case rectifiedMonomial(degree: Int)
    /// `Polynomial(coef)`: coef[0] + coef[1]·x + ….
    case polynomial(coef: [Double])
    /// `Hermite(degree)`: the normalised probabilists' Hermite polynomial He_n/√n!.
    case hermite(degree: Int)
    /// `Tanh(deg)`: `ElementwiseNumerical(tanh, deg, df: 1 − tanh²)`.
    case tanh(degree: Int)
    /// `ElementwiseNumerical(fn, deg, df)` with user functions.
    case numerical(NumericalActivation)

    /// The rule that computes this activation, finite and infinite.
    var rule: any ElementwiseRule { accept(AnyRule()) }

    /// Calls `visitor` with this activation's rule as its concrete type, so that loops over
    /// it are specialised.
    func accept<V: ElementwiseRuleVisitor>(_ visitor: V) -> V.Output {
        switch self {
        case .relu: return visitor.visit(RectifiedRule(a: 0, b: 1))
        case .leakyRelu(let alpha): return visitor.visit(RectifiedRule(a: alpha, b: 1))
        case .abRelu(let a, let b): return visitor.visit(RectifiedRule(a: a, b: b))
        case .abs: return visitor.visit(RectifiedRule(a: -1, b: 1))
        case .sign: return visitor.visit(SignRule())
        case .erf(let a, let b, let c): return visitor.visit(ErfRule(a: a, b: b, c: c))
        case .gelu(let approximate): return visitor.visit(GeluRule(approximate: approximate))
        case .sin(let a, let b, let c): return visitor.visit(SinRule(a: a, b: b, c: c))
        case .cos(let a, let b, let c): return visitor.visit(SinRule(a: a, b: b, c: c + Double.pi / 2))
        case .rbf(let gamma): return visitor.visit(RbfRule(gamma: gamma))
        case .gaussian(let a, let b): return visitor.visit(GaussianRule(a: a, b: b))
        case .exp(let a, let b): return visitor.visit(ExpRule(a: a, b: b))
        case .monomial(let n): return visitor.visit(MonomialRule(degree: n))
        case .rectifiedMonomial(let n): return visitor.visit(RectifiedMonomialRule(degree: n))
        case .polynomial(let coef): return visitor.visit(PolynomialRule(coef: coef))
        case .hermite(let n): return visitor.visit(HermiteRule(degree: n))
        case .tanh(let deg):
            return visitor.visit(
                QuadratureRule(
                    degree: deg, fn: { Foundation.tanh($0) },
                    df: {
                        let t = Foundation.tanh($0)
                        return 1 - t * t
                    }, isPure: true))
        case .numerical(let f):
            return visitor.visit(QuadratureRule(degree: f.degree, fn: f.fn, df: f.df, isPure: false))
        }
    }

    /// The layer's name as it is written in a notebook.
    public var name: String {
        switch self {
        case .relu: return "Relu"
        case .leakyRelu: return "LeakyRelu"
        case .abRelu: return "ABRelu"
        case .abs: return "Abs"
        case .sign: return "Sign"
        case .erf: return "Erf"
        case .gelu: return "Gelu"
        case .sin: return "Sin"
        case .cos: return "Cos"
        case .rbf: return "Rbf"
        case .gaussian: return "Gaussian"
        case .exp: return "Exp"
        case .monomial: return "Monomial"
        case .rectifiedMonomial: return "RectifiedMonomial"
        case .polynomial: return "Polynomial"
        case .hermite: return "Hermite"
        case .tanh: return "Tanh"
        case .numerical: return "ElementwiseNumerical"
        }
    }
}

/// `ElementwiseNumerical(fn, deg, df)`: user functions of one number, kept as closures. Two
/// values are equal when they were made from the same functions (`identity`).
public struct NumericalActivation: Equatable, Sendable {
    /// Says which functions these are (the language uses their definitions' text).
    public var identity: String
    public var degree: Int
    public var fn: @Sendable (Double) -> Double
    /// nil: no derivative, so no NTK and no gradients.
    public var df: (@Sendable (Double) -> Double)?

    public init(
        identity: String, degree: Int, fn: @escaping @Sendable (Double) -> Double,
        df: (@Sendable (Double) -> Double)?
    ) {
        self.identity = identity
        self.degree = degree
        self.fn = fn
        self.df = df
    }

    public static func == (a: Self, b: Self) -> Bool { a.identity == b.identity && a.degree == b.degree }
}

/// One activation: φ and φ' for the finite network (JAX's derivatives, ties split at kinks),
/// and neural-tangents' kernel map for the infinite one.
protocol ElementwiseRule: Sendable {
    /// φ(x).
    func value(_ x: Double) -> Double
    /// φ'(x); nil when there is none (an `ElementwiseNumerical` without `df`).
    func derivative(_ x: Double) -> Double?
    /// T(q12; q1, q2) and Ṫ (nil when NT has no NTK for this layer).
    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?)
    /// T_diag(q): NT's `nngp_fn_diag`.
    func variance(_ q: Double) -> Double
    /// False when φ calls back into the language (user functions), which must stay on the
    /// calling thread.
    var isPure: Bool { get }
    /// Whether T(q12; q1, q2) = T(q12; q2, q1) exactly (false for the quadrature rules, which
    /// integrate over x first), so that K(X, X) may be computed as a symmetric matrix.
    var isSymmetric: Bool { get }
}

extension ElementwiseRule {
    var isPure: Bool { true }
    var isSymmetric: Bool { true }
}

/// Something done with an activation's rule, generic over its concrete type.
protocol ElementwiseRuleVisitor {
    associatedtype Output
    func visit<R: ElementwiseRule>(_ rule: R) -> Output
}

/// The rule itself, type-erased (for the finite network).
struct AnyRule: ElementwiseRuleVisitor {
    func visit<R: ElementwiseRule>(_ rule: R) -> any ElementwiseRule { rule }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// √max(x, 0): NT's `_sqrt`.
@inline(__always) func clampedRoot(_ x: Double) -> Double { Swift.max(x, 0).squareRoot() }

/// x^n as `lax.integer_pow` computes it (binary exponentiation), so powers match NT's bits.
@inline(__always) func integerPower(_ x: Double, _ n: Int) -> Double {
    if n == 0 { return 1 }
    var base = x
    var y = n
    var acc: Double? = nil
    while y > 0 {
        if y & 1 == 1 { acc = acc.map { $0 * base } ?? base }
        y >>= 1
        if y > 0 { base = base * base }
    }
    return acc!
}
