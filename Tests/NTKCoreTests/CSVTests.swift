import Foundation
import TangentSupport
import Testing

@testable import NTKCore

// Fixture helpers (`MatrixFileFixture`, `check`, `sameValues`, `ScratchFolder`)
// live in NPYTests.swift.

@Suite struct CSVTests {
    @Test(arguments: MatrixFileFixture.csv.read)
    func readsFixture(_ fixture: MatrixFileFixture) {
        check(fixture, kind: "csv", read: CSV.read(from:))
    }

    /// The same fixtures through `decode(String)`, for the valid UTF-8 ones.
    @Test(arguments: MatrixFileFixture.csv.read)
    func decodesFixtureText(_ fixture: MatrixFileFixture) throws {
        let text = try #require(String(data: try Data(contentsOf: fixture.url("csv")), encoding: .utf8))
        check(
            fixture, kind: "csv",
            read: { (_: URL) throws(FileError) -> Matrix in
                try CSV.decode(text)
            })
    }

    @Test func encodesOneRowPerLine() {
        let matrix = Matrix(rowArrays: [[1, -2.5, 0.1], [1e300, -1e-300, 3]])
        #expect(CSV.encode(matrix) == "1.0,-2.5,0.1\n1e+300,-1e-300,3.0\n")
        #expect(CSV.encode(Matrix(rows: 1, cols: 1, storage: [42])) == "42.0\n")
        #expect(CSV.encode(Matrix(rows: 0, cols: 3, storage: [])) == "")
    }

    @Test func encodesSpecialValuesAsPythonReadsThem() {
        let values: [Double] = [
            .nan, -.nan, .signalingNaN, .infinity, -.infinity, -0.0,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e16, 1e-5
        ]
        let text = CSV.encode(Matrix(rows: 1, cols: values.count, storage: values))
        #expect(text == "nan,nan,nan,inf,-inf,-0.0,5e-324,1.7976931348623157e+308,1e+16,1e-05\n")
    }

    @Test(arguments: [
        Matrix(rows: 1, cols: 1, storage: [.pi]),
        Matrix(
            rows: 2, cols: 3,
            storage: [
                -0.0, .nan, .infinity, -.infinity,
                .leastNonzeroMagnitude, .greatestFiniteMagnitude
            ]),
        Matrix(rows: 5, cols: 1, storage: [1, 2, 3, 4, 5]),
        Matrix(rows: 30, cols: 7) { i, j in sin(Double(i * 7 + j)) * pow(10, Double(i - 15) * 20) }
    ])
    func roundTrip(_ matrix: Matrix) throws {
        #expect(sameValues(try CSV.decode(CSV.encode(matrix)), matrix))
    }

    @Test func roundTripsArbitraryBitPatterns() throws {
        // A deterministic spread over all finite doubles, subnormals included.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var values: [Double] = []
        while values.count < 2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(bitPattern: state ^ (state >> 29))
            if value.isFinite { values.append(value) }
        }
        let matrix = Matrix(rows: 200, cols: 10, storage: values)
        let decoded = try CSV.decode(CSV.encode(matrix))
        #expect(decoded.storage.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test(
        arguments: [
            ("1,2\n3,4", [[1.0, 2], [3, 4]]),
            ("1,2\r\n3,4\r\n", [[1, 2], [3, 4]]),
            ("  \n1,2\n \t \n3,4\n  \n", [[1, 2], [3, 4]]),  // whitespace-only lines are blank
            ("\u{FEFF}1,2\n", [[1, 2]]),  // byte order mark
            ("x\n1\n2\n", [[1], [2]]),  // a one-column header
            ("1e3,-.5,+7.,-0\n", [[1000, -0.5, 7, -0.0]]),
            ("nan,NAN,inf,-Infinity,+INF\n", [[.nan, .nan, .infinity, -.infinity, .infinity]]),
            ("1e400,-1e400,1e-400\n", [[.infinity, -.infinity, 0]]),  // as Python's float()
            ("\"a\",\"b\"\n1,2\n", [[1, 2]]),
            ("é,ü\n1,2\n", [[1, 2]])
        ] as [(String, [[Double]])])
    func decodesText(_ text: String, _ rows: [[Double]]) throws {
        #expect(sameValues(try CSV.decode(text), Matrix(rowArrays: rows)))
    }

    @Test func emptyInputs() throws {
        #expect(try CSV.decode("") == Matrix(rows: 0, cols: 0, storage: []))
        #expect(try CSV.decode("\n\n") == Matrix(rows: 0, cols: 0, storage: []))
        #expect(try CSV.decode("a,b\n") == Matrix(rows: 0, cols: 2, storage: []))
    }

    @Test(arguments: [
        ("1,2,3\n4,5,6\n7,8,9\n1,2\n", "line 4 has 2 fields, expected 3"),
        ("a,b,c\n1,2,3\n4,5\n", "line 3 has 2 fields, expected 3"),
        ("1\n2,3\n", "line 2 has 2 fields, expected 1"),
        ("1,2\n3,x\n", "line 2, field 2: 'x' is not a number"),
        ("x,y\n1,2\nz,3\n", "line 3, field 1: 'z' is not a number"),
        ("1,,3\n", "line 1, field 2 is empty"),
        ("1,2\n3, \n", "line 2, field 2 is empty"),
        ("1,2\n3,1e\n", "line 2, field 2: '1e' is not a number"),
        ("1,2\n3,1.2.3\n", "line 2, field 2: '1.2.3' is not a number"),
        ("1,2\n3,.\n", "line 2, field 2: '.' is not a number"),
        ("1,2\n3,- 1\n", "line 2, field 2: '- 1' is not a number"),
        ("1,2\n3,nana\n", "line 2, field 2: 'nana' is not a number"),
        ("1,2\n3,1_000\n", "line 2, field 2: '1_000' is not a number"),
        (
            "1\n" + String(repeating: "9", count: 60) + "x\n",
            "line 2, field 1: '" + String(repeating: "9", count: 37) + "...' is not a number"
        )
    ])
    func rejects(_ text: String, _ message: String) {
        #expect(throws: FileError(message)) { try CSV.decode(text) }
    }

    @Test func writeThenReadAtomically() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("out/data.csv")
        let matrix = Matrix(rows: 4, cols: 3) { i, j in Double(i) / 7 - Double(j) * 1e-20 }
        try CSV.write(matrix, to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == CSV.encode(matrix))
        #expect(sameValues(try CSV.read(from: url), matrix))

        try CSV.write(Matrix(column: [1]), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "1.0\n")
        #expect(scratch.contents("out") == ["data.csv"])
    }

    @Test func readErrors() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        #expect(throws: FileError("cannot read file: No such file or directory")) {
            try CSV.read(from: scratch.url.appendingPathComponent("nope.csv"))
        }
        // A Latin-1 header is skipped like any other; bytes that are not
        // UTF-8 in the data are reported in the message, not a crash.
        let latin1 = scratch.url.appendingPathComponent("latin1.csv")
        try Data([0x74, 0xE9, 0x6D, 0x70, 0x0A, 0x31, 0x0A]).write(to: latin1)  // "témp\n1\n" in Latin-1
        #expect(try CSV.read(from: latin1) == Matrix(column: [1]))
        let binary = scratch.url.appendingPathComponent("binary.csv")
        try Data([0x31, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: binary)
        #expect(throws: FileError("line 2, field 1: '\u{FFFD}\u{FFFD}' is not a number")) {
            try CSV.read(from: binary)
        }
    }
}
