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
            throw .error("the computation is nested too deeply for the stack (deep recursion with deeply nested expressions)",
                         at: range)
        }
    }
}

/// glibc's `pthread_getattr_np` (a GNU extension the Glibc module does not import): the
/// attributes of a running thread, including its stack's address and size.
@_silgen_name("pthread_getattr_np")
private func getThreadAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32
