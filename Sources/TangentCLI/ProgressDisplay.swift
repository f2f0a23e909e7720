import Foundation
import NTKCore
import Synchronization
import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// The status of long blocks on standard error, so a run that takes minutes shows what it is
/// doing: `[nb.md b3] 12.4 s step 3400/10000 loss 0.0123`. On a terminal it is one live line,
/// redrawn in place and erased (`\r\x1b[K`) when the block ends or anything else is printed
/// (everything printed goes through `console`); with `--progress` and no terminal, plain
/// lines at most once a second. Nothing of it is shown otherwise: files, pipes and CI logs
/// get only the outputs.
final class ProgressDisplay: Sendable {
    enum Mode: Sendable {
        /// One line redrawn in place (a terminal).
        case live
        /// Plain lines, at most one a second (`--progress` into a file or pipe).
        case lines
    }

    /// Blocks shown once they have run this long (seconds).
    static let after = 1.0
    /// How often the status is redrawn (seconds).
    static let tick = 0.25

    private struct Running {
        var label: String
        var started: DispatchTime
        var detail: String?
    }

    private struct State {
        var running: [Int: Running] = [:]
        var nextJob = 0
        var shown = false
        var lastLine: DispatchTime?
        var stopping = false
    }

    let mode: Mode
    private let inner: Console
    private let state = Mutex(State())
    private let stopped = DispatchSemaphore(value: 0)
    /// Signalled by `stop`, so the redrawing thread ends at once rather than at its next tick.
    private let wake = DispatchSemaphore(value: 0)

    init(mode: Mode, console: Console) {
        self.mode = mode
        self.inner = console
    }

    /// The display a session shows: live on a terminal (not for `--quiet`, a dumb terminal or
    /// CI), plain lines with `--progress` elsewhere, none otherwise.
    static func mode(progress: Bool, quiet: Bool, stderrIsTerminal: Bool, environment: [String: String]) -> Mode? {
        let terminal =
            stderrIsTerminal && environment["TERM"] != "dumb" && (environment["CI"] ?? "").isEmpty
        if terminal && (progress || !quiet) { return .live }
        return progress ? .lines : nil
    }

    /// A console that erases the status line before anything else is written.
    var console: Console {
        Console(
            out: { [self] text in
                state.withLock { s in
                    erase(&s)
                    inner.out(text)
                }
            },
            err: { [self] text in
                state.withLock { s in
                    erase(&s)
                    inner.err(text)
                }
            })
    }

    /// A key for one notebook's blocks (one runs at a time per notebook).
    func newJob() -> Int {
        state.withLock { s in
            s.nextJob += 1
            return s.nextJob
        }
    }

    /// The job's block `label` started running.
    func started(_ job: Int, label: String) {
        state.withLock { $0.running[job] = Running(label: label, started: .now()) }
    }

    /// What the job's running block last said of its progress.
    func detail(_ job: Int, _ text: String) {
        state.withLock { s in s.running[job]?.detail = text }
    }

    /// The job's block ended: its status goes at once.
    func ended(_ job: Int) {
        state.withLock { s in
            s.running[job] = nil
            erase(&s)
        }
    }

    /// Redraws the status every `tick` until `stop`.
    func start() {
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(Int(Self.tick * 1000)))
                let go = state.withLock { s in
                    if s.stopping { return false }
                    draw(&s)
                    return true
                }
                if !go { break }
            }
            stopped.signal()
        }
        thread.start()
    }

    /// Stops redrawing and erases the status line.
    func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
        stopped.wait()
        state.withLock { erase(&$0) }
    }

    /// The status text of the longest-running block shown, if any has run `after` seconds.
    /// A notebook's file name is the repository's to choose: control characters (an escape
    /// sequence that would drive the terminal) show as `?`.
    static func status(label: String, seconds: Double, detail: String?, others: Int) -> String {
        var text = String(format: "[%@] %.1f s", printable(label), seconds)
        if let detail { text += " " + printable(detail) }
        if others > 0 { text += " (+\(others) running)" }
        return text
    }

    static func printable(_ s: String) -> String { TerminalText.printable(s) }

    private func draw(_ s: inout State) {
        let now = DispatchTime.now()
        let long = s.running.values.filter { seconds(since: $0.started, now) >= Self.after }
        guard let first = long.min(by: { $0.started < $1.started }) else {
            erase(&s)
            return
        }
        let text = Self.status(
            label: first.label, seconds: seconds(since: first.started, now), detail: first.detail,
            others: long.count - 1)
        switch mode {
        case .live:
            inner.err("\r\u{1B}[K" + String(text.prefix(max(Self.columns() - 1, 10))))
            s.shown = true
        case .lines:
            if let last = s.lastLine, seconds(since: last, now) < 1 { return }
            inner.err(text + "\n")
            s.lastLine = now
        }
    }

    private func erase(_ s: inout State) {
        guard s.shown else { return }
        inner.err("\r\u{1B}[K")
        s.shown = false
    }

    private func seconds(since start: DispatchTime, _ now: DispatchTime) -> Double {
        Double(now.uptimeNanoseconds &- start.uptimeNanoseconds) / 1e9
    }

    /// The terminal's width (80 when it cannot be read).
    private static func columns() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}

/// How a progress event reads in the status line.
enum ProgressText {
    static func detail(_ event: ProgressReporter.Event) -> String {
        switch event {
        case .step(let done, let total, let loss): String(format: "step %d/%d loss %.4g", done, total, loss)
        case .tile(let done, let total): "tile \(done)/\(total)"
        case .pair(let done, let total): "pair \(done)/\(total)"
        }
    }
}
