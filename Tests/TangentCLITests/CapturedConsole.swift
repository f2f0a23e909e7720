import Foundation

@testable import TangentCLI

/// Collects what a `Console` writes; safe to call from any thread.
final class CapturedConsole: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }

    var console: Console {
        Console(
            out: { s in self.lock.withLock { self.outText += s } },
            err: { s in self.lock.withLock { self.errText += s } })
    }

    /// Runs `Tangent.main` in process.
    static func run(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        let capture = CapturedConsole()
        let status = Tangent.main(arguments, console: capture.console)
        return (status, capture.out, capture.err)
    }
}
