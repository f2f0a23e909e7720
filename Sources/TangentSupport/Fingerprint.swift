/// A fast 64-bit content hash (not cryptographic): XXH64 with seed 0, the xxHash project's
/// 64-bit hash, byte for byte (FingerprintVectorTests checks its published values).
///
/// Four independent accumulators take 32 bytes per round, so it runs at memory speed (a 128 MB
/// kernel in ~15 ms); the one-chain hash it replaced took ~70 ms, and the cache fingerprints
/// every matrix a block reads (docs/benchmarks.md).
package enum Fingerprint {
    package static func of(_ bytes: [UInt8]) -> UInt64 {
        var h = Hasher()
        bytes.withUnsafeBytes { h.update($0) }
        return h.finalize()
    }

    package static func of(_ text: String) -> UInt64 { of(Array(text.utf8)) }

    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* prime2, 31) &* prime1
    }

    /// `of(bytes)` computed piece by piece, for bytes that are never gathered in one array (a
    /// cached value written from its matrices' own storage).
    package struct Hasher {
        private var v1 = Fingerprint.prime1 &+ Fingerprint.prime2
        private var v2 = Fingerprint.prime2
        private var v3: UInt64 = 0
        private var v4 = 0 &- Fingerprint.prime1
        private var total = 0
        /// Bytes of an unfinished 32-byte stripe.
        private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        private var pendingCount = 0

        package init() {}

        package mutating func update(_ raw: UnsafeRawBufferPointer) {
            let n = raw.count
            guard n > 0, let base = raw.baseAddress else { return }
            total += n
            var i = 0
            if pendingCount > 0 {
                let take = min(32 - pendingCount, n)
                withUnsafeMutableBytes(of: &pending) { p in
                    p.baseAddress!.advanced(by: pendingCount).copyMemory(from: base, byteCount: take)
                }
                pendingCount += take
                i = take
                guard pendingCount == 32 else { return }
                withUnsafeBytes(of: pending) { stripe($0.baseAddress!) }
                pendingCount = 0
            }
            var (a, b, c, d) = (v1, v2, v3, v4)
            while i + 32 <= n {
                let p = base + i
                a = Fingerprint.round(a, p.loadUnaligned(as: UInt64.self))
                b = Fingerprint.round(b, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                c = Fingerprint.round(c, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
                d = Fingerprint.round(d, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
                i += 32
            }
            (v1, v2, v3, v4) = (a, b, c, d)
            if i < n {
                withUnsafeMutableBytes(of: &pending) { p in
                    p.baseAddress!.copyMemory(from: base + i, byteCount: n - i)
                }
                pendingCount = n - i
            }
        }

        private mutating func stripe(_ p: UnsafeRawPointer) {
            v1 = Fingerprint.round(v1, p.loadUnaligned(as: UInt64.self))
            v2 = Fingerprint.round(v2, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            v3 = Fingerprint.round(v3, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            v4 = Fingerprint.round(v4, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }

        package func finalize() -> UInt64 {
            typealias F = Fingerprint
            var h: UInt64
            if total >= 32 {
                h = F.rotl(v1, 1) &+ F.rotl(v2, 7) &+ F.rotl(v3, 12) &+ F.rotl(v4, 18)
                for v in [v1, v2, v3, v4] { h = (h ^ F.round(0, v)) &* F.prime1 &+ F.prime4 }
            } else {
                h = F.prime5
            }
            h = h &+ UInt64(total)
            withUnsafeBytes(of: pending) { raw in
                var i = 0
                while i + 8 <= pendingCount {
                    h =
                        F.rotl(h ^ F.round(0, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)), 27) &* F.prime1
                        &+ F.prime4
                    i += 8
                }
                if i + 4 <= pendingCount {
                    h =
                        F.rotl(h ^ (UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)) &* F.prime1), 23)
                        &* F.prime2 &+ F.prime3
                    i += 4
                }
                while i < pendingCount {
                    h = F.rotl(h ^ (UInt64(raw[i]) &* F.prime5), 11) &* F.prime1
                    i += 1
                }
            }
            h ^= h >> 33
            h = h &* F.prime2
            h ^= h >> 29
            h = h &* F.prime3
            h ^= h >> 32
            return h
        }
    }

    package static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
