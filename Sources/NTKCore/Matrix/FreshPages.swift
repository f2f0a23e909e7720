import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// First-touch page faults of large, freshly allocated outputs (docs/benchmarks.md#fresh-pages).
///
/// Writing a 512 MB kernel into new memory costs Linux 131,072 page faults of 4 KiB, about
/// 0.25 s of CPU on the machines Tangent is measured on. Transparent huge pages (2 MiB) make
/// that 0.03 s when the memory handed out was freed moments ago, but these guests report free
/// 2 MiB blocks to the hypervisor (virtio-balloon free-page reporting, two seconds after they
/// are freed), and a huge page made from a reported block costs 4–25 ms to fault instead of
/// 0.15–0.5 ms: 0.5–1.2 s extra for the same output, on every run after a pause.
///
/// So `prepare` faults the buffer in 2 MiB steps as huge pages while they pay, timing each,
/// and gives the rest 4 KiB pages (populated at once on every core, `populate`) once the
/// huge pages have cost every core more than 4 KiB pages would have, plus a few milliseconds
/// of slack. Recently freed blocks are handed out first (reported ones go to the
/// back of the free lists), so a run right after another gets huge pages for most of its
/// output and a run on an idle machine gives up after a chunk or two.
enum FreshPages {
    /// Buffers smaller than this are left alone.
    static let minimumBytes = 8 << 20
    /// What faulting 2 MiB as 4 KiB pages costs on one core (measured: 0.94 ms; see the doc).
    static let smallPagesSeconds = 0.9e-3
    /// How far the huge pages may fall behind 4 KiB pages before `prepare` gives up on them.
    static let slackSeconds = 4e-3
    private static let huge = 2 << 20

    /// How outputs get their pages: adaptive (`prepare`'s rule), or, for benchmarks comparing
    /// the rules, `TANGENT_OUTPUT_PAGES=huge` (all 2 MiB, the old behaviour), `small` (4 KiB) or
    /// `lazy` (adaptive, but the 4 KiB rest faulted by the first writes, not populated).
    enum Policy: String {
        case adaptive, huge, small, lazy
    }

    static let policy: Policy = {
        guard let value = getenv("TANGENT_OUTPUT_PAGES") else { return .adaptive }
        return Policy(rawValue: String(cString: value)) ?? .adaptive
    }()

    /// Faults in `[base, base + bytes)` as huge pages while that is cheaper (see the type's
    /// doc); the memory must be writable, freshly allocated and not yet read: each 2 MiB step
    /// is touched by writing one zero byte. Splits the work over the cores.
    static func prepare(_ base: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= minimumBytes, policy != .small else { return }
        let start = UInt(bitPattern: base)
        let first = (start + UInt(huge - 1)) & ~UInt(huge - 1)
        let end = (start + UInt(bytes)) & ~UInt(huge - 1)
        guard end > first else { return }
        let chunks = Int((end - first) / UInt(huge))
        // Which blocks a fault gets depends on the core taking it (each has its own lists of
        // free pages), so the workers share one queue of chunks and each stops on its own
        // account: a core that meets reported memory leaves the rest to the others.
        // One madvise for the whole range (each call takes the address space's write lock);
        // what nobody got to is handed back to small pages at the end.
        guard let range = UnsafeMutableRawPointer(bitPattern: first),
            madvise(range, chunks * huge, Int32(MADV_HUGEPAGE)) == 0, policy != .huge
        else { return }
        // Right after another output gave up (the second kernel of a pair, allocated just
        // after the first), the free lists hold no recently freed blocks: go to 4 KiB pages
        // at once instead of paying a slow huge fault on every core first.
        let recentlyGaveUp = monotonicSeconds() - Double(lastGaveUp.load(ordering: .relaxed)) * 1e-9 < rememberSeconds
        var touched = 0
        if !recentlyGaveUp {
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: min(NetworkKernels.cores, chunks)) { _ in
                var regret = 0.0
                while regret <= slackSeconds {
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    guard let page = UnsafeMutableRawPointer(bitPattern: first + UInt(c * huge)) else { return }
                    let started = monotonicSeconds()
                    page.storeBytes(of: 0, as: UInt8.self)
                    regret += monotonicSeconds() - started - smallPagesSeconds
                }
            }
            touched = min(next.load(ordering: .relaxed), chunks)
        }
        if touched < chunks {
            _ = madvise(range + touched * huge, (chunks - touched) * huge, Int32(MADV_NOHUGEPAGE))
            if policy == .adaptive { populate(from: first + UInt(touched * huge), chunks: chunks - touched) }
            if !recentlyGaveUp { noteGaveUp() }
        }
    }

    /// When `prepare` last gave up on huge pages after trying them (monotonic nanoseconds).
    private static let lastGaveUp = Atomic<Int>(0)
    static func noteGaveUp() { lastGaveUp.store(Int(monotonicSeconds() * 1e9), ordering: .relaxed) }
    /// How long after giving up `prepare` does not try huge pages again. A kernel's second
    /// output is allocated within milliseconds of its first; the next computation, after the
    /// first has run for a while (and perhaps freed older outputs), tries again.
    static let rememberSeconds = 0.05

    /// `MADV_POPULATE_WRITE` (Linux 5.14): the kernel's own value, not in every libc's headers.
    private static let populateWrite: Int32 = 23

    /// Faults `chunks` × 2 MiB in as 4 KiB pages with `MADV_POPULATE_WRITE`, the cores
    /// sharing a queue of chunks: the same pages as first writes would take, without a trap
    /// per page (measured 0.16–0.18 s of CPU for 512 MB instead of 0.21–0.28 s). Where the
    /// kernel refuses (older than 5.14, or no memory to commit), the rest is left to ordinary
    /// faults.
    private static func populate(from start: UInt, chunks: Int) {
        let next = Atomic<Int>(0)
        let step = 2
        DispatchQueue.concurrentPerform(iterations: min(NetworkKernels.cores, chunks)) { _ in
            while true {
                let c = next.wrappingAdd(step, ordering: .relaxed).oldValue
                guard c < chunks else { return }
                let count = min(step, chunks - c)
                guard let page = UnsafeMutableRawPointer(bitPattern: start + UInt(c * huge)),
                    madvise(page, count * huge, populateWrite) == 0
                else { return }
            }
        }
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
}
