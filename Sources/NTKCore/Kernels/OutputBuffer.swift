import Foundation

/// Allocation of the (possibly huge) output arrays without zero-filling them first:
/// every entry is written by the tile loops, and touching 16 GiB twice would cost seconds.
enum OutputBuffer {
    /// An array of `count` doubles initialised by `fill` (which gets nil when count is 0).
    static func make(count: Int, _ fill: (UnsafeMutablePointer<Double>?) -> Void) -> [Double] {
        guard count > 0 else {
            fill(nil)
            return []
        }
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(buffer)
            fill(buffer.baseAddress!)
            initialized = count
        }
    }

    /// Asks Linux for transparent huge pages on the buffer: first-touch page faults on a
    /// multi-GiB output are otherwise a visible part of the run time.
    private static func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Double>) {
        let huge = 2 << 20
        let start = UInt(bitPattern: buffer.baseAddress!)
        let end = start + UInt(buffer.count * MemoryLayout<Double>.stride)
        let alignedStart = (start + UInt(huge - 1)) & ~UInt(huge - 1)
        guard end > alignedStart + UInt(huge) else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: alignedStart), Int(end - alignedStart), MADV_HUGEPAGE)
    }
}
