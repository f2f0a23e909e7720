import Foundation
import Language
import NTKCore
import Notebook
import Synchronization

#if canImport(Glibc)
import Glibc
import TangentSupport
#endif

/// The worker side of `KernelProcess`: `tangent __kernel` reads one request on standard
/// input, runs the notebook with the in-process `Runner`, and streams each block's start,
/// statements and result to standard output as `KernelProtocol` frames.
///
/// It stops on its own when its parent goes away (standard input reaches end of file: the
/// parent's end of the pipe closes however the parent died, even by SIGKILL), and on SIGTERM
/// (the parent's hard stop) it removes its temporary files before exiting, like `tangent`.
package enum KernelWorker {
    package static let verb = KernelProtocol.verb

    /// Runs the worker; returns its exit status.
    package static func main() -> Int32 {
        // Large buffers freed by a block are kept for its next ones (a loop of kernels).
        MemoryRetention.enable()
        // Frames go to a private copy of standard output; anything else that writes to
        // standard output (nothing should) lands on standard error instead.
        let frames = dup(1)
        guard frames >= 0 else { return 2 }
        _ = fcntl(frames, F_SETFD, FD_CLOEXEC)
        _ = dup2(2, 1)
        let channel = FrameChannel(fd: frames)
        guard let request = KernelProtocol.readRequest(from: 0) else {
            channel.send(.failure("the kernel worker did not receive a notebook"))
            return 2
        }
        watchParent()
        let notebook: Notebook
        do {
            notebook = try Notebook.parse(request.text, path: request.displayPath)
        } catch {
            channel.send(.failure("the kernel worker could not parse the notebook: \(error.message)"))
            return 2
        }
        var runner = Runner(
            notebookURL: URL(fileURLWithPath: request.notebookPath), defaultTimeout: request.timeout,
            useCache: request.useCache, allowOutside: request.allowOutside)
        runner.leavesBindingsToProcessExit = true
        let tracker = StatementTracker(channel: channel)
        runner.observer = RunObserver(
            blockStarted: { index, seed, timeout in
                tracker.start(block: index)
                channel.send(.blockStarted(index: index, seed: seed, timeout: timeout))
            },
            checkpoint: { tracker.reach($0, outputs: $1) },
            blockFinished: { index, result in channel.send(.blockFinished(index: index, .init(result))) })
        _ = BLASThreads.limited(to: request.blasThreads) { limit in
            blasLimit.withLock { state in
                state.limit = limit
                if let threads = state.pending { limit.change(to: threads) }
            }
            // NTKCore's loops say how far they are; the parent shows it on a terminal.
            let reporter = ProgressReporter { event in
                channel.send(.progress(index: tracker.block, detail: ProgressText.detail(event)))
            }
            return ProgressReporter.$current.withValue(reporter) { runner.run(notebook) }
        }
        channel.send(.done(peakMemoryBytes: MemoryBudget.peakResidentBytes() ?? 0))
        // Cache entries still being written are finished before the worker exits.
        CacheWriter.shared.finish()
        // Then the parent has everything: its pipes close now, so it goes on while this process
        // ends and the system frees the notebook's values (which `Runner` left allocated).
        finishing.store(true, ordering: .sequentiallyConsistent)
        channel.close()
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 {
            _ = dup2(null, 1)
            _ = dup2(null, 2)
        }
        return 0
    }

    /// Set once the results are all sent: the parent may close its end of the pipe from then
    /// on without that being a reason to stop.
    private static let finishing = Atomic<Bool>(false)

    /// The OpenBLAS limit the notebook runs under, which the parent changes (a change that
    /// arrives before the run starts waits in `pending`).
    private static let blasLimit = Mutex<(limit: BLASThreads.Limit?, pending: Int?)>((nil, nil))

    /// Applies the thread shares the parent sends on standard input, and ends the worker
    /// (removing its temporary files) once standard input is closed: the parent is gone, so
    /// nobody will read the results.
    private static func watchParent() {
        let thread = Thread {
            while let threads = KernelProtocol.readThreads(from: 0) {
                blasLimit.withLock { state in
                    if let limit = state.limit { limit.change(to: threads) } else { state.pending = threads }
                }
            }
            if finishing.load(ordering: .sequentiallyConsistent) { return }
            TemporaryFiles.removeAllAndExit(143)
        }
        thread.start()
    }
}

/// Frames written from any thread, one whole frame at a time.
private final class FrameChannel: Sendable {
    private let fd: Int32
    private let lock = Mutex(false)
    init(fd: Int32) { self.fd = fd }

    func send(_ message: KernelProtocol.Message) {
        let bytes = message.frame()
        lock.withLock { closed in if !closed { _ = KernelProtocol.writeAll(bytes, to: fd) } }
    }

    /// Closes the channel: the parent reads its end; later frames are dropped.
    func close() {
        lock.withLock { closed in
            if !closed { _ = Glibc.close(fd) }
            closed = true
        }
    }
}

/// Reports each statement a block starts, with the outputs shown since the last report. The
/// evaluator checks its deadline at every statement and before every call; a call lies
/// inside its statement, so a range outside the current statement's is the next statement
/// (frames per statement, not per call).
private final class StatementTracker: Sendable {
    private struct State {
        var block = -1
        var statement: SourceRange?
        var outputsSent = 0
    }
    private let channel: FrameChannel
    private let state = Mutex(State())
    init(channel: FrameChannel) { self.channel = channel }

    func start(block: Int) { state.withLock { $0 = State(block: block) } }

    /// The block running now.
    var block: Int { state.withLock { $0.block } }

    func reach(_ range: SourceRange, outputs: [DisplayItem]) {
        let report: (block: Int, from: Int)? = state.withLock { s in
            if let current = s.statement, current.start <= range.start, range.end <= current.end { return nil }
            s.statement = range
            // New outputs, and from the block's figure on: later plots draw into it.
            let figure = outputs.firstIndex { if case .figure = $0 { true } else { false } } ?? outputs.count
            let from = min(s.outputsSent, figure)
            s.outputsSent = outputs.count
            return (s.block, from)
        }
        guard let report else { return }
        if report.from < outputs.count {
            channel.send(.outputs(index: report.block, from: report.from, Array(outputs[report.from...])))
        }
        channel.send(.statement(index: report.block, range: range))
    }
}
