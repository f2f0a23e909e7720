#if canImport(Glibc)
import Glibc
#endif

/// Large buffers a process frees, kept for its next ones (docs/benchmarks.md#keeping-freed-memory).
///
/// glibc gives every allocation over 32 MiB a mapping of its own and unmaps it when it is freed,
/// so a notebook that computes kernels in a loop pays for fresh memory on every pass: pages the
/// system must zero and, on the virtual machines Tangent is measured on, often ask the
/// hypervisor for again (up to 20 ms per 2 MiB). A kernel worker instead has malloc serve large
/// allocations from its heap and keep what is freed (`M_MMAP_MAX` 0, `M_TRIM_THRESHOLD` 2 GiB),
/// and gives the memory back
/// - at the end of every block (`release`), so that the notebook's other blocks and other
///   processes find it free again, and
/// - before refusing an allocation for want of memory (`MemoryBudget.availableBytes(for:)`).
///
/// `TANGENT_RETAIN_MEMORY=0` turns it off. glibc's tuning calls are looked up at run time
/// (`mallopt` and `malloc_trim` are not in Swift's Glibc module); elsewhere nothing changes.
package enum MemoryRetention {
    nonisolated(unsafe) private static var enabled = false

    /// Turns retention on for this process; call it once, at start-up, before other threads.
    /// Returns whether it is on.
    @discardableResult
    package static func enable() -> Bool {
        if let value = getenv("TANGENT_RETAIN_MEMORY"), String(cString: value) == "0" { return false }
        guard let mallopt = function("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self) else {
            return false
        }
        // glibc's M_MMAP_MAX and M_TRIM_THRESHOLD.
        let mmapMax: Int32 = -4
        let trimThreshold: Int32 = -1
        enabled = mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32.max) == 1
        return enabled
    }

    package static var isEnabled: Bool { enabled }

    /// Gives the freed memory malloc keeps back to the system; true when there was some.
    @discardableResult
    package static func release() -> Bool {
        guard enabled, let trim = mallocTrim else { return false }
        return trim(0) == 1
    }

    /// Looked up once: `release` runs after every block.
    private static let mallocTrim = function("malloc_trim", as: (@convention(c) (Int) -> Int32).self)

    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}
