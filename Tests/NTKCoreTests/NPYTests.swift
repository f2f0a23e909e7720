import Foundation
import TangentSupport
import TestSupport
import Testing

@testable import NTKCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Fixtures shared with CSVTests

/// One entry of a fixtures manifest written by
/// `Fixtures/npy/make_npy_fixtures.py`: a file and either the matrix it holds
/// (values as Python float reprs, row-major) or a substring of the error.
struct MatrixFileFixture: Decodable, Sendable, CustomTestStringConvertible {
    let file: String
    let about: String
    let shape: [Int]?
    let values: [String]?
    let error: String?

    var testDescription: String { "\(file) (\(about))" }

    /// The expected matrix; `nil` for an error fixture or a broken manifest.
    var matrix: Matrix? {
        guard let shape, shape.count == 2, let values else { return nil }
        let doubles = values.compactMap(Double.init)
        guard doubles.count == values.count, doubles.count == shape[0] * shape[1] else { return nil }
        return Matrix(rows: shape[0], cols: shape[1], storage: doubles)
    }

    /// The manifests next to the fixtures, found through `#filePath`.
    struct Manifest: Decodable {
        let read: [MatrixFileFixture]
        let encode: [MatrixFileFixture]?
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func manifest(_ kind: String) -> Manifest {
        let url = folder.appendingPathComponent(kind).appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return Manifest(read: [], encode: []) }  // caught by `manifestsAreComplete`
        return manifest
    }

    static let npy = manifest("npy")
    static let csv = manifest("csv")

    func url(_ kind: String) -> URL {
        Self.folder.appendingPathComponent(kind).appendingPathComponent(file)
    }
}

/// Same shape and the same bits in every entry (so `-0.0 ≠ 0.0`), except
/// that any NaN matches any NaN.
func sameValues(_ a: Matrix, _ b: Matrix) -> Bool {
    a.rows == b.rows && a.cols == b.cols
        && zip(a.storage, b.storage).allSatisfy { x, y in
            x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        }
}

/// Checks one fixture against what `read` makes of it.
func check(
    _ fixture: MatrixFileFixture, kind: String,
    read: (URL) throws(FileError) -> Matrix,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do throws(FileError) {
        let matrix = try read(fixture.url(kind))
        guard let expected = fixture.matrix else {
            Issue.record("read \(matrix.shapeDescription); expected an error", sourceLocation: sourceLocation)
            return
        }
        #expect(
            sameValues(matrix, expected),
            "got \(matrix.shapeDescription) \(matrix.storage.prefix(20)), expected \(expected.shapeDescription) \(expected.storage.prefix(20))",
            sourceLocation: sourceLocation)
    } catch {
        guard let expected = fixture.error else {
            Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.message.contains(expected), "\(error)", sourceLocation: sourceLocation)
    }
}

/// A temporary folder for the file tests, removed by `remove()`, with a sorted listing.
struct ScratchFolder {
    let folder: TemporaryFolder
    var url: URL { folder.root }

    init() throws { folder = try TemporaryFolder("io-tests") }

    func remove() { folder.remove() }

    func contents(_ sub: String = "") -> [String] {
        let folder = sub.isEmpty ? url : url.appendingPathComponent(sub)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }
}

// MARK: - NPY

@Suite struct NPYTests {
    @Test func manifestsAreComplete() {
        #expect(MatrixFileFixture.npy.read.count >= 60)
        #expect((MatrixFileFixture.npy.encode ?? []).count >= 10)
        #expect(MatrixFileFixture.csv.read.count >= 25)
        for fixture in MatrixFileFixture.npy.read + MatrixFileFixture.csv.read {
            #expect((fixture.matrix == nil) != (fixture.error == nil), "\(fixture.file)")
        }
    }

    @Test(arguments: MatrixFileFixture.npy.read)
    func readsFixture(_ fixture: MatrixFileFixture) {
        check(fixture, kind: "npy", read: NPY.read(from:))
    }

    /// `encode` writes exactly the bytes of `numpy.save`, so numpy reads the
    /// result back exactly.
    @Test(arguments: MatrixFileFixture.npy.encode ?? [])
    func encodeMatchesNumpySave(_ fixture: MatrixFileFixture) throws {
        let matrix = try #require(fixture.matrix)
        let numpyBytes = try Data(contentsOf: fixture.url("npy"))
        let ours = NPY.encode(matrix)
        #expect(ours.count == numpyBytes.count)
        #expect(ours == numpyBytes)
        #expect(ours.count % 64 == (8 * matrix.count) % 64, "header is padded to 64 bytes")
        #expect(sameValues(try NPY.decode(numpyBytes), matrix))
    }

