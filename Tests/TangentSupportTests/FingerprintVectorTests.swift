import Foundation
import Testing

@testable import TangentSupport

/// `Fingerprint` is XXH64 with seed 0: its values are the xxHash project's own, from
/// Fixtures/make_xxh64_vectors.py, for lengths around every stripe and tail boundary; fed in
/// one piece, byte by byte, or in uneven pieces, the streaming hasher gives the same value.
@Suite struct FingerprintVectorTests {
    static let vectors: [(Int, UInt64)] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/xxh64_vectors.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let n = Int(parts[0]), let h = UInt64(parts[1], radix: 16) else { return nil }
            return (n, h)
        }
    }()

    static func input(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(($0 * 31 + 7) % 251) } }

    @Test func theFixtureIsThere() {
        #expect(Self.vectors.count == 86)
    }

    @Test func valuesAreXXH64() {
        for (n, expected) in Self.vectors {
            #expect(Fingerprint.of(Self.input(n)) == expected, "length \(n)")
        }
        #expect(Fingerprint.of("abc") == 0x44BC_2CF5_AD77_0999, "the xxHash README's value")
    }

    @Test func piecesGiveTheSameValue() {
        for (n, expected) in Self.vectors where n <= 4109 {
            let bytes = Self.input(n)
            for pieces in [1, 3, 7, 31, 33] {
                var h = Fingerprint.Hasher()
                var i = 0
                var k = 0
                while i < n {
                    let size = min(n - i, pieces + (k % 5))
                    bytes[i..<i + size].withUnsafeBytes { h.update($0) }
                    i += size
                    k += 1
                }
                #expect(h.finalize() == expected, "length \(n) in pieces of about \(pieces)")
            }
        }
    }
}
