/// numpy's `SeedSequence`: turns a user's integer seed into well-mixed state words.
///
/// It exists so that `NumpyGenerator(seed:)` starts PCG64 from exactly the state
/// `numpy.random.default_rng(seed)` does. This is a port of the hashing in
/// numpy/random/bit_generator.pyx (O'Neill's `seed_seq` alternative) for entropy
/// given as 32-bit words and an empty spawn key.
public struct SeedSequence: Sendable, Equatable {
    /// The entropy pool after mixing (numpy's `SeedSequence.pool`).
    public let pool: [UInt32]

    /// numpy's default (and minimum) pool size: 4 words, 128 bits.
    public static let defaultPoolSize = 4
    private static let initA: UInt32 = 0x43b0_d7e5
    private static let multA: UInt32 = 0x931e_8875
    private static let initB: UInt32 = 0x8b51_f9dd
    private static let multB: UInt32 = 0x58f3_8ded
    private static let mixMultL: UInt32 = 0xca01_f9dd
    private static let mixMultR: UInt32 = 0x4973_f715
    private static let xshift: UInt32 = 16

    /// Mixes `entropy` (32-bit words, least significant first, as numpy's
    /// `_coerce_to_uint32_array` produces them) into a pool of `poolSize` words.
    public init(entropy: [UInt32], poolSize: Int = SeedSequence.defaultPoolSize) {
        precondition(
            poolSize >= SeedSequence.defaultPoolSize,
            "SeedSequence: pool size must be at least \(SeedSequence.defaultPoolSize)")
        var hashConst = SeedSequence.initA
        func hashmix(_ value: UInt32) -> UInt32 {
            var v = value ^ hashConst
            hashConst = hashConst &* SeedSequence.multA
            v = v &* hashConst
            return v ^ (v >> SeedSequence.xshift)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let r = SeedSequence.mixMultL &* x &- SeedSequence.mixMultR &* y
            return r ^ (r >> SeedSequence.xshift)
        }

        var mixer = [UInt32](repeating: 0, count: poolSize)
        // Add in the entropy up to the pool size (zeros past its end).
        for i in 0..<poolSize {
            mixer[i] = hashmix(i < entropy.count ? entropy[i] : 0)
        }
        // Mix all bits together so late bits can affect earlier bits.
        for src in 0..<poolSize {
            for dst in 0..<poolSize where src != dst {
                mixer[dst] = mix(mixer[dst], hashmix(mixer[src]))
            }
        }
        // Mix any remaining entropy into every pool word.
        if entropy.count > poolSize {
            for src in poolSize..<entropy.count {
                for dst in 0..<poolSize {
                    mixer[dst] = mix(mixer[dst], hashmix(entropy[src]))
                }
            }
        }
        pool = mixer
    }

    /// The seed sequence numpy builds for a non-negative integer seed.
    public init(seed: UInt64) {
        self.init(entropy: SeedSequence.words(of: seed))
    }

    /// numpy's `_int_to_uint32_array`: `[0]` for zero, otherwise the 32-bit
    /// words of `n`, least significant first, without leading zero words.
    public static func words(of n: UInt64) -> [UInt32] {
        if n == 0 { return [0] }
        var words: [UInt32] = []
        var rest = n
        while rest > 0 {
            words.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        }
        return words
    }

    /// `generate_state(count, np.uint32)`.
    public func generateState32(count: Int) -> [UInt32] {
        var hashConst = SeedSequence.initB
        var state = [UInt32]()
        state.reserveCapacity(count)
        for i in 0..<count {
            var v = pool[i % pool.count] ^ hashConst
            hashConst = hashConst &* SeedSequence.multB
            v = v &* hashConst
            state.append(v ^ (v >> SeedSequence.xshift))
        }
        return state
    }

    /// `generate_state(count, np.uint64)`: twice as many 32-bit words, paired
    /// little-endian (the even word is the low half).
    public func generateState64(count: Int) -> [UInt64] {
        let words = generateState32(count: 2 * count)
        return (0..<count).map { k in
            UInt64(words[2 * k]) | UInt64(words[2 * k + 1]) << 32
        }
    }
}
