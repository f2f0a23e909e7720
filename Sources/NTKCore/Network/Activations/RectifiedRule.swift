import Foundation

/// `ABRelu(a, b)` = a·min(x, 0) + b·max(x, 0), and through it `Relu`, `LeakyRelu` and `Abs`
/// (NT `stax.ABRelu`, `do_stabilize=False`): with s = √⁺(q1q2 − q12²) and
/// θ = atan2(s, q12) (π/2 when both are 0), Ṫ = (a² + b²)/2 − (a − b)²θ/(2π) and
/// T = (a − b)²s/(2π) + Ṫ·q12; T_diag(q) = (a² + b²)/2·q.
struct RectifiedRule: ElementwiseRule {
    let a: Double, b: Double

    func value(_ x: Double) -> Double { a * Swift.min(x, 0) + b * Swift.max(x, 0) }

    /// `jnp.minimum`/`jnp.maximum` split ties, so the slope at 0 is (a + b)/2.
    func derivative(_ x: Double) -> Double? { x > 0 ? b : (x < 0 ? a : (a + b) / 2) }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let root = clampedRoot(q1 * q2 - q12 * q12)
        let angle = root == 0 && q12 == 0 ? Double.pi / 2 : atan2(root, q12)
        let factor = (a - b) * (a - b) / (2 * Double.pi)
        let slope = (a * a + b * b) / 2 - factor * angle
        return (factor * root + slope * q12, slope)
    }

    func variance(_ q: Double) -> Double { (a * a + b * b) / 2 * q }
}

/// `Sign()`: T = 1 − 2θ/π with θ as for ReLU, T_diag = 0 where q = 0 and 1 elsewhere. Its
/// derivative is 0 almost everywhere, so NT sets the NTK to 0 (not an error).
struct SignRule: ElementwiseRule {
    func value(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : (x == 0 ? 0 : x)) }
    func derivative(_ x: Double) -> Double? { 0 }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let root = clampedRoot(q1 * q2 - q12 * q12)
        let angle = root == 0 && q12 == 0 ? Double.pi / 2 : atan2(root, q12)
        return (1 - angle * 2 / Double.pi, 0)
    }

    func variance(_ q: Double) -> Double { q == 0 ? 0 : 1 }
}
