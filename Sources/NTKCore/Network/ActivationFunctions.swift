#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions under names that the `Activation` cases `.erf` and `.tanh` do not shadow.
@inline(__always) private func cErf(_ x: Double) -> Double { erf(x) }
@inline(__always) private func cTanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func cExp(_ x: Double) -> Double { exp(x) }

/// The activations of a finite network, pointwise, with the derivatives JAX's autodiff
/// gives for neural-tangents' stax layers (docs/numerics.md#empirical-ntk):
/// relu'(0) = 1/2 (`jnp.maximum` splits ties), erf' = 2/√π·e^(−x²),
/// GELU exact = x(1 + erf(x/√2))/2, tanh' = 1 − tanh².
extension Activation {
    /// φ(x).
    func value(_ x: Double) -> Double {
        switch self {
        case .relu: return ReluPointwise.value(x)
        case .erf: return ErfPointwise.value(x)
        case .identity: return x
        case .gelu: return GeluPointwise.value(x)
        case .tanh: return TanhPointwise.value(x)
        }
    }

    /// φ'(x).
    func derivative(_ x: Double) -> Double {
        switch self {
        case .relu: return ReluPointwise.valueAndSlope(x).1
        case .erf: return ErfPointwise.valueAndSlope(x).1
        case .identity: return 1
        case .gelu: return GeluPointwise.valueAndSlope(x).1
        case .tanh: return TanhPointwise.valueAndSlope(x).1
        }
    }

    /// Over `count` entries starting at `z` (whole rows of `width`): adds `bias[j]` to column j
    /// when a bias is given, writes φ'(z) to `slope` when it is non-nil, and replaces z by φ(z).
    func activate(
        _ z: UnsafeMutablePointer<Double>, count: Int, width: Int,
        bias: UnsafePointer<Double>?, slope: UnsafeMutablePointer<Double>?
    ) {
        switch self {
        case .relu: Self.run(ReluPointwise.self, z, count, width, bias, slope)
        case .erf: Self.run(ErfPointwise.self, z, count, width, bias, slope)
        case .identity: Self.run(IdentityPointwise.self, z, count, width, bias, slope)
        case .gelu: Self.run(GeluPointwise.self, z, count, width, bias, slope)
        case .tanh: Self.run(TanhPointwise.self, z, count, width, bias, slope)
        }
    }

    /// The loop of `activate`, specialised for each activation so that φ and φ' are inlined.
    @inline(__always)
    private static func run<F: Pointwise>(
        _: F.Type, _ z: UnsafeMutablePointer<Double>, _ count: Int, _ width: Int,
        _ bias: UnsafePointer<Double>?, _ slope: UnsafeMutablePointer<Double>?
    ) {
        var row = 0
        while row < count {
            let zr = z + row
            switch (bias, slope) {
            case (let b?, let s?):
                let sr = s + row
                for j in 0..<width {
                    let x = zr[j] + b[j]
                    (zr[j], sr[j]) = F.valueAndSlope(x)
                }
            case (let b?, nil):
                for j in 0..<width { zr[j] = F.value(zr[j] + b[j]) }
            case (nil, let s?):
                let sr = s + row
                for j in 0..<width { (zr[j], sr[j]) = F.valueAndSlope(zr[j]) }
            case (nil, nil):
                for j in 0..<width { zr[j] = F.value(zr[j]) }
            }
            row += width
        }
    }
}

/// φ and φ' of one activation, as static functions the compiler can inline into loops.
private protocol Pointwise {
    static func value(_ x: Double) -> Double
    static func valueAndSlope(_ x: Double) -> (Double, Double)
}

/// JAX's ReLU `0·min(x, 0) + max(x, 0)`: x for x > 0, +0 for finite x ≤ 0, NaN for NaN and −∞.
/// The slope at exactly 0 is 1/2, as `jnp.maximum`'s JVP splits ties. Written as selects
/// between computed values, without branches: the sign of a pre-activation is a coin flip
/// that a branch predictor cannot learn.
private enum ReluPointwise: Pointwise {
    @inline(__always) static func value(_ x: Double) -> Double { x > 0 ? x : 0 * x + 0 }
    @inline(__always) static func valueAndSlope(_ x: Double) -> (Double, Double) {
        (value(x), x > 0 ? 1 : (x == 0 ? 0.5 : 0))
    }
}

/// erf(x), with slope 2/√π·e^(−x²).
private enum ErfPointwise: Pointwise {
    static let twoOverSqrtPi = 2 / Double.pi.squareRoot()
    @inline(__always) static func value(_ x: Double) -> Double { cErf(x) }
    @inline(__always) static func valueAndSlope(_ x: Double) -> (Double, Double) {
        (cErf(x), twoOverSqrtPi * cExp(-(x * x)))
    }
}

private enum IdentityPointwise: Pointwise {
    @inline(__always) static func value(_ x: Double) -> Double { x }
    @inline(__always) static func valueAndSlope(_ x: Double) -> (Double, Double) { (x, 1) }
}

/// The exact GELU x(1 + erf(x/√2))/2 (`jax.nn.gelu(approximate=False)`), with slope
/// Φ(x) + x·φ(x).
private enum GeluPointwise: Pointwise {
    static let sqrtTwo = 2.0.squareRoot()
    static let invSqrtTwoPi = 1 / (2 * Double.pi).squareRoot()
    @inline(__always) static func value(_ x: Double) -> Double { x * (cErf(x / sqrtTwo) + 1) / 2 }
    @inline(__always) static func valueAndSlope(_ x: Double) -> (Double, Double) {
        let e = cErf(x / sqrtTwo)
        return (x * (e + 1) / 2, (e + 1) / 2 + x * cExp(-(x * x) / 2) * invSqrtTwoPi)
    }
}

/// tanh(x), with slope 1 − tanh².
private enum TanhPointwise: Pointwise {
    @inline(__always) static func value(_ x: Double) -> Double { cTanh(x) }
    @inline(__always) static func valueAndSlope(_ x: Double) -> (Double, Double) {
        let t = cTanh(x)
        return (t, 1 - t * t)
    }
}
