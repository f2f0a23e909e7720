import Testing

@testable import NTKCore

/// `BlockMirror.copy` against its definition, entry by entry, on blocks with ragged edges, in
/// the middle of larger row strides, above the diagonal only or whole; nothing else written.
@Suite struct BlockMirrorTests {
    @Test(arguments: [(1, 1), (3, 5), (4, 4), (7, 9), (8, 8), (13, 12), (128, 128), (61, 128), (128, 3)])
    func copiesTheTransposeAndNothingElse(rows m: Int, cols n: Int) {
        for strictlyUpper in m == n ? [false, true] : [false] {
            let srcStride = n + 5
            let dstStride = m + 3
            let src = (0..<(m * srcStride)).map { Double($0) * 0.5 + 1 }
            var dst = [Double](repeating: -7, count: n * dstStride)
            src.withUnsafeBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { d in
                    BlockMirror.copy(
                        from: s.baseAddress!, stride: srcStride, to: d.baseAddress!, stride: dstStride,
                        rows: m, cols: n, strictlyUpper: strictlyUpper)
                }
            }
            var wrong = 0
            for c in 0..<n {
                for k in 0..<dstStride {
                    let expected: Double
                    if k < m && (!strictlyUpper || k < c) {
                        expected = src[k * srcStride + c]
                    } else {
                        expected = -7
                    }
                    if dst[c * dstStride + k] != expected { wrong += 1 }
                }
            }
            #expect(wrong == 0, "\(m)×\(n) strictlyUpper \(strictlyUpper): \(wrong) entries wrong")
        }
    }

    /// In place on a square block: the lower triangle becomes the upper one's mirror, the upper
    /// triangle and the diagonal stay.
    @Test(arguments: [1, 2, 5, 8, 13, 64])
    func mirrorUpperMakesASquareBlockSymmetricFromAbove(n: Int) {
        let original = (0..<(n * n)).map { Double($0) + 0.25 }
        var c = original
        c.withUnsafeMutableBufferPointer { BlockMirror.mirrorUpper($0.baseAddress!, n: n) }
        var wrong = 0
        for i in 0..<n {
            for j in 0..<n where c[i * n + j] != original[min(i, j) * n + max(i, j)] { wrong += 1 }
        }
        #expect(wrong == 0, "n = \(n): \(wrong) entries wrong")
    }
}
