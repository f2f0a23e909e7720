/// A branch-free vectorised `atan2`, accurate to about one ulp (max relative error
/// ≈ 2.3e-16 against glibc's correctly rounded `atan2`).
///
/// The analytic kernels call `atan2` once per pair and layer (ReLU, erf, GELU), so it
/// is the hot spot of the whole computation, and it is written for few instructions:
///
/// 1. m = min(|x|,|y|), M = max(|x|,|y|), so t = m/M ∈ [0, 1] and no infinities appear.
/// 2. For t > 1/2, t is reduced around 1: u = (m − M)/(M + m) = (t − 1)/(t + 1) ∈ [−1/3, 0].
///    m − M is exact there (Sterbenz), so u carries one division's rounding; for t ≤ 1/2,
///    u = m/M. Either way |u| ≤ 1/2.
/// 3. atan(u) = u − u·z·P(z), z = u², P a degree-11 Chebyshev fit on [0, 1/4] (relative
///    error 1.6e-17, coefficients computed with mpmath).
/// 4. Every octant offset is a multiple j·π/4 (j = 0…4) with π/4 = hi + lo, and j·hi is
///    exact, so the result is j·hi + (j·lo + ±atan(u)) with one large rounding at the end.
enum VectorMath {
    /// atan2(y, x) per lane, with the libm conventions for signed zeros.
    /// Lanes with an infinite argument are not supported (they give NaN).
    @inline(__always)
    static func atan2(_ y: Vec, _ x: Vec) -> Vec {
        let sign = VecBits(repeating: 0x8000_0000_0000_0000)
        let r = atan2Magnitude(y.magnitudes, x, bothZero: .signOfX)
        return Vec(bits: r.bits | (y.bits & sign))
    }

    /// What `atan2Magnitude` returns where y = x = 0.
    enum BothZero {
        /// 0 for x = +0, π for x = −0, as libm does.
        case signOfX
        /// π/2, neural-tangents' ReLU convention (`_arctan2(..., fill_zero=π/2)`).
        case halfPi
    }

    /// atan2(ay, x) ∈ [0, π] for ay ≥ +0 (sign bit clear).
    @inline(__always)
    static func atan2Magnitude(_ ay: Vec, _ x: Vec, bothZero: BothZero) -> Vec {
        let r = reduce(ay, x, bothZero: bothZero)
        let baseHi = r.octants * 7.85398163397448278999e-01  // π/4 = hi + lo; j·hi exact
        let baseLo = r.octants * 3.06161699786838301793e-17
        return baseHi - ((r.u * r.poly - baseLo) - r.u)
    }

    /// (π − atan2(ay, x))/(2π) for ay ≥ +0, the ReLU kernel's Ṫ = 1/2 − θ/(2π), computed
    /// without forming θ: with θ = j·π/4 + atan(u) it is 1/2 − j/8 − atan(u)/(2π), and
    /// j/8 is exact. Absolute error ≈ 1e-16.
    @inline(__always)
    static func reluDerivative(_ ay: Vec, _ x: Vec) -> Vec {
        let r = reduce(ay, x, bothZero: .halfPi)
        let scaled = r.u * (1 / (2 * Double.pi))  // atan(u)/(2π) = scaled·(1 − poly)
        return ((0.5 - 0.125 * r.octants) - scaled).addingProduct(scaled, r.poly)
    }

    /// The shared reduction: atan2(ay, x) = j·π/4 + atan(u), with atan(u) = u − u·poly,
    /// |u| ≤ 1/2 (u carries the sign σ) and j = `octants` ∈ {0, …, 4}.
    @inline(__always)
    static func reduce(_ ay: Vec, _ x: Vec, bothZero: BothZero) -> (octants: Vec, u: Vec, poly: Vec) {
        let sign = VecBits(repeating: 0x8000_0000_0000_0000)
        let one = Vec(repeating: 1)
        let xb = x.bits
        let ax = Vec(bits: xb & ~sign)
        // Swapped lanes compute π/2 ∓ atan(|x|/|y|); ties may go either way, and sending
        // (0, 0) to the swapped side is what makes it π/2.
        let swap: VecMask = bothZero == .halfPi ? ay .>= ax : ay .> ax
        let m = Vec.lanesMin(ax, ay)
        let big = Vec.lanesMax(ax, ay)
        let c = Vec(bits: (m .> 0.5 * big).bits & one.bits)  // t > 1/2: reduce around c = 1
        let num = m - c * big  // exact (Sterbenz)
        let den = Vec.lanesMax(big + c * m, Vec(repeating: .leastNonzeroMagnitude))  // 0/0 → 0
        // θ = j·π/4 + σ·atan(u): σ = −1 when exactly one of (swapped, x negative).
        let xSign = xb & sign
        let flip = xSign ^ (swap.bits & sign)
        let u = Vec(bits: (num / den).bits ^ flip)
        let z = u * u
        var p = Vec(repeating: -0.011152908092096216)
        // Horner steps as fused multiply-adds (one rounding each; LLVM never fuses on its own).
        p = Vec(repeating: 0.02895352123252625).addingProduct(p, z)
        p = Vec(repeating: -0.04283578705573422).addingProduct(p, z)
        p = Vec(repeating: 0.05157516225552972).addingProduct(p, z)
        p = Vec(repeating: -0.058664967492257074).addingProduct(p, z)
        p = Vec(repeating: 0.06665052856794013).addingProduct(p, z)
        p = Vec(repeating: -0.07692198451257941).addingProduct(p, z)
        p = Vec(repeating: 0.09090904370311348).addingProduct(p, z)
        p = Vec(repeating: -0.11111110990139533).addingProduct(p, z)
        p = Vec(repeating: 0.14285714284106285).addingProduct(p, z)
        p = Vec(repeating: -0.199999999999916).addingProduct(p, z)
        p = Vec(repeating: 0.33333333333333326).addingProduct(p, z)
        // j = 2k + σc with k = 1 if swapped, else 2 if x < 0 (sign bit: −0 counts), else 0;
        // 2k = 2 − 2·sign(x)·[not swapped].
        let signOfX = Vec(bits: one.bits | xSign)
        let notSwapped = Vec(bits: ~swap.bits & one.bits)
        let j = (2 - 2 * (signOfX * notSwapped)) + Vec(bits: c.bits ^ flip)
        return (j, u, z * p)
    }
}
