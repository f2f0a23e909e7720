import Foundation
import NTKCore
import Testing

@testable import Datasets

/// Every shipped set equals scikit-learn's arrays bit for bit: shapes, classes, sums in a fixed
/// order, a few whole rows and the SHA-256 of the float64 bytes of X and y, all computed in Python
/// by scripts/datasets/export.py from the scikit-learn version it names (Fixtures/datasets.json).
@Suite struct DataSetFixtureTests {
    struct Fixture: Decodable {
        var rows: Int
        var cols: Int
        var image_shape: [Int]?
        var classes: Int
        var class_counts: [Int]
        var x_sum: String
        var y_sum: String
        var x_sha256: String
        var y_sha256: String
        var rows_picked: [Int]
        var x_rows: [[String]]
        var y_rows: [String]
        var file_bytes: Int
    }

    struct Fixtures: Decodable {
        var sklearn: String
        var sets: [String: Fixture]
    }

    static let fixtures: Fixtures = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/datasets.json")
        return try! JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))
    }()

    static let names = ["digits", "iris", "wine", "breast_cancer", "diabetes"]

    /// A decimal from the fixture (Python's repr), parsed by a correctly rounded parser.
    func number(_ text: String) throws -> Double { try #require(Double(text), "not a number: \(text)") }

    @Test func catalogListsExactlyTheExportedSets() {
        #expect(DataSetCatalog.names == DataSetFixtureTests.names)
        #expect(Set(DataSetFixtureTests.fixtures.sets.keys) == Set(DataSetFixtureTests.names))
    }

    @Test(arguments: names) func equalsScikitLearnBitForBit(name: String) throws {
        let f = try #require(DataSetFixtureTests.fixtures.sets[name])
        let set = try #require(try DataSetCatalog.load(name))
        #expect(set.name == name)
        #expect(set.x.rows == f.rows && set.x.cols == f.cols)
        #expect(set.y.rows == f.rows && set.y.cols == 1)
        #expect(set.imageShape.map { [$0.height, $0.width, $0.channels] } == f.image_shape)
        #expect(set.classes == f.classes)
        for k in 0..<f.classes { #expect(set.y.storage.filter { $0 == Double(k) }.count == f.class_counts[k]) }
        // Left to right in row-major order, as the script summed them.
        #expect(set.x.storage.reduce(0, +).bitPattern == (try number(f.x_sum)).bitPattern)
        #expect(set.y.storage.reduce(0, +).bitPattern == (try number(f.y_sum)).bitPattern)
        #expect(SHA256.hex(doubles: set.x.storage) == f.x_sha256)
        #expect(SHA256.hex(doubles: set.y.storage) == f.y_sha256)
        for (k, i) in f.rows_picked.enumerated() {
            let row = (0..<f.cols).map { set.x[i, $0].bitPattern }
            #expect(row == (try f.x_rows[k].map { try number($0).bitPattern }), "row \(i) of \(name)")
            #expect(set.y[i, 0].bitPattern == (try number(f.y_rows[k])).bitPattern, "label \(i) of \(name)")
        }
    }

    @Test(arguments: names) func embeddedFileIsTheExportedOne(name: String) throws {
        let f = try #require(DataSetFixtureTests.fixtures.sets[name])
        let entry = try #require(DataSetCatalog.entries.first { $0.name == name })
        #expect(entry.file().count == f.file_bytes, "re-run scripts/datasets/export.py")
        #expect(entry.rows == f.rows && entry.cols == f.cols && entry.classes == f.classes)
    }

    @Test(arguments: names) func sourceNamesOriginURLLicenceAndExport(name: String) throws {
        let set = try #require(try DataSetCatalog.load(name))
        #expect(set.source.contains("https://"))
        #expect(set.source.contains("licence"))
        #expect(set.source.contains("scikit-learn \(DataSetFixtureTests.fixtures.sklearn)"))
    }

    @Test func unknownNameIsNil() throws {
        #expect(try DataSetCatalog.load("digit") == nil)
        #expect(try DataSetCatalog.load("") == nil)
    }

    @Test func sha256MatchesFIPSVectors() {
        // Digests from Python's hashlib (FIPS 180-4 test messages).
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
