import Foundation
import Language
import NTKCore
import Notebook
import Render
import Synchronization
import TangentSupport

/// One notebook's share of a `run`, `update`, `check` or `render`: load it, run it, and do the
/// verb's work on it (print, write back, compare). Jobs for different notebooks share nothing
/// but the block cache, whose entries are per block and written atomically, so `-j N` runs
/// them side by side.
struct NotebookJob {
    let options: Options
    /// Where this notebook prints (a transcript, replayed in order by the session).
    let console: Console
    /// Where long blocks show their status, when the session shows it.
    var progress: ProgressDisplay? = nil

    /// What the session needs back from one notebook.
    struct Outcome: Sendable {
        var result: NotebookResult?
        /// Set when the notebook could not be read or parsed (then `result` is nil).
        var loadFailure: (path: String, diagnostic: Diagnostic?)?
        /// A file could not be read, parsed or written: exit status 2.
        var inputError = false
        var mismatches = 0
    }

    func process(_ file: NotebookFiles.Found) -> Outcome {
        switch NotebookLoader.loadWithSnapshot(file, console: console) {
        case .success(let loaded): return process(loaded.notebook, url: file.url, snapshot: loaded.snapshot)
        case .failure(let failure): return Outcome(loadFailure: (file.display, failure.diagnostic), inputError: true)
        }
    }

    private func process(_ notebook: Notebook, url: URL, snapshot: NotebookSnapshot) -> Outcome {
        // In a worker process that a block timeout can kill (see KernelProcess); in this
        // process when workers are off or none could be started.
        // Each block's output, then its error, as soon as it ends.
        let stream = BlockStream(notebook, console: console, showOutputs: options.verb == .run && !options.quiet)
        stream.start()
        let events = self.events(notebook, stream: stream)
        let worker =
            KernelProcess.isEnabled
            ? KernelProcess(notebook: notebook, url: url, options: options).run(notebook, events: events) : nil
        var result = worker ?? inProcess(notebook, url: url, events: events)
        stream.finish(result)
        if options.explain {
            console.out(CacheExplanation.text(result, checkWithoutCache: options.verb == .check && !options.cached))
        }
        var outcome = Outcome()
        switch options.verb {
        case .update: outcome.inputError = !update(result, url: url, snapshot: snapshot)
        case .check: (outcome.inputError, outcome.mismatches) = check(&result)
        default: break
        }
        outcome.result = result
        return outcome
    }

    /// Blocks print as they end; their status shows while they run.
    private func events(_ notebook: Notebook, stream: BlockStream) -> BlockEvents {
        guard let progress else { return BlockEvents(finished: stream.finished) }
        let job = progress.newJob()
        let name = (notebook.path as NSString).lastPathComponent
        let cells = notebook.cells
        return BlockEvents(
            started: { index in
                guard cells.indices.contains(index) else { return }
                progress.started(job, label: "\(name) \(cells[index].id)")
            },
            progress: { _, detail in progress.detail(job, detail) },
            finished: { index, result in
                progress.ended(job)
                stream.finished(index, result)
            })
    }

    /// Runs the notebook in this process (workers off, or none could be started).
    private func inProcess(_ notebook: Notebook, url: URL, events: BlockEvents) -> NotebookResult {
        var runner = Runner(
            notebookURL: url, defaultTimeout: options.timeout, useCache: options.usesCache,
            allowOutside: options.allowOutside)
        let running = Mutex(0)
        runner.observer = RunObserver(
            blockStarted: { index, _, _ in
                running.withLock { $0 = index }
                events.started(index)
            }, checkpoint: { _, _ in }, blockFinished: events.finished)
        var result: NotebookResult
        if progress != nil {
            let reporter = ProgressReporter { event in
                events.progress(running.withLock { $0 }, ProgressText.detail(event))
            }
            result = ProgressReporter.$current.withValue(reporter) { runner.run(notebook) }
        } else {
            result = runner.run(notebook)
        }
        result.peakMemoryBytes = MemoryBudget.peakResidentBytes()
        return result
    }

    /// Writes the outputs of the blocks that ran into the notebook, atomically. False when it
    /// could not, or when the notebook was saved by someone else while it ran (then nothing is
    /// written: their edit wins, and update is run again).
    private func update(_ result: NotebookResult, url: URL, snapshot: NotebookSnapshot) -> Bool {
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for b in result.blocks {
            switch b.status {
            case .ran, .cached:
                updates[b.cell.id] = .write(b.outputs, expectedError: b.failedAsExpected ? b.error : nil)
            default: updates[b.cell.id] = .keep
            }
        }
        let notebook = result.notebook
        do {
            let (url, via) = try writeTarget(of: url)
            guard snapshot.isCurrent(at: url.path) else { throw UpdateRefusal(NotebookJob.changedWhileRunning) }
            let folder = MarkdownWriter.FigureFolder.beside(url.lastPathComponent)
            let (text, figures) = try MarkdownWriter.update(notebook, updates, force: options.force, figures: folder)
            // Figures first: the notebook never links to a file that is not there yet.
            let base = try figuresBase(url)
            for (path, svg) in figures.sorted(by: { $0.key < $1.key }) {
                try writeFigure(Data(svg.utf8), to: path, in: base)
            }
            // Figures of regions kept as they were (a failed or skipped block) stay too.
            let linked = Set(figures.keys).union(MarkdownWriter.keptFigures(notebook, updates, figures: folder))
            removeStaleFigures(
                in: folder.link, of: base, keeping: Set(linked.map { ($0 as NSString).lastPathComponent }))
            if text == notebook.text {
                if !options.quiet { console.out("unchanged \(notebook.path)\(via)\n") }
                return true
            }
            // Checked again right before the rename: figures took time, and an editor may have
            // saved in between.
            guard snapshot.isCurrent(at: url.path) else { throw UpdateRefusal(NotebookJob.changedWhileRunning) }
            try writeAtomically(Data(text.utf8), to: url)
            if !options.quiet { console.out("updated \(notebook.path)\(via)\n") }
            return true
        } catch let d as Diagnostic {
            console.err(d.formatted(file: notebook.path, lineText: notebook.line) + "\n")
        } catch let refusal as UpdateRefusal {
            console.err("\(notebook.path): error: \(refusal.message)\n")
        } catch {
            console.err("\(notebook.path): error: cannot write the notebook: \(error)\n")
        }
        return false
    }

