/// A small seeded generator (SplitMix64), so every generated test case can be recreated from
/// its seed (the same seed draws the same numbers on every machine and run).
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (by remainder: the generated cases were recorded with it).
    package mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// True with probability `p` (to a millionth).
    package mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }

    /// One of `items`, drawn with `int`.
    package mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// A double in [a, b) from the top 53 bits.
    package mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * Double(next() >> 11) / Double(1 << 53)
    }
}
