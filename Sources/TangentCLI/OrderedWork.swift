import Foundation
import Synchronization

/// Runs independent pieces of work on several threads and hands the results over in order:
/// result `i` is delivered once it and every result before it are done, one delivery at a
/// time, so what the deliveries print is the same whatever the number of threads.
enum OrderedWork {
    /// Stack of each worker thread: the main thread's 8 MiB, so a deeply nested expression
    /// runs on a worker exactly as it does with one job (Dispatch threads get 512 KiB).
    static let stackSize = 8 << 20

    /// `work(i)` for i in 0..<count, on at most `jobs` threads (the calling thread when it is
    /// one); `deliver(i, result)` in index order as soon as possible. Returns the results.
    static func run<T: Sendable>(
        count: Int, jobs: Int, _ work: @escaping @Sendable (Int) -> T,
        deliver: @escaping @Sendable (Int, T) -> Void
    ) -> [T] {
        let threads = min(max(jobs, 1), count)
        if threads <= 1 {
            return (0..<count).map { i in
                let r = work(i)
                deliver(i, r)
                return r
            }
        }
        let state = Shared<T>(count: count, deliver: deliver)
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            let thread = Thread {
                while let i = state.take() { state.finish(i, work(i)) }
                group.leave()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        group.wait()
        return state.results()
    }

    private final class Shared<T: Sendable>: Sendable {
        private struct Progress {
            var next = 0
            var delivered = 0
            var results: [T?]
        }

        private let progress: Mutex<Progress>
        /// Held while delivering, so deliveries never overlap and stay in order.
        private let delivering = Mutex(())
        private let count: Int
        private let deliver: @Sendable (Int, T) -> Void

        init(count: Int, deliver: @escaping @Sendable (Int, T) -> Void) {
            self.count = count
            self.deliver = deliver
            progress = Mutex(Progress(results: Array(repeating: nil, count: count)))
        }

        func take() -> Int? {
            progress.withLock { p in
                guard p.next < count else { return nil }
                p.next += 1
                return p.next - 1
            }
        }

        func finish(_ i: Int, _ result: T) {
            progress.withLock { $0.results[i] = result }
            // Whoever stores a result then delivers every result that is ready, in order. A
            // thread that finds the next result missing has let go of `progress` before the
            // thread storing it looks, so nothing is left undelivered.
            delivering.withLock { _ in
                while let (k, r) = progress.withLock({ p -> (Int, T)? in
                    guard p.delivered < count, let r = p.results[p.delivered] else { return nil }
                    p.delivered += 1
                    return (p.delivered - 1, r)
                }) {
                    deliver(k, r)
                }
            }
        }

        func results() -> [T] { progress.withLock { $0.results.map { $0! } } }
    }
}
