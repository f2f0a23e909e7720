import Dispatch
import Foundation

extension Process {
    /// Starts the process and returns a function that blocks until it has exited. Foundation's
    /// `waitUntilExit` on Linux polls its run loop every 50 ms, so it returned up to 50 ms after
    /// the child had ended: time added to every KaTeX call, and to every wall time a benchmark
    /// measured around a child process.
    package func runAndWaiter() throws -> () -> Void {
        let exited = DispatchSemaphore(value: 0)
        let previous = terminationHandler
        terminationHandler = { process in
            previous?(process)
            exited.signal()
        }
        try run()
        return { exited.wait() }
    }
}
