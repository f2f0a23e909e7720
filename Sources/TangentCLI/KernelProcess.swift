import Foundation
import Language
import NTKCore
import Notebook
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs one notebook's blocks in a worker process (`tangent __kernel`, see `KernelWorker`)
/// that `tangent` can kill, the way Jupyter runs a kernel, so that a block timeout holds even
/// inside one call that never returns to the evaluator (a LAPACK `solve`, a big `@`).
///
/// The worker applies the timeouts itself, cooperatively (between statements, around calls,
/// inside NTKCore's loops), and streams each block's start, statements and result back. The
/// parent watches the same clock: when a block overruns its timeout by `grace`, it stops
/// the worker (SIGTERM, which removes the worker's temporary files; SIGKILL a second later if
/// it is still there), reports that block failed with the located `block timed out after
/// N s` at the statement that was running, and the blocks after it skipped, since the
/// bindings they would read died with the worker (Jupyter's behaviour for a killed kernel).
package final class KernelProcess {
    /// How long a block may overrun its timeout before the worker is stopped.
    static let grace: Double = 1
    /// How long a worker has to exit after SIGTERM before it gets SIGKILL.
    static let termWait: Double = 1

    private static let executable = Mutex<String?>(nil)
    /// Live workers and the folders their temporary files can be in (for the fallback
    /// cleanup), and whether `tangent` is stopping on a signal (then nothing is reaped or
    /// started any more: the job threads wait for the exit instead of reporting the workers'
    /// deaths as failures).
    private static let live = Mutex<(workers: [pid_t: [URL]], stopping: Bool)>(([:], false))
    /// Held while pipes are made and a worker is spawned: pipes are made close-on-exec and
    /// no other worker may be spawned (and inherit them) before that is set.
    private static let spawnLock = Mutex(())

    /// Makes notebooks run in worker processes of this executable (called by `tangent`'s main;
    /// library users and tests that call `Tangent.main` in-process keep running in-process).
    /// `TANGENT_IN_PROCESS=1` turns it off.
    package static func enable(executable path: String = "/proc/self/exe") {
        if ProcessInfo.processInfo.environment[KernelProtocol.inProcessVariable] == "1" { return }
        executable.withLock { $0 = path }
    }

    package static var isEnabled: Bool { executable.withLock { $0 != nil } }

    /// This process's environment for a worker (its entries as they are, byte for byte), plus
    /// `OPENBLAS_THREAD_TIMEOUT=4` unless the user set it. OpenBLAS reads it as it loads: its
    /// idle threads then sleep at once instead of spinning on `sched_yield` for about 0.1 s
    /// after start-up and after every threaded call, taking CPU from the worker's own kernel
    /// threads (docs/benchmarks.md#openblas-idle-threads). Each entry is `strdup`ed: free them.
    static func workerEnvironment() -> [UnsafeMutablePointer<CChar>?] {
        var entries = [UnsafeMutablePointer<CChar>?]()
        var hasTimeout = false
        var next = environ
        while let entry = next.pointee {
            if strncmp(entry, blasTimeoutVariable + "=", blasTimeoutVariable.utf8.count + 1) == 0 { hasTimeout = true }
            entries.append(strdup(entry))
            next += 1
        }
        if !hasTimeout { entries.append(strdup(blasTimeoutVariable + "=4")) }
        return entries
    }

    static let blasTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT"

    let request: KernelProtocol.Request
    let cleanupRoots: [URL]

    init(notebook: Notebook, url: URL, options: Options) {
        request = KernelProtocol.Request(
            notebookPath: url.path, displayPath: notebook.path, text: notebook.text,
            timeout: options.timeout, useCache: options.usesCache,
            allowOutside: options.allowOutside, blasThreads: BLASThreads.count)
        var roots = [ProjectRoot.find(for: url), url.deletingLastPathComponent()]
        if !options.allowOutside { roots.append(ProjectRoot.fileRoot(for: url)) }
        cleanupRoots = roots
    }

    /// Runs the notebook in a worker; nil when no worker could be started. `events` hears of
    /// each block's start, progress and end as the worker reports them.
    func run(_ notebook: Notebook, events: BlockEvents = BlockEvents()) -> NotebookResult? {
        let start = DispatchTime.now()
        guard let exe = Self.executable.withLock({ $0 }), let worker = Self.spawn(exe, roots: cleanupRoots) else {
            return nil
        }
        let progress = WorkerProgress()
        let reader = Thread {
            while let message = KernelProtocol.readMessage(from: worker.output) {
                progress.receive(message)
                switch message {
                case .blockStarted(let index, _, _): events.started(index)
                case .progress(let index, let detail): events.progress(index, detail)
                case .blockFinished(let index, let block) where notebook.cells.indices.contains(index):
                    events.finished(index, block.result(for: notebook.cells[index]))
                default: break
                }
            }
            progress.end()
        }
        reader.start()
        let errors = Thread { progress.collectErrors(from: worker.errors) }
        errors.start()
        KernelProtocol.writeAll(KernelProtocol.requestFrame(request), to: worker.input)

        // The OpenBLAS share is one setting per process: pass on the session's changes.
        var threads = request.blasThreads
        let overrun = progress.waitForEndOrOverrun(grace: Self.grace) {
            let now = BLASThreads.count
            if now != threads {
                threads = now
                KernelProtocol.writeAll(KernelProtocol.threadsFrame(now), to: worker.input)
            }
        }
        // Overran, or its output ended before it said it was done (it died, or a frame was
        // damaged and it may be blocked writing the next one): make sure it is gone.
        if overrun != nil || !progress.isDone { Self.stop(worker.pid, roots: cleanupRoots) }
        let status: Int32
        if overrun == nil && progress.isDone {
            // Every result arrived and the worker closed its pipes: it is only ending now, the
            // system freeing the notebook's values (33 ms for a 512 MB kernel), so it is reaped
            // in the background while the results go on.
            let pid = worker.pid
            Thread { _ = Self.reap(pid) }.start()
            status = 0
        } else {
            status = Self.reap(worker.pid)
        }
        // A worker stopped by SIGINT or SIGTERM that was not ours: Ctrl-C reaches the whole
        // process group, and this process's own handler is about to end it with 130; give it
        // the time to, rather than report the worker's death as the block's failure.
        if overrun == nil && Self.endedBySignal(status) { sleep(2) }
        progress.waitForEnd()
        _ = close(worker.input)
        _ = close(worker.output)
        let tail = progress.waitForErrors()
        _ = close(worker.errors)
        let seed = { (cell: CodeCell) in
            cell.attributes.seed ?? Seeds.blockSeed(notebookSeed: notebook.frontMatter.seed, blockID: cell.id)
        }
        return progress.result(
            for: notebook, overrun: overrun, exitStatus: status, errorTail: tail, seed: seed,
            seconds: elapsed(since: start))
    }

    // MARK: - Processes

    struct Worker {
        var pid: pid_t
        var input: Int32
        var output: Int32
        var errors: Int32
    }

    /// Starts `exe __kernel` with pipes for its standard input, output and error.
    private static func spawn(_ exe: String, roots: [URL]) -> Worker? {
        spawnLock.withLock { _ -> Worker? in
            var fds: [Int32] = []
            for _ in 0..<3 {
                var p: [Int32] = [-1, -1]
                guard pipe(&p) == 0 else {
                    for fd in fds {
                        _ = close(fd)
                    }
                    return nil
                }
                for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                fds += p
            }
            // fds: [in.read, in.write, out.read, out.write, err.read, err.write]
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fds[3], 1)
            posix_spawn_file_actions_adddup2(&actions, fds[5], 2)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var mask = sigset_t()
            sigemptyset(&mask)
            posix_spawnattr_setsigmask(&attributes, &mask)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup(exe), strdup(KernelProtocol.verb), nil]
            defer {
                for arg in argv {
                    free(arg)
                }
            }
            let environment = workerEnvironment() + [nil]
            defer {
                for variable in environment {
                    free(variable)
                }
            }
            var pid: pid_t = 0
            // Spawned and listed in one step, so that `stopAll` cannot miss it.
            let result = live.withLock { state -> Int32? in
                if state.stopping { return nil }
                let result = posix_spawn(&pid, exe, &actions, &attributes, argv, environment)
                if result == 0 { state.workers[pid] = roots }
                return result
            }
            guard let result else { parkUntilExit() }
            for i in [0, 3, 5] { _ = close(fds[i]) }
            guard result == 0 else {
                for i in [1, 2, 4] { _ = close(fds[i]) }
                return nil
            }
            return Worker(pid: pid, input: fds[1], output: fds[2], errors: fds[4])
        }
    }

    /// Whether a wait status is that of SIGINT or SIGTERM (taken, or handled with exit 130/143).
    private static func endedBySignal(_ status: Int32) -> Bool {
        let signal = status & 0x7f
        let code = (status >> 8) & 0xff
        return signal == 0 ? code == 128 + SIGINT || code == 128 + SIGTERM : signal == SIGINT || signal == SIGTERM
    }

    /// True once the process has exited (without reaping it).
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let r = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return r != 0 || info._sifields._sigchld.si_pid == pid
    }

    /// Stops a worker: SIGTERM (it removes its temporary files and exits), then SIGKILL if
    /// it is still there after `termWait`, then the removal of any temporary file it left.
    private static func stop(_ pid: pid_t, roots: [URL]) {
        live.withLock { _ in _ = kill(pid, SIGTERM) }
        if waitForExit(pid, seconds: termWait) { return }
        live.withLock { _ in _ = kill(pid, SIGKILL) }
        _ = waitForExit(pid, seconds: 60)
        removeTemporaryFiles(of: pid, under: roots)
    }

    private static func waitForExit(_ pid: pid_t, seconds: Double) -> Bool {
        let end = DispatchTime.now() + .milliseconds(Int(seconds * 1000))
        while DispatchTime.now() < end {
            if hasExited(pid) { return true }
            usleep(5_000)
        }
        return hasExited(pid)
    }

    /// Waits for the worker to exit and reaps it; returns its wait status. The worker leaves
    /// the list of live workers in the same step, so `stopAll` never signals a reused pid.
    private static func reap(_ pid: pid_t) -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let status = live.withLock { state -> Int32? in
            if state.stopping { return nil }
            state.workers[pid] = nil
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return status
        }
        guard let status else { parkUntilExit() }
        return status
    }

    /// Waits for the interruption handler to end the process.
    private static func parkUntilExit() -> Never {
        while true { sleep(60) }
    }

    /// Stops every live worker and removes their temporary files (SIGINT/SIGTERM of
    /// `tangent`, just before it exits). Keeps the list locked: no worker is reaped or
    /// started from here on.
    static func stopAll() {
        live.withLock { state in
            state.stopping = true
            let workers = state.workers
            for pid in workers.keys { _ = kill(pid, SIGTERM) }
            let end = DispatchTime.now() + .milliseconds(Int(termWait * 1000))
            while DispatchTime.now() < end, !workers.keys.allSatisfy(hasExited) { usleep(5_000) }
            for (pid, roots) in workers where !hasExited(pid) {
                _ = kill(pid, SIGKILL)
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
                removeTemporaryFiles(of: pid, under: roots)
            }
        }
    }

    /// Removes the temporary files a killed worker left: `writeAtomically` names them
    /// `.<name>.<pid>.<tag>.tmp` beside their destination, which lies under the project root.
    static func removeTemporaryFiles(of pid: pid_t, under roots: [URL]) {
        let fm = FileManager.default
        var seen: Set<String> = []
        for root in roots where seen.insert(root.standardizedFileURL.path).inserted {
            guard let walk = fm.enumerator(at: root, includingPropertiesForKeys: [.isSymbolicLinkKey], options: [])
            else { continue }
            for case let url as URL in walk {
                let name = url.lastPathComponent
                if name == ".git" || name == ".build" {
                    walk.skipDescendants()
                    continue
                }
                if isTemporaryFile(name, of: pid) { _ = unlink(url.path) }
            }
        }
    }

    static func isTemporaryFile(_ name: String, of pid: pid_t) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return name.hasPrefix(".") && parts.count >= 5 && parts.last == "tmp" && parts[parts.count - 3] == "\(pid)"
    }
}

