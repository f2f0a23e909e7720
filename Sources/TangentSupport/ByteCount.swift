import Foundation

/// Sizes in messages, as people read them: `1.5 GiB`, `12.0 MiB`.
package enum ByteCount {
    /// `1.5 GiB` from 0.1 GiB up, `12.0 MiB` below; `more than 8 EiB` for `nil` (a size
    /// that overflowed 64 bits while it was computed).
    package static func formatted(_ bytes: Int?) -> String {
        guard let bytes else { return "more than 8 EiB" }
        let gib = Double(bytes) / 1_073_741_824
        if gib >= 0.1 {
            return String(format: "%.1f GiB", gib)
        }
        return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
