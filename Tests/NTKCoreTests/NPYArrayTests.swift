import Foundation
import TangentSupport
import Testing

@testable import NTKCore

/// 4-D `.npy` arrays (images, issue 21): round trip, numpy's bytes, Fortran order, and hostile
/// headers, which fail with a message and never trap; matrices read as before.
@Suite struct NPYArrayTests {
    static let shape = [2, 3, 4, 2]
    static let values = (0..<48).map { Double($0) * 0.25 - 3 }

    @Test func aFourDimensionalArrayRoundTrips() throws {
        let array = NPY.NDArray(shape: Self.shape, values: Self.values)
        let data = NPY.encode(array)
        #expect(try NPY.decodeArray(data) == array)
        // numpy's header for that shape, padded to 64 bytes with room to grow the first axis.
        let header = String(decoding: data[10..<(10 + Int(data[8]))], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4, 2), }"))
        #expect(header.hasSuffix("\n"))
        #expect((10 + header.utf8.count) % 64 == 0)
        #expect(data.count == 10 + header.utf8.count + 8 * 48)
    }

    /// A Fortran-order file holds the array with its axes reversed, row-major.
    @Test func fortranOrderIsReadInCOrder() throws {
        var reversed = [Double](repeating: 0, count: 48)
        let (n, h, w, c) = (2, 3, 4, 2)
        for a in 0..<n {
            for b in 0..<h {
                for d in 0..<w {
                    for e in 0..<c {
                        let cIndex = ((a * h + b) * w + d) * c + e
                        let fIndex = a + n * (b + h * (d + w * e))
                        reversed[fIndex] = Self.values[cIndex]
                    }
                }
            }
        }
        let data = NPYTests.npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4, 2), }", reversed)
        #expect(try NPY.decodeArray(data) == NPY.NDArray(shape: Self.shape, values: Self.values))
    }

    @Test func matricesDecodeAsBefore() throws {
        let m = Matrix(rows: 2, cols: 3, storage: [1, 2, 3, 4, 5, 6])
        let array = try NPY.decodeArray(NPY.encode(m))
        #expect(array.shape == [2, 3])
        #expect(array.matrix == m)
        let column = try NPY.decodeArray(NPYTests.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}"))
        #expect(column.matrix == Matrix(column: [1, 2, 3]))
        let fortran = try NPY.decodeArray(
            NPYTests.npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3)}", [1, 4, 2, 5, 3, 6]))
        #expect(fortran.matrix == m)
        // The matrix reader still refuses 4-D arrays.
        #expect(throws: FileError.self) {
            try NPY.decode(NPY.encode(NPY.NDArray(shape: Self.shape, values: Self.values)))
        }
    }

    @Test(arguments: [
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2)}",
            "3-D array of shape (1, 2, 2) cannot be loaded as a matrix or images"
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 3)}",
            "5-D array of shape (1, 1, 1, 1, 3) cannot be loaded"
        ),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, -3)}", "non-negative integers"),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2, 2)}",
            "header says 4 values (32 bytes) but only 24 bytes follow"
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 1, 1)}",
            "shape (4294967296, 4294967296, 1, 1) is too large"
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 0, 1)}",
            "shape (4294967296, 4294967296, 0, 1) is too large"
        ),
        // An empty array whose other axes multiply past Int.max: numpy refuses it too, and
        // images of it would have h·w·c pixels that cannot be counted (a trap in `load`).
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296, 1)}",
            "shape (0, 4294967296, 4294967296, 1) is too large"
        ),
        (
            "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 3037000500, 3037000500, 1)}",
            "is too large"
        ),
        (
            "{'descr': '<f8', 'fortran_order': True, 'shape': (1152921504606846976, 8, 1, 1)}",
            "is too large"
        ),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1.0)}", "'shape' must be a tuple"),
        ("{'descr': '<c16', 'fortran_order': False, 'shape': (1, 1, 1, 1)}", "unsupported dtype")
    ])
    func hostileFourDimensionalHeadersFail(_ header: String, _ message: String) {
        do throws(FileError) {
            let array = try NPY.decodeArray(NPYTests.npy(header))
            Issue.record("decoded \(array.shape)")
        } catch {
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func everyPrefixOfAFourDimensionalFileFailsWithoutTrapping() {
        let data = NPY.encode(NPY.NDArray(shape: Self.shape, values: Self.values))
        for length in 0..<data.count {
            #expect(throws: FileError.self) { try NPY.decodeArray(data.prefix(length)) }
        }
    }

    @Test func anEmptyFourDimensionalArrayDecodes() throws {
        let array = try NPY.decodeArray(
            NPYTests.npy("{'descr': '<f8', 'fortran_order': True, 'shape': (0, 2, 2, 1)}", []))
        #expect(array == NPY.NDArray(shape: [0, 2, 2, 1], values: []))
    }
}
