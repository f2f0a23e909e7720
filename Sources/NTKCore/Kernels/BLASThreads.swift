import Foundation
internal import CLinearAlgebra

/// Runs code with OpenBLAS limited to one thread. The kernel tiles are spread over the
/// cores by Dispatch and each calls `dgemm`; OpenBLAS's own threads on top of that would
/// oversubscribe the machine. Nested and concurrent users share one saved setting.
enum BLASThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var users = 0
    nonisolated(unsafe) private static var saved: Int32 = 1

    static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        if users == 0 {
            saved = openblas_get_num_threads()
            openblas_set_num_threads(1)
        }
        users += 1
        lock.unlock()
        defer {
            lock.lock()
            users -= 1
            if users == 0 { openblas_set_num_threads(saved) }
            lock.unlock()
        }
        return try body()
    }
}
