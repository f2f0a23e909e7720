import Foundation
import Synchronization

/// Writes cache entries on a background queue so a run goes on while they are written: the
/// runner hands over the block's values (shared, not copied) and moves to the next block. The
/// process waits for what is pending only when it ends (`finish()`), and a lookup of an entry
/// still being written waits for it first. Each entry is written under a temporary name and
/// renamed, so an interrupted run leaves no half entry.
package final class CacheWriter: Sendable {
    package static let shared = CacheWriter()

    private let queue = DispatchQueue(label: "tangent.cache-writer", qos: .utility)
    private let group = DispatchGroup()
    /// Entry paths with a write queued or under way.
    private let pending = Mutex<[String: Int]>([:])

    /// Queues `work`, which writes the entry at `path`.
    func enqueue(_ path: String, _ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0[path, default: 0] += 1 }
        group.enter()
        queue.async { [self] in
            work()
            pending.withLock { p in
                p[path, default: 1] -= 1
                if p[path] == 0 { p[path] = nil }
            }
            group.leave()
        }
    }

    /// Whether a write of the entry at `path` is queued or under way.
    func isPending(_ path: String) -> Bool { pending.withLock { $0[path] != nil } }

    /// Waits until every queued write is done.
    package func finish() { group.wait() }
}
