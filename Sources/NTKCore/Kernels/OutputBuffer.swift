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
            FreshPages.prepare(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count * MemoryLayout<Double>.stride)
            fill(buffer.baseAddress!)
            initialized = count
        }
    }
}
