/// A fast 64-bit content hash (not cryptographic): 8 bytes at a time with a strong mixer.
package enum Fingerprint {
    package static func of(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let n = raw.count / 8
            for k in 0..<n {
                let word = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                h = mix(h ^ word)
            }
            var tail: UInt64 = 0
            for k in (8 * n)..<raw.count { tail |= UInt64(raw[k]) << (8 * UInt64(k - 8 * n)) }
            h = mix(h ^ tail ^ 0xff51_afd7_ed55_8ccd)
        }
        return h
    }

    package static func of(_ text: String) -> UInt64 { of(Array(text.utf8)) }

    /// `of(bytes)` computed piece by piece, for bytes that are never gathered in one array (a
    /// cached value written from its matrices' own storage); the total length is known first.
    package struct Hasher {
        private var h: UInt64
        private var tail: UInt64 = 0
        private var tailCount = 0

        package init(totalCount: Int) { h = 0x9e37_79b9_7f4a_7c15 ^ UInt64(totalCount) }

        package mutating func update(_ raw: UnsafeRawBufferPointer) {
            var i = 0
            let n = raw.count
            while tailCount > 0 && i < n {
                tail |= UInt64(raw[i]) << (8 * UInt64(tailCount))
                tailCount += 1
                i += 1
                if tailCount == 8 {
                    h = mix(h ^ tail)
                    (tail, tailCount) = (0, 0)
                }
            }
            while i + 8 <= n {
                h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            while i < n {
                tail |= UInt64(raw[i]) << (8 * UInt64(tailCount))
                tailCount += 1
                i += 1
            }
        }

        package func finalize() -> UInt64 { mix(h ^ tail ^ 0xff51_afd7_ed55_8ccd) }
    }

    /// The SplitMix64 finaliser (a bijection with full avalanche).
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    package static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
