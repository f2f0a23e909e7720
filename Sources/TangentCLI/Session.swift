import Foundation
import Language
import NTKCore
import Notebook
import Render
import Synchronization
import TangentSupport

/// One invocation of `run`, `update`, `check` or `render` over a list of notebooks: runs the
/// notebooks (`-j N` at a time, each a `NotebookJob`), prints what each printed in the order
/// they were named (the first in line as it goes), then renders the site, writes the reports and picks the exit code.
struct Session {
    let options: Options
    let console: Console

    /// Notebooks run at once: `-j N`, one per active core by default, never more than there are.
    static func jobs(requested: Int?, notebooks: Int) -> Int {
        max(1, min(requested ?? ProcessInfo.processInfo.activeProcessorCount, notebooks))
    }

    /// OpenBLAS threads while `jobs` notebooks run at once: an even share of the cores, at
    /// least one, never more than OpenBLAS had (so OPENBLAS_NUM_THREADS still caps it). The
    /// thread count is one setting for the whole process, so every notebook's BLAS calls get
    /// the same share; the session raises it as the last notebooks finish and fewer are left
    /// to share the cores.
    static func blasThreads(jobs: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount, current: Int) -> Int {
        max(1, min(current, cores / max(jobs, 1)))
    }

    func execute(_ files: [NotebookFiles.Found]) -> ExitCode {
        Leftovers.sweep(notebooks: files.map(\.url), site: options.verb == .render ? options.outDirectory : nil)
        let start = Date()
        let jobs = Session.jobs(requested: options.jobs, notebooks: files.count)
        let progress = ProgressDisplay.mode(
            progress: options.progress, quiet: options.quiet, stderrIsTerminal: isatty(2) == 1,
            environment: ProcessInfo.processInfo.environment
        ).map { ProgressDisplay(mode: $0, console: self.console) }
        progress?.start()
        // Everything printed erases the status line first.
        let (options, console) = (self.options, progress?.console ?? self.console)
        let transcripts = files.map { _ in Transcript() }
        let unlimited = BLASThreads.count
        let left = Countdown(files.count)
        // The notebook first in line streams; each one after it goes live when the ones
        // before it are printed whole.
        transcripts.first?.goLive(to: console)
        let outcomes = BLASThreads.limited(to: Session.blasThreads(jobs: jobs, current: unlimited)) { limit in
            OrderedWork.run(
                count: files.count, jobs: jobs,
                { i in
                    var job = NotebookJob(options: options, console: transcripts[i].console)
                    job.progress = progress
                    let outcome = job.process(files[i])
                    // Fewer notebooks than jobs left: the ones still running share the cores.
                    limit.change(to: Session.blasThreads(jobs: min(jobs, left.finishOne()), current: unlimited))
                    return outcome
                },
                deliver: { i, _ in
                    transcripts[i].goLive(to: console)
                    if i + 1 < transcripts.count { transcripts[i + 1].goLive(to: console) }
                })
        }

        progress?.stop()
        let results = outcomes.compactMap(\.result)
        let loadFailures = outcomes.compactMap(\.loadFailure)
        var inputError = outcomes.contains(where: \.inputError)
        let mismatches = outcomes.reduce(0) { $0 + $1.mismatches }
        if options.verb == .render { inputError = !render(results) || inputError }
        let code: ExitCode =
            inputError
            ? .usage
            : results.contains(where: \.failed)
                ? .blockFailed
                : mismatches > 0 ? .mismatch : .success
        console.out(TerminalReport.summary(results, seconds: Date().timeIntervalSince(start)) + "\n")
        return writeReports(results, loadFailures: loadFailures, code) ?? code
    }

    /// Writes the site (every notebook, failures shown on their pages). False when it could not.
    private func render(_ results: [NotebookResult]) -> Bool {
        guard let out = options.outDirectory else { return true }
        let url = URL(fileURLWithPath: out)
        let pagePaths = SiteBuilder.pagePaths(for: results.map(\.notebook.path))
        let entries = zip(results, pagePaths).map { SiteBuilder.Entry(result: $0, pagePath: $1) }
        do {
            let start = Date()
            let site = SiteBuilder(outputDirectory: url)
            site.unsafeHTML = options.unsafeHTML
            site.debug = options.debug
            let files = try site.build(entries)
            for w in site.warnings { console.err(w + "\n") }
            let index = url.appendingPathComponent("index.html").path
            console.out(
                String(
                    format: "site: %d files written in %.2f s; open %@\n", files.count, Date().timeIntervalSince(start),
                    index))
            return true
        } catch {
            console.err("error: cannot render the site into '\(out)': \(error)\n")
            return false
        }
    }

    /// Writes `--json` and `--junit`; returns `.usage` when one cannot be written.
    private func writeReports(
        _ results: [NotebookResult], loadFailures: [(path: String, diagnostic: Diagnostic?)],
        _ code: ExitCode
    ) -> ExitCode? {
        var failed: ExitCode?
        if let path = options.jsonPath {
            let json = Report.json(
                results, loadFailures: loadFailures, command: options.verb.rawValue, exitCode: code.rawValue)
            failed = write(json.serialized() + "\n", to: path, what: "JSON report") ?? failed
        }
        if let path = options.junitPath {
            failed =
                write(JUnitReport.xml(results, loadFailures: loadFailures), to: path, what: "JUnit report") ?? failed
        }
        return failed
    }

    private func write(_ text: String, to path: String, what: String) -> ExitCode? {
        do {
            try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: path))
            return nil
        } catch {
            console.err("error: cannot write the \(what) '\(path)': \(error)\n")
            return .usage
        }
    }
}

/// The notebooks of a session not finished yet.
private final class Countdown: Sendable {
    private let left: Mutex<Int>
    init(_ count: Int) { left = Mutex(count) }

    /// Counts one more finished; returns how many are left.
    func finishOne() -> Int {
        left.withLock {
            $0 -= 1
            return $0
        }
    }
}
