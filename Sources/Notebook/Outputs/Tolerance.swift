/// `check`'s notion of "the same number": |new − stored| ≤ atol + rtol·|stored|
/// (numpy.isclose), with NaN equal to NaN and infinities equal only to themselves.
package struct Tolerance: Equatable, Sendable {
    package var rtol: Double
    package var atol: Double

    /// The defaults when neither the block nor the front matter sets them.
    package static let standard = Tolerance(rtol: 1e-7, atol: 1e-12)

    package init(rtol: Double, atol: Double) {
        self.rtol = rtol
        self.atol = atol
    }

    package func accepts(_ new: Double, stored: Double) -> Bool {
        if new.isNaN || stored.isNaN { return new.isNaN && stored.isNaN }
        if new.isInfinite || stored.isInfinite { return new == stored }
        return abs(new - stored) <= atol + rtol * abs(stored)
    }

    package var description: String { "rtol \(rtol), atol \(atol)" }
}
