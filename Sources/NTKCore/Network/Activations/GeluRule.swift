import Foundation

/// `Gelu(approximate)` (NT `stax.Gelu`): the finite network uses `jax.nn.gelu(x,
/// approximate)`, the kernel is always the exact GELU's (docs/numerics.md#activation-maps).
struct GeluRule: ElementwiseRule {
    let approximate: Bool
    static let sqrtTwoOverPi = (2 / Double.pi).squareRoot()

    func value(_ x: Double) -> Double {
        if approximate {
            let cdf = 0.5 * (1.0 + tanh(Self.sqrtTwoOverPi * (x + 0.044715 * (x * x * x))))
            return x * cdf
        }
        return x * (erf(x / 2.0.squareRoot()) + 1) / 2
    }

    func derivative(_ x: Double) -> Double? {
        if approximate {
            let t = tanh(Self.sqrtTwoOverPi * (x + 0.044715 * (x * x * x)))
            let cdf = 0.5 * (1.0 + t)
            return cdf + x * 0.5 * (1 - t * t) * Self.sqrtTwoOverPi * (1 + 3 * 0.044715 * (x * x))
        }
        return (erf(x / 2.0.squareRoot()) + 1) / 2 + x * Foundation.exp(-(x * x) / 2) / (2 * Double.pi).squareRoot()
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let prod = q1 * q2
        let prodPlus1 = (q1 + 1) * (q2 + 1)
        let deltaSquared = prodPlus1 - q12 * q12
        let delta = clampedRoot(deltaSquared)
        let angles = atan2(q12, delta)
        var t = (q12 * q12 + prod * deltaSquared) / (prodPlus1 * delta)
        t += q12 * angles
        t /= 2 * Double.pi
        t += 0.25 * q12
        let second = 0.25 + angles / (2 * Double.pi)
        var first = 1 / deltaSquared + (1 - prod) / prodPlus1 + 1
        first *= q12 / delta / (2 * Double.pi)
        return (t, first + second)
    }

    func variance(_ q: Double) -> Double {
        let root = (1 + 2 * q).squareRoot()
        var v = q / ((q + 1) * (1 + 2 * q).squareRoot())
        v += atan2(q, root) / 2
        v /= Double.pi
        v += 0.25
        return v * q
    }
}
