import Dispatch
import Synchronization

/// A time after which NTKCore's long loops (analytic kernel tiles, empirical-NTK tiles) stop
/// early, so that a caller's time limit holds inside one long call. NTKCore knows nothing of
/// what set it: the notebook runner makes one per block from the block's timeout and binds
/// it as `current` while the block runs.
///
/// A loop asks `Cancellation.current` once on the calling thread (task-locals do not reach
/// the worker threads it starts), then `isDue` per tile; a throwing API then throws its
/// `cancelled` error, and `stopped` tells the caller afterwards that a loop gave up, so a
/// partial result is never mistaken for a whole one.
package final class Cancellation: Sendable {
    private let end: UInt64
    private let fired = Atomic<Bool>(false)

    /// Due `seconds` from now (never, for an infinite or huge value).
    package convenience init(seconds: Double) {
        let nanos = seconds >= 1e9 || !seconds.isFinite ? UInt64.max / 2 : UInt64(max(seconds, 0) * 1e9)
        self.init(deadline: DispatchTime.now() + .nanoseconds(Int(min(nanos, UInt64(Int.max)))))
    }

    package init(deadline: DispatchTime) {
        end = deadline.uptimeNanoseconds
    }

    /// True once the time is up; a loop that sees it stops, and `stopped` becomes true.
    package var isDue: Bool {
        if fired.load(ordering: .relaxed) { return true }
        guard DispatchTime.now().uptimeNanoseconds >= end else { return false }
        fired.store(true, ordering: .relaxed)
        return true
    }

    /// True when a loop saw the time was up (its call stopped early).
    package var stopped: Bool { fired.load(ordering: .relaxed) }

    /// The cancellation of the work running on this thread, if any.
    @TaskLocal package static var current: Cancellation?
}
