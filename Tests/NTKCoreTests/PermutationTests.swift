import Foundation
import NTKCore
import Testing

/// numpy's `random_interval` beyond 32 bits (the path permutation(n) takes for n > 2^32), checked
/// against Tests/LanguageTests/Fixtures/classification/bounded.json; the 32-bit buffer; and the
/// softmax cross-entropy's edges. permutation(n) itself is checked in LanguageTests' fixtures.
@Suite struct PermutationTests {
    struct Case: Decodable {
        let seed: UInt64
        let high: String
        let values: [String]
    }

    struct Document: Decodable { let cases: [Case] }

    @Test func intervalsBeyond32BitsMatchNumpy() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../LanguageTests/Fixtures/classification/bounded.json")
        let doc = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url))
        #expect(doc.cases.count == 4)
        for c in doc.cases {
            var g = NumpyGenerator(seed: c.seed)
            let high = try #require(UInt64(c.high))
            let got = (0..<c.values.count).map { _ in String(g.interval(upTo: high)) }
            #expect(got == c.values, "seed \(c.seed), high \(c.high)")
        }
    }

    @Test func nextUInt32UsesBothHalvesOfAWord() {
        var a = NumpyGenerator(seed: 9)
        var b = NumpyGenerator(seed: 9)
        let word = b.nextUInt64()
        #expect(a.nextUInt32() == UInt32(truncatingIfNeeded: word))
        #expect(a.nextUInt32() == UInt32(truncatingIfNeeded: word >> 32))
        #expect(a.nextUInt64() == b.nextUInt64())
    }

    @Test func crossEntropyLeavesOutZeroTargets() {
        let f = Matrix(rowArrays: [[1e308, -1e308]])
        #expect(CrossEntropy.loss(logits: f, targets: Matrix(rowArrays: [[1, 0]])) == 0)
        #expect(CrossEntropy.loss(logits: f, targets: Matrix(rowArrays: [[0, 1]])) == .infinity)
    }
}
