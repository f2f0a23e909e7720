import Dispatch
import Synchronization

/// How far NTKCore's long loops have come (training steps, kernel tiles, pairs of images), for a caller that
/// wants to show it while one long call runs. NTKCore knows nothing of who listens or how it
/// is shown: the notebook runner binds one as `current` while a block runs, and the loops
/// call it between steps and tiles; calls closer than `interval` to the last one reported
/// are dropped here, so a fast loop pays one clock read per step.
package final class ProgressReporter: Sendable {
    /// What a loop has done so far.
    package enum Event: Sendable, Equatable {
        /// `done` of `total` training steps, with the loss before step `done`.
        case step(done: Int, total: Int, loss: Double)
        /// `done` of `total` kernel tiles written.
        case tile(done: Int, total: Int)
        /// `done` of `total` pairs of images through a convolutional network's kernel.
        case pair(done: Int, total: Int)
    }

    private let interval: UInt64
    private let last = Atomic<UInt64>(0)
    private let report: @Sendable (Event) -> Void

    /// Calls `report` at most once per `interval` seconds (the first event always).
    package init(interval: Double = 0.1, report: @escaping @Sendable (Event) -> Void) {
        self.interval = UInt64(max(interval, 0) * 1e9)
        self.report = report
    }

    /// A training loop reached step `done` of `total` with this loss.
    package func step(_ done: Int, of total: Int, loss: Double) {
        if isTime() { report(.step(done: done, total: total, loss: loss)) }
    }

    /// A tiled kernel has written `done` of its `total` tiles.
    package func tile(_ done: Int, of total: Int) {
        if isTime() { report(.tile(done: done, total: total)) }
    }

    /// An image kernel has walked `done` of its `total` pairs of images.
    package func pair(_ done: Int, of total: Int) {
        if isTime() { report(.pair(done: done, total: total)) }
    }

    /// The reporter for one chunk of a loop that a caller runs in pieces (`train` runs its
    /// steps in chunks to check its deadline between them): the chunk's step `k` is reported
    /// as step `done + k` of `total`, under this reporter's rate limit.
    package func chunk(from done: Int, of total: Int) -> ProgressReporter {
        ProgressReporter(limit: self) { event in
            switch event {
            case .step(let k, _, let loss): .step(done: done + k, total: total, loss: loss)
            case .tile, .pair: event
            }
        }
    }

    private init(limit parent: ProgressReporter, map: @escaping @Sendable (Event) -> Event) {
        self.interval = 0
        self.report = { event in if parent.isTime() { parent.report(map(event)) } }
    }

    private func isTime() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        let previous = last.load(ordering: .relaxed)
        guard previous == 0 || now &- previous >= interval else { return false }
        return last.compareExchange(expected: previous, desired: max(now, 1), ordering: .relaxed).exchanged
    }

    /// The reporter of the work running on this thread, if any.
    @TaskLocal package static var current: ProgressReporter?
}