    @Test(arguments: [
        Matrix(rows: 0, cols: 0, storage: []),
        Matrix(rows: 1, cols: 1, storage: [.pi]),
        Matrix(
            rows: 2, cols: 3,
            storage: [
                -0.0, .nan, .infinity, -.infinity,
                .leastNonzeroMagnitude, .greatestFiniteMagnitude
            ]),
        Matrix(rows: 4, cols: 1, storage: [1, 2, 3, 4]),
        Matrix(rows: 40, cols: 37) { i, j in sin(Double(i * 37 + j)) * 1e5 },
        Matrix(rows: 12345, cols: 2) { i, j in Double(i) / 3 - Double(j) }
    ])
    func roundTrip(_ matrix: Matrix) throws {
        let data = NPY.encode(matrix)
        #expect(sameValues(try NPY.decode(data), matrix))
        // Also through a slice that does not start at index 0.
        let shifted = (Data([1, 2, 3]) + data).dropFirst(3)
        #expect(sameValues(try NPY.decode(shifted), matrix))
    }

    @Test func roundTripKeepsNaNPayloads() throws {
        let payload = Double(bitPattern: 0x7FF8_0000_DEAD_BEEF)
        let decoded = try NPY.decode(NPY.encode(Matrix(rows: 1, cols: 2, storage: [payload, -payload])))
        #expect(decoded.storage.map(\.bitPattern) == [payload.bitPattern, (-payload).bitPattern])
    }

    @Test func encodedHeaderIsNumpys() {
        let data = NPY.encode(Matrix(column: [1, 2, 3]))
        let header = String(decoding: data[10..<128], as: UTF8.self)
        #expect(data.prefix(10) == Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0]))
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(data.count == 128 + 24)
    }

    // MARK: Headers numpy does not write but accepts

    /// A version 1.0 file with the given header text and data.
    static func npy(_ header: String, _ values: [Double] = [1, 2, 3], endian: String = "<") -> Data {
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let text = Array((header + "\n").utf8)
        data.append(contentsOf: [UInt8(text.count & 0xFF), UInt8(text.count >> 8)])
        data.append(contentsOf: text)
        for v in values {
            let bits = endian == ">" ? v.bitPattern.bigEndian : v.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        return data
    }

    @Test(arguments: [
        "{'descr': '=f8', 'fortran_order': False, 'shape': (3,)}",  // native order
        "{'descr': 'f8', 'fortran_order': False, 'shape': (3,)}",  // no order at all
        "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3,)}",  // double quotes
        "{'shape': (3, 1), 'fortran_order': True, 'descr': '<f8'}",  // any key order
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': [None, 1, 'x']}",
        "  {'descr':'<f8','fortran_order':False,'shape':(3,)}  ",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }"
    ])
    func acceptsHeaderVariants(_ header: String) throws {
        let matrix = try NPY.decode(Self.npy(header))
        #expect(matrix.storage == [1, 2, 3])
        #expect(matrix.count == 3)
    }

    @Test func ignoresBytesAfterTheData() throws {
        var data = Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", [1, 2, 3])
        data.append(contentsOf: [9, 9])
        #expect(try NPY.decode(data) == Matrix(column: [1, 2]))
    }

