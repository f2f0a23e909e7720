import Foundation
import Language
import NTKCore

/// The rule that keeps the cache from costing more than it saves: a block's values are stored
/// only when reading them back is cheaper than running the block again, and writing them costs
/// at most `allowedSlowdown` (10%) of the block's own time, so that a run with the cache is never
/// more than 10% slower than without it (the writes happen in the background, but the process
/// waits for them at exit). Reading is estimated conservatively at `throughput` bytes a second
/// plus `overhead` seconds an entry (1 GB/s and 1 ms by default), writing (hashing and writing
/// to the page cache) at `writeThroughput` (500 MB/s). Values of at most `alwaysStored` bytes
/// are always stored: they read and write in about a millisecond.
package struct CacheCost: Sendable, Equatable {
    /// Bytes a second at which stored values are read back, verified and decoded.
    package var throughput: Double
    /// Seconds an entry costs to open and check, whatever its size.
    package var overhead: Double
    /// Entries whose values total at most this many bytes are stored whatever the block took.
    package var alwaysStored: Int
    /// Bytes a second at which values are hashed and written.
    package var writeThroughput: Double
    /// The share of a block's time its entry may cost to write.
    package var allowedSlowdown: Double

    package init(
        throughput: Double = 1e9, overhead: Double = 0.001, alwaysStored: Int = 1 << 20,
        writeThroughput: Double = 5e8, allowedSlowdown: Double = 0.1
    ) {
        self.throughput = throughput
        self.overhead = overhead
        self.alwaysStored = alwaysStored
        self.writeThroughput = writeThroughput
        self.allowedSlowdown = allowedSlowdown
    }

    package static let standard = CacheCost()

    /// Estimated seconds to load `bytes` of stored values.
    package func loadSeconds(_ bytes: Int) -> Double { overhead + Double(bytes) / throughput }

    /// Estimated seconds to hash and write `bytes` of values.
    package func writeSeconds(_ bytes: Int) -> Double { overhead + Double(bytes) / writeThroughput }

    /// Whether a block that took `seconds` and bound `bytes` of values is worth storing: cheaper
    /// to load than to run, and cheap enough to write.
    package func worthStoring(seconds: Double, bytes: Int) -> Bool {
        bytes <= alwaysStored || (loadSeconds(bytes) < seconds && writeSeconds(bytes) <= allowedSlowdown * seconds)
    }

    /// The size of a value's stored form, computed without encoding it (matrices dominate).
    package static func estimatedBytes(_ value: Value) -> Int {
        switch value {
        case .number, .bool, .none: return 9
        case .string(let s): return 9 + s.utf8.count
        case .list(let items): return 9 + items.reduce(0) { $0 + estimatedBytes($1) }
        case .matrix(let m): return 25 + 8 * m.count
        case .table(let t): return 33 + 8 * t.matrix.count + t.columns.reduce(0) { $0 + 8 + $1.utf8.count }
        case .params(let p):
            let weights = p.weights.reduce(0) { $0 + 24 + 8 * $1.count }
            return 17 + weights + p.biases.reduce(0) { $0 + 1 + ($1.map { 24 + 8 * $0.count } ?? 0) }
        case .record(let r): return 9 + r.fields.reduce(0) { $0 + 8 + $1.name.utf8.count + estimatedBytes($1.value) }
        case .images(let i): return 41 + 8 * i.pixels.count
        case .network, .layer, .function: return 256
        }
    }
}
