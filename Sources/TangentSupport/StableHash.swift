/// 64-bit FNV-1a: a hash that is the same on every machine and in every run (Swift's
/// `Hasher` is seeded per process), for values that are written down or compared across
/// runs: default block seeds, region fingerprints, shard assignment. Not for security
/// (the cache's keys use SipHash with a secret key).
package struct StableHash: Sendable {
    /// The hash of everything fed so far.
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    /// Feeds bytes.
    package mutating func combine<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// Feeds one byte.
    package mutating func combine(byte: UInt8) {
        combine(CollectionOfOne(byte))
    }

    /// The hash of a string's UTF-8 bytes.
    package static func of(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(text.utf8)
        return hash.value
    }
}
