#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// numpy's 256-layer ziggurat sampler for standard normal doubles.
///
/// It exists so `NumpyGenerator.standardNormal` matches numpy's
/// `random_standard_normal` (numpy/random/src/distributions/distributions.c)
/// bit for bit: the same draws are consumed in the same order, and the tail and
/// wedge paths call the C library's `log1p` and `exp` as numpy does (so results
/// match numpy built against the same libm).
enum Ziggurat {
    /// One standard normal draw.
    @inline(__always)
    static func standardNormal(_ rng: inout PCG64) -> Double {
        ZigguratTables.ki.withUnsafeBufferPointer { ki in
            ZigguratTables.wi.withUnsafeBufferPointer { wi in
                standardNormal(&rng, ki: ki, wi: wi)
            }
        }
    }

    /// Fills `out` with standard normal draws in order.
    static func fillStandardNormal(_ rng: inout PCG64, _ out: UnsafeMutableBufferPointer<Double>) {
        ZigguratTables.ki.withUnsafeBufferPointer { ki in
            ZigguratTables.wi.withUnsafeBufferPointer { wi in
                for i in out.indices {
                    out[i] = standardNormal(&rng, ki: ki, wi: wi)
                }
            }
        }
    }

    /// The sampler proper. The fast path (about 99.3% of draws) needs one
    /// 64-bit word: 8 bits of layer index, 1 sign bit, 52 bits of magnitude.
    @inline(__always)
    private static func standardNormal(
        _ rng: inout PCG64, ki: UnsafeBufferPointer<UInt64>, wi: UnsafeBufferPointer<Double>
    ) -> Double {
        while true {
            var r = rng.next()
            // Masking to 0...255 keeps the unchecked table reads in bounds.
            let idx = Int(truncatingIfNeeded: r & 0xff)
            r >>= 8
            let negative = r & 0x1 != 0
            let rabs = (r >> 1) & 0x000f_ffff_ffff_ffff
            var x = Double(rabs) * wi[idx]
            if negative { x = -x }
            if rabs < ki[idx] { return x }
            if let slow = slowPath(&rng, idx: idx, rabs: rabs, x: x) { return slow }
        }
    }

    /// The base-layer tail (idx 0) or a wedge test; `nil` means "reject, redraw".
    @inline(never)
    private static func slowPath(_ rng: inout PCG64, idx: Int, rabs: UInt64, x: Double) -> Double? {
        if idx == 0 {
            // Marsaglia's tail method; numpy uses 1 - U to avoid log(0) (GH 13361).
            let r = ZigguratTables.normalR
            while true {
                let xx = -ZigguratTables.normalInverseR * log1p(-rng.nextDouble())
                let yy = -log1p(-rng.nextDouble())
                if yy + yy > xx * xx {
                    return (rabs >> 8) & 0x1 != 0 ? -(r + xx) : r + xx
                }
            }
        }
        let fi = ZigguratTables.fi
        if (fi[idx - 1] - fi[idx]) * rng.nextDouble() + fi[idx] < exp(-0.5 * x * x) {
            return x
        }
        return nil
    }
}
