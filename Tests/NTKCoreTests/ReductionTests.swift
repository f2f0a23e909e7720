import Foundation
import Testing

@testable import NTKCore

/// Sums, means, minima and maxima agree with numpy to the bit (Fixtures/reductions, written by
/// make_reduction_fixtures.py from the same `default_rng` draws), on the one-core and the
/// parallel path alike.
struct ReductionTests {
    struct Case {
        var seed: UInt64
        var rows: Int
        var cols: Int
        var scale: Double
        var offset: Double
        var json: [String: Any]

        var matrix: Matrix {
            var g = NumpyGenerator(seed: seed)
            var z = g.standardNormal(rows: rows, cols: cols)
            for k in z.storage.indices { z.storage[k] = z.storage[k] * scale + offset }
            return z
        }

        func value(_ key: String) throws -> Double {
            try ReductionTests.hex(try #require(json[key] as? String, "\(key) of seed \(seed)"))
        }

        /// (index, value) pairs of an axis reduction's stored ends, and its length.
        func ends(_ key: String) throws -> (count: Int, pairs: [(Int, Double)]) {
            let d = try #require(json[key] as? [String: Any])
            let index = try #require(d["index"] as? [Int])
            let values = try #require(d["value"] as? [String]).map { try ReductionTests.hex($0) }
            return (try #require(d["count"] as? Int), Array(zip(index, values)))
        }
    }

    static func hex(_ text: String) throws -> Double {
        try #require(Double(text), "not a hexadecimal double: \(text)")
    }

    static func cases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/reductions/reductions.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]]).map { c in
            Case(
                seed: UInt64(try #require(c["seed"] as? Int)), rows: try #require(c["rows"] as? Int),
                cols: try #require(c["cols"] as? Int), scale: try hex(try #require(c["scale"] as? String)),
                offset: try hex(try #require(c["offset"] as? String)), json: c)
        }
    }

    @Test func sumsAndMeansAreNumpysBits() throws {
        let cases = try Self.cases()
        #expect(cases.count == 10)
        // The fixture reaches the parallel path and numpy's 8192-entry buffer.
        #expect(cases.contains { $0.rows * $0.cols >= EntrySums.parallelFrom })
        #expect(cases.contains { $0.cols > EntrySums.block })
        for c in cases {
            let a = c.matrix
            #expect(a.entrySum.bitPattern == (try c.value("sum")).bitPattern, "sum, seed \(c.seed)")
            #expect(
                (a.entrySum / Double(a.count)).bitPattern == (try c.value("mean")).bitPattern, "mean, seed \(c.seed)")
            #expect(a.diagonal.entrySum.bitPattern == (try c.value("trace")).bitPattern, "trace, seed \(c.seed)")
            let rows = a.rowSums
            let columns = a.columnSums
            for (key, values, divisor) in [
                ("sum_axis0", columns, 1.0), ("sum_axis1", rows, 1.0),
                ("mean_axis0", columns, Double(a.rows)), ("mean_axis1", rows, Double(a.cols))
            ] {
                let stored = try c.ends(key)
                #expect(stored.count == values.count, "\(key), seed \(c.seed)")
                for (i, v) in stored.pairs {
                    #expect((values[i] / divisor).bitPattern == v.bitPattern, "\(key)[\(i)], seed \(c.seed)")
                }
            }
        }
    }

    @Test func extremaAreNumpys() throws {
        for c in try Self.cases() {
            let a = c.matrix
            #expect(a.extremeEntry(largest: false) == (try c.value("min")), "min, seed \(c.seed)")
            #expect(a.extremeEntry(largest: true) == (try c.value("max")), "max, seed \(c.seed)")
        }
    }

    /// A nan anywhere (in the eight-lane body, the tail, the first entry, either core's share)
    /// makes the minimum and the maximum nan, as in numpy; infinities are ordinary entries.
    @Test(arguments: [5, 1 << 20, (1 << 20) + 13])
    func aNanAnywhereIsTheExtremum(count: Int) {
        var base = Matrix(rows: 1, cols: count) { _, j in Double(j % 97) - 40 }
        #expect(base.extremeEntry(largest: false) == -40)
        #expect(base.extremeEntry(largest: true) == Double(Swift.min(count, 97) - 1) - 40)
        base.storage[count / 2] = -.infinity
        #expect(base.extremeEntry(largest: false) == -.infinity)
        for place in Set([0, 1, count / 2 + 1, count - 9, count - 1]) where place >= 0 && place < count {
            var a = base
            a.storage[place] = .nan
            #expect(a.extremeEntry(largest: false).isNaN, "nan at \(place) of \(count)")
            #expect(a.extremeEntry(largest: true).isNaN, "nan at \(place) of \(count)")
        }
    }

    @Test func emptyMatricesSumToZero() {
        #expect(Matrix(rows: 0, cols: 3).entrySum == 0)
        #expect(Matrix(rows: 2, cols: 0).rowSums == [0, 0])
        #expect(Matrix(rows: 0, cols: 2).columnSums == [0, 0])
    }
}
