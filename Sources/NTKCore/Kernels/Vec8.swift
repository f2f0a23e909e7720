/// Eight float64 lanes: the unit of work of the analytic-kernel loops.
///
/// The package is compiled for baseline x86-64 (SSE2), so an 8-lane vector is four
/// 128-bit registers. The helpers below are written so that LLVM emits single vector
/// instructions (`sqrtpd`, `minpd`, bitwise ops) instead of the per-lane branches that
/// `SIMD8.squareRoot()` produces.
typealias Vec8 = SIMD8<Double>
typealias Bits8 = SIMD8<UInt64>
typealias Mask8 = SIMDMask<SIMD8<Int64>>

extension Vec8 {
    /// Lanes per vector (the loops step by this).
    static var lanes: Int { scalarCount }

    /// The raw IEEE-754 bit patterns of the lanes.
    @inline(__always) var bits: Bits8 { unsafeBitCast(self, to: Bits8.self) }

    @inline(__always) init(bits: Bits8) { self = unsafeBitCast(bits, to: Vec8.self) }

    /// Loads eight consecutive doubles (no alignment needed).
    @inline(__always) init(loading p: UnsafePointer<Double>) {
        self = UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
    }

    /// Stores the lanes at eight consecutive doubles (no alignment needed).
    @inline(__always) func store(to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Vec8.self)
    }

    /// |x| by clearing the sign bits.
    @inline(__always) var magnitudes: Vec8 { Vec8(bits: bits & Bits8(repeating: 0x7FFF_FFFF_FFFF_FFFF)) }

    /// √max(x, 0) per lane, NaN stays NaN (neural-tangents' `_sqrt`). One `sqrtpd` per register.
    @inline(__always) var clampedSquareRoot: Vec8 {
        var r = Vec8()
        for i in 0..<Vec8.lanes { r[i] = Swift.max(self[i], 0).squareRoot() }
        return r
    }

    /// Lane-wise minimum (`minpd`).
    @inline(__always) static func lanesMin(_ a: Vec8, _ b: Vec8) -> Vec8 {
        a.replacing(with: b, where: b .< a)
    }

    /// Lane-wise maximum (`maxpd`).
    @inline(__always) static func lanesMax(_ a: Vec8, _ b: Vec8) -> Vec8 {
        a.replacing(with: b, where: b .> a)
    }
}

extension Mask8 {
    /// All-ones lanes where the mask is set, as bits for `&`/`|` selection.
    @inline(__always) var bits: Bits8 { unsafeBitCast(self, to: Bits8.self) }
}
