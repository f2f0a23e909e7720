import Foundation
import Testing

@testable import NTKCore

/// Bit-for-bit checks of `NumpyGenerator` against numpy's own output, read from
/// the JSON files written by Fixtures/rng/make_rng_fixtures.py.
@Suite struct RandomTests {
    /// Seeds with a fixture file `Fixtures/rng/seed_<seed>.json`. The last one
    /// has six 32-bit words, more than SeedSequence's pool of four.
    static let seeds = [
        "0", "1", "7", "42", "12345", "4294967295", "4294967296",
        "9223372036854775813", "18446744073709551615",
        "1461501637330902919471335432944512421152635760697"
    ]

    // MARK: Fixture reading

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rng")

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError(description: "\(name): not a JSON object")
        }
        return object
    }

    static func seedFixture(_ seed: String) throws -> [String: Any] {
        try load("seed_\(seed).json")
    }

    static func string(_ fixture: [String: Any], _ key: String) throws -> String {
        guard let s = fixture[key] as? String else {
            throw FixtureError(description: "missing string \(key)")
        }
        return s
    }

    static func uint64(_ text: String) throws -> UInt64 {
        guard let v = UInt64(text) else { throw FixtureError(description: "bad uint64 \(text)") }
        return v
    }

    static func double(_ text: String) throws -> Double {
        guard let v = Double(text) else { throw FixtureError(description: "bad double \(text)") }
        return v
    }

    static func uint64s(_ fixture: [String: Any], _ key: String) throws -> [UInt64] {
        guard let list = fixture[key] as? [String] else {
            throw FixtureError(description: "missing uint64 list \(key)")
        }
        return try list.map(uint64)
    }

    static func ints(_ fixture: [String: Any], _ key: String) throws -> [Int] {
        guard let list = fixture[key] as? [Any] else {
            throw FixtureError(description: "missing int list \(key)")
        }
        return try list.map { item in
            guard let n = (item as? NSNumber)?.intValue else {
                throw FixtureError(description: "\(key): \(item) is not an integer")
            }
            return n
        }
    }

    static func doubles(_ fixture: [String: Any], _ key: String) throws -> [Double] {
        guard let list = fixture[key] as? [String] else {
            throw FixtureError(description: "missing double list \(key)")
        }
        return try list.map(double)
    }

    /// A 2-D array of repr strings as a row-major matrix.
    static func matrix(_ fixture: [String: Any], _ key: String) throws -> Matrix {
        guard let rows = fixture[key] as? [[String]] else {
            throw FixtureError(description: "missing matrix \(key)")
        }
        return Matrix(rowArrays: try rows.map { try $0.map(double) })
    }

    /// A generator for a fixture, built from its seed words (works for any size).
    static func generator(_ fixture: [String: Any]) throws -> NumpyGenerator {
        NumpyGenerator(seedWords: try ints(fixture, "seed_words").map { UInt32($0) })
    }

    /// Equality of every bit, so -0.0 vs 0.0 (or NaN payloads) cannot slip by.
    static func sameBits(_ a: Matrix, _ b: Matrix) -> Bool {
        a.rows == b.rows && a.cols == b.cols
            && zip(a.storage, b.storage).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    // MARK: Seeding

    @Test(arguments: seeds)
    func seedWordsAndSeedSequenceMatchNumpy(seed: String) throws {
        let fixture = try Self.seedFixture(seed)
        let words = try Self.ints(fixture, "seed_words").map { UInt32($0) }
        if let small = UInt64(seed) {
            #expect(SeedSequence.words(of: small) == words)
            #expect(SeedSequence(seed: small) == SeedSequence(entropy: words))
        }
        let state = SeedSequence(entropy: words).generateState64(count: 4)
        #expect(state == (try Self.uint64s(fixture, "generate_state_u64")))
    }

    @Test(arguments: seeds)
    func rawStreamMatchesNumpy(seed: String) throws {
        let fixture = try Self.seedFixture(seed)
        var rng = try Self.generator(fixture)
        let raw = (0..<4).map { _ in rng.nextUInt64() }
        #expect(raw == (try Self.uint64s(fixture, "raw4")))
        if let small = UInt64(seed) {
            var bySeed = NumpyGenerator(seed: small)
            #expect((0..<4).map { _ in bySeed.nextUInt64() } == raw)
        }
    }

    // MARK: Distributions

    @Test(arguments: seeds)
    func uniformMatchesRandomAndUniform(seed: String) throws {
        let fixture = try Self.seedFixture(seed)
        let random = try Self.matrix(fixture, "random_3x4")
        #expect(Self.sameBits(random, try Self.matrix(fixture, "uniform_0_1_3x4")))

        var rng = try Self.generator(fixture)
        #expect(Self.sameBits(rng.uniform(rows: 3, cols: 4), random))
        #expect(rng.nextUInt64() == (try Self.uint64(Self.string(fixture, "random_3x4_next_raw"))))

        var scalar = try Self.generator(fixture)
        #expect((0..<12).map { _ in scalar.nextDouble() } == random.storage)

        var shifted = try Self.generator(fixture)
        let m = shifted.uniform(rows: 2, cols: 3, low: -2, high: 3)
        #expect(Self.sameBits(m, try Self.matrix(fixture, "uniform_m2_3_2x3")))
        #expect(
            shifted.nextUInt64()
                == (try Self.uint64(Self.string(fixture, "uniform_m2_3_2x3_next_raw"))))
    }

    @Test(arguments: seeds)
    func standardNormalMatchesNumpy(seed: String) throws {
        let fixture = try Self.seedFixture(seed)
        let expected = try Self.matrix(fixture, "standard_normal_5x7")

        var rng = try Self.generator(fixture)
        #expect(Self.sameBits(rng.standardNormal(rows: 5, cols: 7), expected))
        #expect(
            rng.nextUInt64()
                == (try Self.uint64(Self.string(fixture, "standard_normal_5x7_next_raw"))))

        var scalar = try Self.generator(fixture)
        let one = (0..<35).map { _ in scalar.nextStandardNormal() }
        #expect(one.map(\.bitPattern) == expected.storage.map(\.bitPattern))
    }

    @Test(arguments: seeds)
    func normalMatchesNumpy(seed: String) throws {
        let fixture = try Self.seedFixture(seed)
        var rng = try Self.generator(fixture)
        let m = rng.normal(rows: 2, cols: 2, mean: 1.5, std: 0.5)
        #expect(Self.sameBits(m, try Self.matrix(fixture, "normal_1p5_0p5_2x2")))
        #expect(
            rng.nextUInt64()
                == (try Self.uint64(Self.string(fixture, "normal_1p5_0p5_2x2_next_raw"))))
    }

    /// 20000 draws: enough to go through the wedge tests (~0.7% of draws) and the
    /// base-layer tail loop (|x| > r ≈ 3.654, which only `log1p` sampling yields).
    @Test func standardNormalTailAndWedgePathsMatchNumpy() throws {
        let fixture = try Self.load("normal_tail.json")
        let seed = try Self.uint64(Self.string(fixture, "seed"))
        let count = try #require(fixture["count"] as? Int)
        let threshold = try Self.double(Self.string(fixture, "threshold"))

        var rng = NumpyGenerator(seed: seed)
        let x = rng.standardNormal(rows: 1, cols: count).storage
        #expect(rng.nextUInt64() == (try Self.uint64(Self.string(fixture, "next_raw"))))

        let positions = try Self.ints(fixture, "positions")
        let atPositions = try Self.doubles(fixture, "values_at_positions")
        #expect(positions.map { x[$0].bitPattern } == atPositions.map(\.bitPattern))

        let tail = x.indices.filter { abs(x[$0]) > threshold }
        #expect(tail.count == (fixture["tail_count"] as? Int))
        #expect(tail == (try Self.ints(fixture, "tail_positions")))
        let tailValues = try Self.doubles(fixture, "tail_values")
        #expect(tail.map { x[$0].bitPattern } == tailValues.map(\.bitPattern))
        #expect(tailValues.contains { abs($0) > ZigguratTables.normalR })
    }

    // MARK: Plumbing

    @Test func emptyShapesDrawNothing() {
        var a = NumpyGenerator(seed: 3)
        var b = NumpyGenerator(seed: 3)
        #expect(a.standardNormal(rows: 0, cols: 5).isEmpty)
        #expect(a.uniform(rows: 4, cols: 0).isEmpty)
        #expect(a.nextUInt64() == b.nextUInt64())
    }

    @Test func pcg64IsAUsableSwiftGenerator() {
        var bits = PCG64(seedSequence: SeedSequence(seed: 42))
        let k = Int.random(in: 0..<10, using: &bits)
        #expect((0..<10).contains(k))
    }
}
