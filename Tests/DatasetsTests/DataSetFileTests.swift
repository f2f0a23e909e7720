import CZlib
import NTKCore
import Testing

@testable import Datasets

/// The `.tds` decoder on damaged input: every cut, flipped byte, garbage header and malformed
/// payload is a `DataSetError`, never a crash or a huge allocation.
@Suite struct DataSetFileTests {
    /// A `.tds` file around `payload`, declaring `declared` bytes (the payload's own length by default).
    static func file(payload: [UInt8], declared: Int? = nil, version: UInt8 = 1) -> [UInt8] {
        var size = compressBound(uLong(payload.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            payload.withUnsafeBufferPointer { compress2(out.baseAddress, &size, $0.baseAddress, uLong($0.count), 9) }
        }
        precondition(status == Z_OK)
        return Array("TNDS".utf8) + [version] + le32(declared ?? payload.count) + compressed.prefix(Int(size))
    }

    static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// rows, cols, then X and y sections (encoding, length, body).
    static func payload(rows: Int, cols: Int, x: (UInt8, [UInt8]), y: (UInt8, [UInt8])) -> [UInt8] {
        le32(rows) + le32(cols) + [x.0] + le32(x.1.count) + x.1 + [y.0] + le32(y.1.count) + y.1
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    func expectError(_ file: [UInt8], _ fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let decoded = try DataSetFile.decode(file)
            Issue.record("decoded \(decoded.x.shapeDescription) from damaged data", sourceLocation: sourceLocation)
        } catch {
            if let fragment {
                #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func decodesAWellFormedFile() throws {
        // X = [[1.5, -2], [0.1, 3e-05]], written column by column; y as bytes.
        let p = DataSetFileTests.payload(
            rows: 2, cols: 2, x: (2, DataSetFileTests.text("1.5 0.1\n-2 3e-05")), y: (1, [1, 0]))
        let (x, y) = try DataSetFile.decode(DataSetFileTests.file(payload: p))
        #expect(x == Matrix(rowArrays: [[1.5, -2], [0.1, 3e-05]]))
        #expect(y == Matrix(column: [1, 0]))
    }

    @Test func everyTruncationOfARealFileIsAnError() {
        let iris = DataSetCatalog.entries.first { $0.name == "iris" }!.file()
        for n in 0..<iris.count { expectError(Array(iris.prefix(n))) }
        let digits = DataSetCatalog.entries.first { $0.name == "digits" }!.file()
        for n in stride(from: 0, to: digits.count, by: 997) { expectError(Array(digits.prefix(n))) }
        expectError(Array(digits.dropLast()))
    }

    @Test func flippedBytesInTheCompressedDataAreCaught() {
        let wine = DataSetCatalog.entries.first { $0.name == "wine" }!.file()
        for i in stride(from: 9, to: wine.count, by: 7) {
            var damaged = wine
            damaged[i] ^= 0x5a
            expectError(damaged)
        }
    }

    @Test func garbageAndHeadersAreErrors() {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for length in [0, 1, 5, 9, 64, 4096] {
            let garbage = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            expectError(garbage)
            expectError(Array("TNDS".utf8) + [1] + garbage)
        }
        let p = DataSetFileTests.payload(rows: 1, cols: 1, x: (1, [7]), y: (1, [0]))
        expectError(DataSetFileTests.file(payload: p, version: 2), "version 2")
        // A length of 4 GB is refused before anything that large is allocated.
        expectError(DataSetFileTests.file(payload: p, declared: 0xFFFF_FFFF), "outside")
        expectError(DataSetFileTests.file(payload: p, declared: p.count - 1), "more than")
        expectError(DataSetFileTests.file(payload: p, declared: p.count + 1), "declares")
        expectError(DataSetFileTests.file(payload: p) + [0], "after its compressed data")
    }

    /// A declared length no stream of that many compressed bytes can reach (deflate expands at most
    /// 1032-fold) is refused before a buffer that large is allocated; the most compressible data
    /// (a run of zeros, close to that ratio) still decodes.
    @Test func aLengthTheCompressedBytesCannotHoldIsRefusedBeforeAllocating() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let file = DataSetFileTests.file(payload: zeros)
        let compressed = file.dropFirst(9)
        #expect(zeros.count / compressed.count > 1000)
        #expect(try Inflate.bytes(compressed, length: zeros.count) == zeros)
        let p = DataSetFileTests.payload(rows: 1, cols: 1, x: (1, [7]), y: (1, [0]))
        let small = DataSetFileTests.file(payload: p, declared: DataSetFile.maximumPayload)
        #expect(
            throws: DataSetError(
                "declares \(DataSetFile.maximumPayload) bytes of data, more than its \(small.count - 9) compressed bytes can hold"
            )
        ) {
            try DataSetFile.decode(small)
        }
    }

    @Test func malformedPayloadsAreErrors() {
        typealias T = DataSetFileTests
        func bad(_ p: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectError(T.file(payload: p), fragment, sourceLocation: sourceLocation)
        }
        bad(T.payload(rows: 0, cols: 3, x: (1, []), y: (1, [])), "0×3")
        bad(T.payload(rows: 0xFFFF_FFFF, cols: 0xFFFF_FFFF, x: (1, [1]), y: (1, [1])), "entries in")
        bad(T.payload(rows: 1, cols: 2, x: (3, [1, 2]), y: (1, [0])), "unknown encoding 3")
        bad(T.payload(rows: 1, cols: 2, x: (1, [1]), y: (1, [0])) + [0], "holds 1 bytes for X")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 2")), y: (1, [0, 1])) + [9], "after y")
        bad(Array(T.payload(rows: 2, cols: 1, x: (2, T.text("1 2")), y: (1, [0, 1])).dropLast()), "for y but holds 1")
        bad(T.le32(2) + [0], "cut short")
        bad(T.le32(2) + T.le32(1) + [2] + T.le32(1000) + T.text("1 2"), "declares 1000 bytes for X")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 x")), y: (1, [0, 1])), "malformed number")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 nan")), y: (1, [0, 1])), "malformed number")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 1e999")), y: (1, [0, 1])), "malformed number")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1  2")), y: (1, [0, 1])), "malformed number")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("")), y: (1, [0, 1])), "malformed number")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1")), y: (1, [0, 1])), "holds 1 entries")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 2\n3")), y: (1, [0, 1])), "more than 2×1")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 2 3")), y: (1, [0, 1])), "wrongly")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1 2\n")), y: (1, [0, 1])), "more than 2×1")
        bad(T.payload(rows: 2, cols: 2, x: (2, T.text("1 2 3\n4")), y: (1, [0, 1])), "wrongly")
        bad(T.payload(rows: 2, cols: 1, x: (2, T.text("1\n2")), y: (1, [0, 1])), "wrongly")
        bad(
            T.payload(rows: 2, cols: 1, x: (2, T.text(String(repeating: "1", count: 40) + " 2")), y: (1, [0, 1])),
            "malformed number")
    }

    @Test func catalogChecksShapeAndLabelsOfTheFile() throws {
        let iris = try #require(DataSetCatalog.entries.first { $0.name == "iris" })
        // A well-formed file of the wrong shape, and one whose labels are outside the classes.
        let wrongShape = DataSetFileTests.payload(rows: 1, cols: 1, x: (1, [7]), y: (1, [0]))
        #expect(throws: DataSetError.self) {
            try DataSetCatalog.load(iris, from: DataSetFileTests.file(payload: wrongShape))
        }
        var entry = iris
        entry.rows = 2
        entry.cols = 1
        let badLabel = DataSetFileTests.payload(rows: 2, cols: 1, x: (1, [1, 2]), y: (2, DataSetFileTests.text("0 3")))
        #expect(throws: DataSetError("holds label 3.0 in row 1, outside the classes 0…2")) {
            try DataSetCatalog.load(entry, from: DataSetFileTests.file(payload: badLabel))
        }
        let fraction = DataSetFileTests.payload(
            rows: 2, cols: 1, x: (1, [1, 2]), y: (2, DataSetFileTests.text("0 0.5")))
        #expect(throws: DataSetError.self) {
            try DataSetCatalog.load(entry, from: DataSetFileTests.file(payload: fraction))
        }
        let good = DataSetFileTests.payload(rows: 2, cols: 1, x: (1, [1, 2]), y: (2, DataSetFileTests.text("0 2")))
        #expect(try DataSetCatalog.load(entry, from: DataSetFileTests.file(payload: good)).y == Matrix(column: [0, 2]))
    }
}
