/// numpy's `Generator.permutation(n)` and the bounded integers it is built on.
///
/// It exists so a notebook can split or shuffle data exactly as a Python tutorial seeded the same
/// way does: `permutation(n)` is `shuffle(arange(n))`, whose one-dimensional fast path is a
/// Fisher–Yates pass from the last index down, each swap index drawn by `random_interval(i)`
/// (numpy/random/_generator.pyx `_shuffle_raw`, src/distributions/distributions.c).
extension NumpyGenerator {
    /// `rng.permutation(n)`: the integers 0..<n in numpy's shuffled order.
    public mutating func permutation(_ n: Int) -> [Int] {
        precondition(n >= 0, "permutation: negative length \(n)")
        var values = Array(0..<n)
        shuffle(&values)
        return values
    }

    /// `rng.shuffle(x)` for a one-dimensional array, in place.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, through: 1, by: -1) {
            values.swapAt(i, Int(interval(upTo: UInt64(i))))
        }
    }

    /// `random_interval(bitgen, max)`: uniform on 0...max by masking to the smallest covering
    /// power of two and rejecting values above `max`; 32-bit draws when `max` fits in 32 bits.
    public mutating func interval(upTo max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        if max <= 0xFFFF_FFFF {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let value = nextUInt64() & mask
            if value <= max { return value }
        }
    }

    /// `next_uint32` of numpy's PCG64: the low half of a fresh 64-bit word, then its high half.
    public mutating func nextUInt32() -> UInt32 {
        if let high = bufferedUInt32 {
            bufferedUInt32 = nil
            return high
        }
        let word = nextUInt64()
        bufferedUInt32 = UInt32(truncatingIfNeeded: word >> 32)
        return UInt32(truncatingIfNeeded: word)
    }
}