/// What the parent knows of a running worker, filled in by its reader thread.
private final class WorkerProgress: @unchecked Sendable {
    struct Running {
        var index: Int
        var seed: UInt64
        var timeout: Double
        var started: DispatchTime
        var statement: SourceRange?
        var outputs: [DisplayItem] = []
    }

    private let condition = NSCondition()
    private var finished: [Int: KernelProtocol.FinishedBlock] = [:]
    private var running: Running?
    private var done = false
    private var peakMemoryBytes: Int?
    private var ended = false
    private var failure: String?
    private var errorText: [UInt8] = []
    private var errorsEnded = false

    func receive(_ message: KernelProtocol.Message) {
        condition.lock()
        defer {
            condition.signal()
            condition.unlock()
        }
        switch message {
        case .blockStarted(let index, let seed, let timeout):
            running = Running(index: index, seed: seed, timeout: timeout, started: .now(), statement: nil)
        case .statement(let index, let range):
            if running?.index == index { running?.statement = range }
        case .outputs(let index, let from, let items):
            if running?.index == index, let count = running?.outputs.count, from <= count {
                running?.outputs.replaceSubrange(from..., with: items)
            }
        case .blockFinished(let index, let block):
            finished[index] = block
            if running?.index == index { running = nil }
        case .done(let peak):
            done = true
            peakMemoryBytes = peak > 0 ? peak : nil
        case .failure(let message): failure = message
        case .progress: break
        }
    }

