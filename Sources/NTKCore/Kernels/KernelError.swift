import Foundation
import TangentSupport

/// Why an analytic kernel could not be computed. Every case is caused by the caller's
/// data or network, so each message says what to change.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// X1 and X2 have different numbers of columns (features).
    case inputWidthMismatch(Int, Int)
    /// The inputs have rows but no columns, so x·x′/d is undefined.
    case zeroInputWidth
    /// An input holds NaN or ±infinity.
    case notFinite
    /// The kernel overflowed (an entry became infinite or NaN).
    case overflow
    /// The network description cannot be evaluated (the reason is in the string).
    case invalidNetwork(String)
    /// The result would not fit in the memory that is available right now.
    case tooLarge(neededBytes: Int, availableBytes: Int)
    /// The caller's time ran out (`Cancellation`) before the kernel was complete.
    case cancelled
    /// neural-tangents has no infinite-width kernel for this composition: `layer` names the
    /// layer, `rule` says what NT requires.
    case refused(layer: String, rule: String)

    public var description: String {
        switch self {
        case .inputWidthMismatch(let a, let b):
            return "inputs have different widths: X1 has \(a) columns but X2 has \(b)"
        case .zeroInputWidth:
            return "inputs have no columns; each row must have at least one feature"
        case .notFinite:
            return "inputs contain NaN or infinite values"
        case .overflow:
            return "the kernel overflowed to infinity or NaN; use smaller W_std/b_std or a shallower network"
        case .invalidNetwork(let why):
            return "invalid network: \(why)"
        case .refused(let layer, let rule):
            return "\(layer): \(rule)"
        case .tooLarge(let needed, let available):
            return
                "kernel needs \(ByteCount.formatted(needed)) but only \(ByteCount.formatted(available)) of memory is available"
                + "; use fewer inputs or compute it in blocks"
        case .cancelled:
            return "stopped: the time allowed ran out"
        }
    }
}