    static let changedWhileRunning = "the notebook changed while it ran; run update again"

    struct UpdateRefusal: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The file `update` writes: the notebook itself, or, when it is a symbolic link, the file
    /// the link leads to (said in the output, never silently), which must lie inside the
    /// project root unless `--allow-outside` is given.
    private func writeTarget(of url: URL) throws(UpdateRefusal) -> (URL, String) {
        guard RealPath.isSymbolicLink(url.path) else { return (url, "") }
        let real = RealPath.resolve(url.path)
        let root = ProjectRoot.fileRoot(for: url)
        if !options.allowOutside && !RealPath.isInside(real, root: root.path) {
            throw UpdateRefusal(
                "the notebook is a symbolic link to \(real), outside the project root "
                    + "\(RealPath.resolve(root.path)); refusing to write there (pass --allow-outside)")
        }
        return (URL(fileURLWithPath: real), " (through the symbolic link, into \(real))")
    }

    /// The notebook's folder, opened once: figures are written and removed only by walking
    /// from it with no symbolic link followed (ConfinedFolder), so a link planted at the figures
    /// folder or a figure's name, or swapped in while Tangent writes, never sends a write out.
    private func figuresBase(_ notebook: URL) throws(UpdateRefusal) -> ConfinedFolder {
        do {
            return try ConfinedFolder(notebook.deletingLastPathComponent(), create: false)
        } catch {
            throw UpdateRefusal("cannot write figures: \(error.message)")
        }
    }

    /// Writes one figure (`NAME.figures/x.svg`) as a plain file in a plain folder, unless it
    /// already holds these bytes.
    private func writeFigure(_ data: Data, to path: String, in base: ConfinedFolder) throws(UpdateRefusal) {
        let shown = base.path + "/" + path
        do {
            if base.read(path, folderLinks: .refuse) == data { return }
            try base.write(data, to: path, finalLink: .refuse, folderLinks: .refuse)
        } catch {
            throw UpdateRefusal(
                "cannot write the figure '\(shown)': \(error.message); "
                    + "Tangent writes figures only as plain files in plain folders")
        }
    }

    /// Removes figure files Tangent wrote for blocks that no longer draw them (only `*.svg`
    /// plain files in the notebook's own figures folder, never through a link), and the folder
    /// when it is left empty.
    private func removeStaleFigures(in folder: String, of base: ConfinedFolder, keeping: Set<String>) {
        guard let names = base.contents(of: folder) else { return }  // nil for a link
        for name in names where name.hasSuffix(".svg") && !keeping.contains(name) {
            base.removeFile(folder + "/" + name)
        }
        base.removeFolderIfEmpty(folder)
    }

    /// Compares with the stored outputs; prints each difference as `FILE:LINE:COL: mismatch:`.
    /// Returns whether the stored outputs could not be read, and the number of differences.
    private func check(_ result: inout NotebookResult) -> (inputError: Bool, mismatches: Int) {
        let notebook = result.notebook
        do {
            var differences = try Check.compare(&result)
            // The visible text must say what the data line says: a reader sees only the former.
            let figures = MarkdownWriter.FigureFolder.beside((notebook.path as NSString).lastPathComponent)
            for problem in try RegionConsistency.problems(in: notebook, figures: figures)
            where !differences.contains(where: { $0.range.start.line == problem.range.start.line }) {
                differences.append(problem)
                // The region follows its block: the last block opening above it.
                if let j = result.blocks.lastIndex(where: { $0.cell.fenceLine <= problem.range.start.line }),
                    [.ran, .cached].contains(result.blocks[j].status)
                {
                    result.blocks[j].status = .mismatch
                    result.blocks[j].mismatch = problem
                }
            }
            differences.sort { $0.range.start.line < $1.range.start.line }
            for d in differences {
                console.err(d.formatted(file: notebook.path, lineText: notebook.line) + "\n")
                if let i = result.blocks.firstIndex(where: {
                    $0.cell.codeLine <= d.range.start.line && d.range.start.line <= $0.cell.endLine
                }),
                    result.blocks[i].status == .mismatch
                {
                    result.blocks[i].mismatch = d
                }
            }
            return (false, differences.count)
        } catch {
            console.err(error.formatted(file: notebook.path, lineText: notebook.line) + "\n")
            return (true, 0)
        }
    }
}
