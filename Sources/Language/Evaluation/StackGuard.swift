#if canImport(Glibc)
import Glibc
#endif

/// Keeps deep evaluation (recursion 200 calls deep, each with expressions nested up to 200
/// levels) from running off the end of the thread's stack, whatever the thread: notebooks run
/// on the main thread, on `-j N` worker threads with smaller stacks, and under the fuzzer. Each
/// call compares the current stack position with the thread's stack bounds and fails with a
/// located error when less than a safety margin is left.
enum StackGuard {
    /// Room kept free below the current frame (a builtin and its BLAS call need some).
    static let margin: UInt = 192 * 1024

    /// The lowest address of the calling thread's stack, or nil when it cannot be known.
    static func lowerBound() -> UInt? {
        var attributes = pthread_attr_t()
        guard getThreadAttributes(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var address: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return nil }
        return UInt(bitPattern: address)
    }

    /// Throws when less than `margin` bytes of stack are left below the caller.
    static func check(_ context: EvaluationContext, at range: SourceRange) throws(Diagnostic) {
        guard let low = context.stackLowerBound else { return }
        var marker = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if here < low &+ margin {
            throw .error(
                "the computation is nested too deeply for the stack (deep recursion with deeply nested expressions)",
                at: range)
        }
    }
}

extension StackGuard {
    /// Below this much stack left, a function call continues on a fresh thread (`withRoom`).
    static let room: UInt = 4 << 20
    /// The stack of such a thread (address space only: pages are touched as they are used).
    static let hopStackSize = 64 << 20

    /// Runs `work` (a function call's body) here, or, when less than `room` is left on this
    /// thread's stack, on a new thread with a `hopStackSize` stack while this one waits. A call
    /// frame of the evaluator takes tens of KiB in a debug or sanitizer build, so 200 nested
    /// calls (docs/language.md#functions-and-scope) would not fit on an 8 MiB main thread or a
    /// worker; this way they fit wherever the notebook runs. Only one thread runs the block at
    /// any time. When no thread can be made, `work` runs here and `check` stops it before the
    /// stack's end.
    static func withRoom<T>(_ context: EvaluationContext, _ work: () throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        guard let low = context.stackLowerBound else { return try work() }
        var marker = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        guard here < low &+ room else { return try work() }
        return try withoutActuallyEscaping(work) { work throws(Diagnostic) -> T in
            let outcome = Outcome<T>()
            guard
                Hop(context: context, body: { outcome.result = Result { () throws(Diagnostic) -> T in try work() } })
                    .run()
            else { return try work() }
            return try outcome.result!.get()
        }
    }

    /// What the body run on another thread gave.
    private final class Outcome<T> {
        var result: Result<T, Diagnostic>?
    }

    /// A body run on a thread of its own while the caller waits for it (`pthread_join`).
    private final class Hop: @unchecked Sendable {
        let context: EvaluationContext
        let body: () -> Void

        init(context: EvaluationContext, body: @escaping () -> Void) {
            self.context = context
            self.body = body
        }

        /// Runs the body on a new thread and waits; false when no thread could be started.
        func run() -> Bool {
            var attributes = pthread_attr_t()
            guard pthread_attr_init(&attributes) == 0 else { return false }
            defer { pthread_attr_destroy(&attributes) }
            guard pthread_attr_setstacksize(&attributes, StackGuard.hopStackSize) == 0 else { return false }
            let unmanaged = Unmanaged.passRetained(self)
            var thread = pthread_t()
            let started = pthread_create(
                &thread, &attributes,
                { raw in
                    Unmanaged<Hop>.fromOpaque(raw!).takeRetainedValue().onThread()
                    return nil
                }, unmanaged.toOpaque())
            guard started == 0 else {
                unmanaged.release()
                return false
            }
            pthread_join(thread, nil)
            return true
        }

        private func onThread() {
            // The stack bounds the guard checks against are this thread's while it runs.
            let saved = context.stackLowerBound
            context.stackLowerBound = StackGuard.lowerBound()
            body()
            context.stackLowerBound = saved
        }
    }
}

/// glibc's `pthread_getattr_np` (a GNU extension the Glibc module does not import): the
/// attributes of a running thread, including its stack's address and size.
@_silgen_name("pthread_getattr_np")
private func getThreadAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32
