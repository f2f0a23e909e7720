/// Sixteen float64 lanes: the unit of work of the analytic-kernel loops.
///
/// A vector is eight 128-bit registers on baseline x86-64, four on Haswell (AVX2) and two on
/// AVX-512 builds (Package.swift picks the host's). Sixteen lanes measured ~12% faster than
/// eight on SSE2 (and eight ~30% faster than four), and 1.5× faster than eight on this
/// project's AVX-512 machine: the long dependency chains of `atan2` and the divider's latency
/// are hidden better, and per-vector costs (broadcasts, loop control) are shared by more pairs.
/// Thirty-two lanes overwhelm the register allocator. The helpers below are written so
/// that LLVM emits single vector instructions (`sqrtpd`, `minpd`, bitwise ops) instead of
/// the per-lane branches that `SIMD16.squareRoot()` produces.
typealias Vec = SIMD16<Double>
typealias VecBits = SIMD16<UInt64>
typealias VecMask = SIMDMask<SIMD16<Int64>>

extension Vec {
    /// Lanes per vector (the loops step by this).
    static var lanes: Int { scalarCount }

    /// The raw IEEE-754 bit patterns of the lanes.
    @inline(__always) var bits: VecBits { unsafeBitCast(self, to: VecBits.self) }

    @inline(__always) init(bits: VecBits) { self = unsafeBitCast(bits, to: Vec.self) }

    /// Loads `lanes` consecutive doubles (no alignment needed).
    @inline(__always) init(loading p: UnsafePointer<Double>) {
        self = UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
    }

    /// Stores the lanes at `lanes` consecutive doubles (no alignment needed).
    @inline(__always) func store(to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Vec.self)
    }

    /// |x| by clearing the sign bits.
    @inline(__always) var magnitudes: Vec { Vec(bits: bits & VecBits(repeating: 0x7FFF_FFFF_FFFF_FFFF)) }

    /// √max(x, 0) per lane, NaN stays NaN (neural-tangents' `_sqrt`). One `sqrtpd` per register.
    @inline(__always) var clampedSquareRoot: Vec {
        var r = Vec()
        for i in 0..<Vec.lanes { r[i] = Swift.max(self[i], 0).squareRoot() }
        return r
    }

    /// Lane-wise minimum (`minpd`).
    @inline(__always) static func lanesMin(_ a: Vec, _ b: Vec) -> Vec {
        a.replacing(with: b, where: b .< a)
    }

    /// Lane-wise maximum (`maxpd`).
    @inline(__always) static func lanesMax(_ a: Vec, _ b: Vec) -> Vec {
        a.replacing(with: b, where: b .> a)
    }
}

extension VecMask {
    /// All-ones lanes where the mask is set, as bits for `&`/`|` selection.
    @inline(__always) var bits: VecBits { unsafeBitCast(self, to: VecBits.self) }
}
