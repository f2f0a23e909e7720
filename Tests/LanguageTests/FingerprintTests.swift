import NTKCore
import TangentSupport
import Testing

@testable import Language

/// A matrix's fingerprint is taken from its own storage (no copy of a large kernel); it must
/// be exactly the fingerprint of its encoding, which the cache and the dependency tracking
/// compare with what they stored.
@Suite struct FingerprintTests {
    static func encodedFingerprint(_ v: Value) -> UInt64 {
        var w = BinaryWriter()
        v.encode(into: &w, locations: false)
        return Fingerprint.of(w.bytes)
    }

    @Test(arguments: [(0, 0), (1, 1), (3, 5), (7, 1), (1, 13), (64, 33)])
    func aMatrixFingerprintIsItsEncodingsFingerprint(_ rows: Int, _ cols: Int) {
        let m = Matrix(rows: rows, cols: cols) { i, j in Double(i * 31 + j) * 0.37 - 2 }
        #expect(Value.matrix(m).fingerprint == Self.encodedFingerprint(.matrix(m)))
    }

    @Test func equalMatricesAgreeAndDifferentOnesDiffer() {
        let a = Matrix(rows: 4, cols: 3) { i, j in Double(i + j) }
        var b = a
        #expect(Value.matrix(a).fingerprint == Value.matrix(b).fingerprint)
        b[3, 2] += 1e-12
        #expect(Value.matrix(a).fingerprint != Value.matrix(b).fingerprint)
        // Same entries, another shape.
        let c = Matrix(rows: 3, cols: 4, storage: a.storage)
        #expect(Value.matrix(a).fingerprint != Value.matrix(c).fingerprint)
    }
}