    var isDone: Bool {
        condition.lock()
        defer { condition.unlock() }
        return done
    }

    func end() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Keeps the last 4 KiB the worker wrote to standard error (shown if it dies unexpectedly).
    func collectErrors(from fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            condition.lock()
            errorText += buffer[0..<n]
            if errorText.count > 4096 { errorText.removeFirst(errorText.count - 4096) }
            condition.unlock()
        }
        condition.lock()
        errorsEnded = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the worker's output ends, or a block runs `grace` seconds past its
    /// timeout: then returns that block. Calls `tick` about every quarter of a second.
    func waitForEndOrOverrun(grace: Double, tick: () -> Void) -> Running? {
        condition.lock()
        defer { condition.unlock() }
        while !ended {
            var left = 0.25
            if let r = running {
                let over = r.timeout + grace - elapsed(since: r.started)
                if over <= 0 { return r }
                left = min(left, over)
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: left))
            condition.unlock()
            tick()
            condition.lock()
        }
        return nil
    }

    func waitForEnd() {
        condition.lock()
        while !ended { condition.wait() }
        condition.unlock()
    }

    func waitForErrors() -> String {
        condition.lock()
        defer { condition.unlock() }
        while !errorsEnded { condition.wait() }
        return String(decoding: errorText, as: UTF8.self)
    }

    /// The notebook's result from what the worker reported and how it ended.
    func result(
        for notebook: Notebook, overrun: Running?, exitStatus: Int32, errorTail: String,
        seed: (CodeCell) -> UInt64, seconds: Double
    ) -> NotebookResult {
        condition.lock()
        defer { condition.unlock() }
        var blocks: [BlockResult] = []
        var stopped: String?
        for (index, cell) in notebook.cells.enumerated() {
            if let block = finished[index] {
                blocks.append(block.result(for: cell))
                continue
            }
            if let note = stopped {
                blocks.append(
                    BlockResult(
                        cell: cell, status: .skipped, seconds: 0, seed: seed(cell), outputs: [], error: nil, note: note)
                )
                continue
            }
            // What the reader saw last (the frames sent before the kill included).
            let r = running?.index == index ? running : overrun?.index == index ? overrun : nil
            let at = r?.statement ?? SourceRange(at: SourceLocation(line: cell.codeLine, column: 1))
            var block = BlockResult(
                cell: cell, status: .failed, seconds: r.map { elapsed(since: $0.started) } ?? 0,
                seed: seed(cell), outputs: r?.outputs ?? [], error: nil, note: nil)
            if let overrun, overrun.index == index {
                block.error = Deadline.timeoutError(seconds: overrun.timeout, at: at)
                // `expect=error` accepts a timeout, as it does in-process.
                if cell.attributes.expectError { block.status = .ran }
                stopped =
                    "not run: block '\(cell.id)' (line \(cell.fenceLine)) timed out inside a call that could not be interrupted, "
                    + "so its kernel process was stopped and the notebook's bindings went with it"
            } else {
                block.error = .error(
                    "the kernel process running this block stopped unexpectedly (\(Self.describe(exitStatus)))"
                        + Self.lastLine(of: failure ?? errorTail), at: at)
                stopped =
                    "not run: the kernel process stopped unexpectedly in block '\(cell.id)' (line \(cell.fenceLine))"
            }
            blocks.append(block)
        }
        var result = NotebookResult(notebook: notebook, blocks: blocks, seconds: seconds)
        result.peakMemoryBytes = peakMemoryBytes
        return result
    }

    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "killed by signal \(signal)\(signal == SIGKILL ? ", perhaps by the out-of-memory killer" : "")"
    }

    private static func lastLine(of text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        return lines.last.map { ": \($0)" } ?? ""
    }
}

private func elapsed(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
