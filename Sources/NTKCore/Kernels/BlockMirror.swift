/// The mirror image of a block of a symmetric kernel: `dst[c·dstStride + r] = src[r·srcStride + c]`.
///
/// Done entry by entry, the copy reads `src` down its columns, one scalar load per entry from
/// a different output row (and, for a large kernel, a different page) each time: it was about
/// 40% of the residual network's fused block program in `perf annotate`. Here it moves 4 × 4
/// tiles: four vector loads along the source rows, a transpose in registers, four vector stores
/// along the destination rows. Only the edges and the diagonal tiles of a triangle go entry by
/// entry.
enum BlockMirror {
    /// Copies the m × n block at `src` transposed to `dst`. With `strictlyUpper` (a diagonal
    /// block, m = n), only the entries above the diagonal (r < c) are copied, into the entries
    /// below it.
    static func copy(
        from src: UnsafePointer<Double>, stride srcStride: Int, to dst: UnsafeMutablePointer<Double>,
        stride dstStride: Int, rows m: Int, cols n: Int, strictlyUpper: Bool
    ) {
        var c0 = 0
        while c0 < n {
            let cw = min(4, n &- c0)
            var r0 = 0
            // Tiles wholly above the diagonal (or anywhere, for an off-diagonal block).
            let fullRows = strictlyUpper ? min(m, c0) : m
            while r0 &+ 4 <= fullRows, cw == 4 {
                transpose4(src + (r0 &* srcStride &+ c0), srcStride, dst + (c0 &* dstStride &+ r0), dstStride)
                r0 &+= 4
            }
            // What is left of this strip of columns: the ragged edges and the diagonal tile.
            for r in r0..<(strictlyUpper ? min(m, c0 &+ cw) : m) {
                for c in c0..<(c0 &+ cw) where !strictlyUpper || r < c {
                    dst[c &* dstStride &+ r] = src[r &* srcStride &+ c]
                }
            }
            c0 &+= cw
        }
    }

    /// Copies the upper triangle of the n × n block at `c` (row stride n) into its lower
    /// triangle, on this thread (`NetworkKernels.mirrorUpper` spreads a whole matrix over the
    /// cores).
    static func mirrorUpper(_ c: UnsafeMutablePointer<Double>, n: Int) {
        copy(from: c, stride: n, to: c, stride: n, rows: n, cols: n, strictlyUpper: true)
    }

    @inline(__always)
    private static func transpose4(
        _ s: UnsafePointer<Double>, _ ss: Int, _ d: UnsafeMutablePointer<Double>, _ ds: Int
    ) {
        let a = load(s)
        let b = load(s + ss)
        let c = load(s + 2 &* ss)
        let e = load(s + 3 &* ss)
        store(SIMD4(a[0], b[0], c[0], e[0]), d)
        store(SIMD4(a[1], b[1], c[1], e[1]), d + ds)
        store(SIMD4(a[2], b[2], c[2], e[2]), d + 2 &* ds)
        store(SIMD4(a[3], b[3], c[3], e[3]), d + 3 &* ds)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }
}
