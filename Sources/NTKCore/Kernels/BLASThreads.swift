internal import CLinearAlgebra
import Foundation

/// OpenBLAS's thread count, which is one setting for the whole process.
///
/// The kernel tiles are spread over the cores by Dispatch and each calls `dgemm`; OpenBLAS's
/// own threads on top of that would oversubscribe the machine, so they run `singleThreaded`.
/// Notebooks run side by side (`tangent check -j N`) share the cores the same way through
/// `limited(to:)`. Nested and concurrent users share one saved setting, so whichever ends
/// last restores what was there before.
package enum BLASThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var users = 0
    nonisolated(unsafe) private static var saved: Int32 = 1
    /// The limits held now (by `limited(to:)`), and the count from before the first of them.
    nonisolated(unsafe) private static var limits: [Int: Int32] = [:]
    nonisolated(unsafe) private static var nextLimit = 0
    nonisolated(unsafe) private static var unlimited: Int32 = 1
    /// Set by `leaveToWorkerProcesses`: counts are recorded here instead of set in OpenBLAS.
    nonisolated(unsafe) private static var detachedCount: Int32?

    /// OpenBLAS's current thread count (what a BLAS call started now would use at most).
    package static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return Int(users > 0 ? saved : currentThreads())
    }

    /// For a process whose notebooks run in worker processes (`tangent`'s parent): ends
    /// OpenBLAS's threads, and from then on thread counts (the `-j` shares passed on to the
    /// workers) are only recorded, since any `openblas_set_num_threads` would start the threads
    /// again. Idle, they spin on `sched_yield` for about 0.1 s after the library loads: 53 ms
    /// of CPU in the parent of a 0.35 s `tangent run`, taken from its worker on 2 cores
    /// (docs/benchmarks.md#openblas-idle-threads). Should this process compute after all (a
    /// worker that could not be started, the language server's in-process runs), the first
    /// `singleThreaded` section hands OpenBLAS the recorded count back; plain BLAS calls start
    /// OpenBLAS's threads again by themselves. Call at start-up, before any other thread can be
    /// inside BLAS.
    package static func leaveToWorkerProcesses() {
        lock.lock()
        defer { lock.unlock() }
        guard detachedCount == nil, users == 0, limits.isEmpty else { return }
        // Looked up rather than linked: only OpenBLAS's threaded builds have it.
        guard let symbol = dlsym(nil, "blas_thread_shutdown_") else { return }
        detachedCount = openblas_get_num_threads()
        _ = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)()
    }

    /// OpenBLAS's count, or the recorded one (lock held).
    private static func currentThreads() -> Int32 { detachedCount ?? openblas_get_num_threads() }

    /// Sets OpenBLAS's count, or records it (lock held).
    private static func setThreads(_ n: Int32) {
        if detachedCount != nil { detachedCount = n } else { openblas_set_num_threads(n) }
    }

    static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        if users == 0 {
            saved = currentThreads()
            // Computing here after all: OpenBLAS takes the counts again (and its threads).
            detachedCount = nil
            openblas_set_num_threads(1)
        }
        users += 1
        lock.unlock()
        defer {
            lock.lock()
            users -= 1
            if users == 0 { setThreads(saved) }
            lock.unlock()
        }
        return try body()
    }

    /// A limit taken by `limited(to:)`, which its holder may change while it runs (a run of
    /// several notebooks raises it as they finish and fewer share the cores).
    package final class Limit: Sendable {
        let id: Int
        init(id: Int) { self.id = id }

        package func change(to threads: Int) {
            lock.lock()
            defer { lock.unlock() }
            guard limits[id] != nil else { return }
            limits[id] = Int32(clamping: max(1, threads))
            applyLimits()
        }
    }

    /// Runs `body` with OpenBLAS using at most `threads` threads (at least one). Overlapping
    /// callers get the smallest of their limits; when the last one ends, the count from before
    /// the first is back. Inside a `singleThreaded` section a limit applies when it ends.
    package static func limited<T>(to threads: Int, _ body: (Limit) throws -> T) rethrows -> T {
        lock.lock()
        if limits.isEmpty { unlimited = users > 0 ? saved : currentThreads() }
        let id = nextLimit
        nextLimit += 1
        limits[id] = Int32(clamping: max(1, threads))
        applyLimits()
        lock.unlock()
        defer {
            lock.lock()
            limits[id] = nil
            applyLimits()
            lock.unlock()
        }
        return try body(Limit(id: id))
    }

    /// Sets the count that holds outside `singleThreaded` sections to the smallest limit, never
    /// above the count from before the limits (called with the lock held).
    private static func applyLimits() {
        let threads = min(unlimited, limits.values.min() ?? unlimited)
        if users > 0 { saved = threads } else { setThreads(threads) }
    }
}