    @Test(arguments: [
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3)}", "'shape' must be a tuple"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,)}", "'shape' must be a tuple"),
        ("{'descr': 8, 'fortran_order': False, 'shape': (3,)}", "'descr' must be a string"),
        ("{'descr': '', 'fortran_order': False, 'shape': (3,)}", "empty dtype"),
        ("{'descr': '<x8', 'fortran_order': False, 'shape': (3,)}", "unsupported dtype '<x8'"),
        ("{'descr': '<f3', 'fortran_order': False, 'shape': (3,)}", "unsupported dtype '<f3'"),
        ("{'descr': '<f8', 'fortran_order': 1, 'shape': (3,)}", "must be True or False"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} x", "unexpected text"),
        ("{1: '<f8'}", "keys must be strings"),
        ("{'descr' '<f8'}", "expected ':'"),
        ("{'descr': '<f8\n'}", "unterminated string"),
        ("", "unexpected end of header"),
        (String(repeating: "(", count: 5_000), "nested too deeply"),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3, 4, 5)}",
            "5-D array of shape (1, 2, 3, 4, 5) cannot be loaded as a matrix"
        ),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 0, 0)}", "3-D array of shape (0, 0, 0)"),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4,)}",
            "file is truncated: header says 4 values (32 bytes) but only 24 bytes follow"
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,)}",
            "shape (9223372036854775807,) is too large"
        )
    ])
    func rejectsBadHeaders(_ header: String, _ message: String) {
        do throws(FileError) {
            let matrix = try NPY.decode(Self.npy(header))
            Issue.record("decoded \(matrix.shapeDescription)")
        } catch {
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func rejectsEveryPrefixOfAFileWithoutTrapping() {
        let data = NPY.encode(Matrix(rows: 2, cols: 3) { i, j in Double(i - j) })
        for length in 0..<data.count {
            #expect(throws: FileError.self) { try NPY.decode(data.prefix(length)) }
        }
    }

    @Test func bigEndianHelperMatches() throws {
        let data = Self.npy("{'descr': '>f8', 'fortran_order': False, 'shape': (3,)}", [1, -2, 0.5], endian: ">")
        #expect(try NPY.decode(data) == Matrix(column: [1, -2, 0.5]))
    }

    // MARK: Files

    /// Reading a file takes a one-copy path for native float64 in C order; every file, good or
    /// bad, must read exactly as decoding its bytes does (same values, same error).
    @Test func readingAFileEqualsDecodingItsBytes() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let matrix = NPY.encode(Matrix(rows: 3, cols: 4) { i, j in Double(i * 4 + j) - 5.5 })
        let images = NPY.encode(NPY.NDArray(shape: [2, 3, 2, 1], values: (0..<12).map(Double.init)))
        // Version 2.0 (4-byte header length) with a header longer than the 64 KiB read first.
        var longHeader = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0])
        let text = Array(
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}" + String(repeating: " ", count: 70_000) + "\n")
                .utf8)
        withUnsafeBytes(of: UInt32(text.count).littleEndian) { longHeader.append(contentsOf: $0) }
        longHeader.append(contentsOf: text)
        for v in [1.0, 2, 3] { withUnsafeBytes(of: v.bitPattern.littleEndian) { longHeader.append(contentsOf: $0) } }
        var cases: [(String, Data)] = [
            ("matrix", matrix), ("images", images), ("trailing", matrix + Data([1, 2, 3])),
            ("fortran", Self.npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2)}", [1, 2, 3, 4])),
            ("big-endian", Self.npy("{'descr': '>f8', 'fortran_order': False, 'shape': (3,)}", endian: ">")),
            ("float32", Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}")),
            ("header beyond 64 KiB", longHeader), ("empty", Data()),
            ("3-D", Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 3)}"))
        ]
        for length in [5, 9, 20, matrix.count - 8, matrix.count - 1] {
            cases.append(("first \(length) bytes", matrix.prefix(length)))
        }
        for (name, bytes) in cases {
            let url = scratch.url.appendingPathComponent("case.npy")
            try bytes.write(to: url)
            let read = Result { () throws(FileError) in try NPY.readArray(from: url) }
            let decoded = Result { () throws(FileError) in try NPY.decodeArray(bytes) }
            switch (read, decoded) {
            case (.success(let a), .success(let b)):
                #expect(a.shape == b.shape && a.values == b.values, "\(name)")
            case (.failure(let a), .failure(let b)):
                #expect(a == b, "\(name)")
            default:
                Issue.record("\(name): read \(read), decoded \(decoded)")
            }
        }
    }

    /// A file whose data cannot fit in memory (here a sparse 7 TiB file with a valid header)
    /// is refused before anything is allocated, with the sizes, never a crash.
    @Test func refusesAFileLargerThanMemoryBeforeAllocating() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("huge.npy")
        let header = NPY.header(rows: 1_000_000, cols: 1_000_000)
        try Data(header).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(header.count) + 8 * 1_000_000 * 1_000_000)
        try handle.close()
        do throws(FileError) {
            _ = try NPY.readArray(from: url)
            Issue.record("a 7 TiB array was read")
        } catch {
            #expect(error.message.contains("1000000000000 values (7450.6 GiB as float64) need more memory"), "\(error)")
        }
        // Whatever reads a file whole refuses it by its size.
        do throws(FileError) {
            _ = try readFileContents(of: url)
            Issue.record("a 7 TiB file was read")
        } catch {
            #expect(error.message.contains("cannot read file: it is 7450.6 GiB, more than the"), "\(error)")
        }
    }

    @Test func readErrorsCarryTheSystemReason() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        #expect(throws: FileError("cannot read file: No such file or directory")) {
            try NPY.read(from: scratch.url.appendingPathComponent("missing.npy"))
        }
        #expect(throws: FileError("cannot read file: Is a directory")) {
            try NPY.read(from: scratch.url)
        }
        #expect(throws: FileError("cannot read file: not a local file")) {
            try NPY.read(from: URL(string: "https://example.com/x.npy")!)
        }
    }

    @Test func writeThenReadAndCreateFolders() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("a/b/c/out.npy")
        let matrix = Matrix(rows: 3, cols: 2) { i, j in Double(i) / 3 + Double(j) }
        try NPY.write(matrix, to: url)
        #expect(try NPY.read(from: url) == matrix)
        #expect(try Data(contentsOf: url) == NPY.encode(matrix))
        #expect(scratch.contents("a/b/c") == ["out.npy"])
    }

    // MARK: writeAtomically

    @Test func atomicWriteReplacesAndKeepsPermissions() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("notebook.md")
        try Data("old contents that are longer than the new ones".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: url.path)

        try writeAtomically(Data("new".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("new".utf8))
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions]
        #expect((permissions as? NSNumber)?.intValue == 0o640)
        #expect(scratch.contents() == ["notebook.md"], "no temporary file is left behind")

        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        try writeAtomically(Data(), to: url)
        #expect(try Data(contentsOf: url).isEmpty)
        let again = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions]
        #expect((again as? NSNumber)?.intValue == 0o755)
    }

    @Test func atomicWriteOfANewFileUsesTheUmask() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("deep/er/new.npy")
        try writeAtomically(Data([1, 2, 3]), to: url)
        #expect(try Data(contentsOf: url) == Data([1, 2, 3]))
        let mask = umask(0o022)
        umask(mask)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions]
        #expect((permissions as? NSNumber)?.intValue == 0o666 & ~Int(mask))
        #expect(scratch.contents("deep/er") == ["new.npy"])
    }

    @Test func atomicWriteFollowsSymbolicLinks() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let real = scratch.url.appendingPathComponent("real.csv")
        let link = scratch.url.appendingPathComponent("link.csv")
        try Data("old".utf8).write(to: real)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real.csv")

        try writeAtomically(Data("new".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real.csv")
        #expect(try Data(contentsOf: real) == Data("new".utf8))
        #expect(scratch.contents() == ["link.csv", "real.csv"])
    }

    @Test func atomicWriteFailuresLeaveNothingBehind() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = scratch.url.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: FileError("cannot write file: Is a directory")) {
            try writeAtomically(Data([1]), to: folder)
        }
        let file = scratch.url.appendingPathComponent("file")
        try Data([0]).write(to: file)
        #expect(throws: FileError("cannot create folder: Not a directory")) {
            try writeAtomically(Data([1]), to: file.appendingPathComponent("sub/out.npy"))
        }
        #expect(throws: FileError("cannot write file: not a local file")) {
            try writeAtomically(Data([1]), to: URL(string: "https://example.com/x.npy")!)
        }
        // Never replaces a device or a pipe (think of /dev/null).
        let pipe = scratch.url.appendingPathComponent("pipe")
        #expect(mkfifo(pipe.path, 0o644) == 0)
        #expect(throws: FileError("cannot write file: not a regular file")) {
            try writeAtomically(Data([1]), to: pipe)
        }
        #expect(scratch.contents() == ["file", "folder", "pipe"])
        #expect(scratch.contents("folder") == [])
        #expect(try Data(contentsOf: file) == Data([0]))
    }

    @Test func concurrentAtomicWritesNeverTearTheFile() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("shared.npy")
        let matrices = (0..<8).map { k in Matrix(rows: 50, cols: 20, repeating: Double(k)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for matrix in matrices {
                group.addTask { for _ in 0..<10 { try NPY.write(matrix, to: url) } }
            }
            group.addTask {
                for _ in 0..<50 {
                    // Every read sees one whole file, never a mix or a partial one.
                    if let m = try? NPY.read(from: url) {
                        #expect(matrices.contains(m))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(scratch.contents() == ["shared.npy"])
    }
}
