/// numpy's default bit generator: PCG XSL RR 128/64 (`numpy.random.PCG64`).
///
/// It exists so Tangent reproduces numpy's raw 64-bit stream exactly. The
/// 128-bit LCG is kept as two `UInt64` halves (portable to platforms where
/// `UInt128` needs a newer OS); the arithmetic mirrors numpy/random/src/pcg64/pcg64.h.
public struct PCG64: RandomNumberGenerator, Sendable, Equatable {
    /// High 64 bits of the LCG state.
    public private(set) var stateHigh: UInt64
    /// Low 64 bits of the LCG state.
    public private(set) var stateLow: UInt64
    /// High 64 bits of the (odd) LCG increment.
    public let incrementHigh: UInt64
    /// Low 64 bits of the (odd) LCG increment.
    public let incrementLow: UInt64

    /// `PCG_DEFAULT_MULTIPLIER_128` = 0x2360ed051fc65da44385df649fccf645.
    static let multiplierHigh: UInt64 = 0x2360_ed05_1fc6_5da4
    static let multiplierLow: UInt64 = 0x4385_df64_9fcc_f645

    /// Sets the raw state as numpy's `PCG64.state = {...}` does (no stepping).
    public init(stateHigh: UInt64, stateLow: UInt64, incrementHigh: UInt64, incrementLow: UInt64) {
        self.stateHigh = stateHigh
        self.stateLow = stateLow
        self.incrementHigh = incrementHigh
        self.incrementLow = incrementLow
    }

    /// numpy's `pcg64_set_seed` (`pcg_setseq_128_srandom_r`): `initState` and
    /// `initSequence` are 128-bit values given as (high, low).
    public init(initState: (high: UInt64, low: UInt64), initSequence: (high: UInt64, low: UInt64)) {
        // inc = (initseq << 1) | 1
        let incHigh = initSequence.high << 1 | initSequence.low >> 63
        let incLow = initSequence.low << 1 | 1
        self.init(stateHigh: 0, stateLow: 0, incrementHigh: incHigh, incrementLow: incLow)
        step()
        let (low, carry) = stateLow.addingReportingOverflow(initState.low)
        stateLow = low
        stateHigh = stateHigh &+ initState.high &+ (carry ? 1 : 0)
        step()
    }

    /// Seeds the way `numpy.random.PCG64(seedSequence)` does: four uint64 words
    /// from `generate_state(4, np.uint64)` are (state.hi, state.lo, inc.hi, inc.lo).
    public init(seedSequence: SeedSequence) {
        let w = seedSequence.generateState64(count: 4)
        self.init(initState: (w[0], w[1]), initSequence: (w[2], w[3]))
    }

    /// state = state × multiplier + increment (mod 2^128).
    @inline(__always)
    mutating func step() {
        let product = stateLow.multipliedFullWidth(by: PCG64.multiplierLow)
        let high =
            product.high
            &+ stateHigh &* PCG64.multiplierLow
            &+ stateLow &* PCG64.multiplierHigh
        let (low, carry) = product.low.addingReportingOverflow(incrementLow)
        stateLow = low
        stateHigh = high &+ incrementHigh &+ (carry ? 1 : 0)
    }

    /// The next raw 64-bit output (`pcg64_next64`): step, then XSL RR.
    @inline(__always)
    public mutating func next() -> UInt64 {
        step()
        let xored = stateHigh ^ stateLow
        let rotation = stateHigh >> 58
        return xored >> rotation | xored << ((64 &- rotation) & 63)
    }

    /// A double in [0, 1) from the top 53 bits (numpy's `uint64_to_double`).
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}
