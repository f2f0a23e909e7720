import Foundation
import TangentSupport

/// Why a block was not restored from the cache: what `--explain` prints as "ran: …".
package enum CacheMiss: Equatable, Sendable {
    /// No entry for this block (never run with the cache, or cleared).
    case noEntry
    /// The entry was made for other code, seed, `expect` or Tangent version.
    case edited
    /// The entry is of a block that defines functions, made where the block used to be.
    case moved
    /// A binding the block reads has another value (or is bound or unbound since).
    case inputChanged(String)
    /// A file the block read or wrote is not as it was.
    case fileChanged(String)
    /// The block's values were not stored: running it was cheaper than loading them, or writing
    /// them would have cost more than the run may lose (`CacheCost`).
    case notStored(seconds: Double, bytes: Int, tooCostlyToWrite: Bool)
    /// The entry was evicted to keep the cache within its budget.
    case evicted
    /// The entry could not be used: damaged, not written on this machine, or of another format.
    case unusable

    /// The explanation, given the block that bound each name (`inputChanged`).
    package func explanation(boundBy block: (String) -> String?) -> String {
        switch self {
        case .noEntry: return "ran: no entry"
        case .edited: return "ran: edited"
        case .moved: return "ran: moved (it defines functions, whose errors point at its lines)"
        case .inputChanged(let name):
            return "ran: input '\(name)' changed" + (block(name).map { " (block \($0))" } ?? "")
        case .fileChanged(let path): return "ran: file '\(path)' changed"
        case .notStored(let seconds, let bytes, let tooCostlyToWrite):
            if !tooCostlyToWrite {
                return "ran: not stored last time (recomputing \(Self.seconds(seconds)) is cheaper than loading "
                    + "\(ByteCount.formatted(bytes)))"
            }
            return "ran: not stored last time (writing \(ByteCount.formatted(bytes)) would cost more than "
                + "\(Int((CacheCost.standard.allowedSlowdown * 100).rounded()))% of the block's "
                + "\(Self.seconds(seconds)))"
        case .evicted: return "ran: evicted"
        case .unusable: return "ran: no usable entry (damaged, or not written on this machine)"
        }
    }

    static func seconds(_ s: Double) -> String {
        s >= 0.1 ? String(format: "%.1f s", s) : String(format: "%.0f ms", (s * 1000).rounded(.up))
    }
}
