import Foundation
import Language
import Notebook
import NTKCore
import Render

/// One notebook's share of a `run`, `update`, `check` or `render`: load it, run it, and do the
/// verb's work on it (print, write back, compare). Jobs for different notebooks share nothing
/// but the block cache, whose entries are per block and written atomically, so `-j N` runs
/// them side by side.
struct NotebookJob {
    let options: Options
    /// Where this notebook prints (a transcript, replayed in order by the session).
    let console: Console

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
        switch NotebookLoader.load(file, console: console) {
        case .success(let notebook): return process(notebook, url: file.url)
        case .failure(let failure): return Outcome(loadFailure: (file.display, failure.diagnostic), inputError: true)
        }
    }

    private func process(_ notebook: Notebook, url: URL) -> Outcome {
        // In a worker process that a block timeout can kill (see KernelProcess); in this
        // process when workers are off or none could be started.
        let worker = KernelProcess.isEnabled ? KernelProcess(notebook: notebook, url: url, options: options).run(notebook) : nil
        var result = worker ?? Runner(notebookURL: url, defaultTimeout: options.timeout, useCache: options.usesCache,
                                      allowOutside: options.allowOutside).run(notebook)
        if options.verb == .run && !options.quiet { console.out(TerminalReport.outputs(result)) }
        let errors = TerminalReport.errors(result)
        if !errors.isEmpty { console.err(errors) }
        var outcome = Outcome()
        switch options.verb {
        case .update: outcome.inputError = !update(result, url: url)
        case .check: (outcome.inputError, outcome.mismatches) = check(&result)
        default: break
        }
        outcome.result = result
        return outcome
    }

    /// Writes the outputs of the blocks that ran into the notebook, atomically. False when it
    /// could not.
    private func update(_ result: NotebookResult, url: URL) -> Bool {
        var updates: [String: MarkdownWriter.RegionUpdate] = [:]
        for b in result.blocks {
            switch b.status {
            case .ran, .cached: updates[b.cell.id] = .write(b.outputs, expectedError: b.failedAsExpected ? b.error : nil)
            default: updates[b.cell.id] = .keep
            }
        }
        let notebook = result.notebook
        do {
            let (url, via) = try writeTarget(of: url)
            let folder = MarkdownWriter.FigureFolder.beside(url.lastPathComponent)
            let (text, figures) = try MarkdownWriter.update(notebook, updates, force: options.force, figures: folder)
            let base = url.deletingLastPathComponent()
            // Figures first: the notebook never links to a file that is not there yet.
            for (path, svg) in figures.sorted(by: { $0.key < $1.key }) {
                let target = base.appendingPathComponent(path)
                for p in [target.deletingLastPathComponent().path, target.path] where RealPath.isSymbolicLink(p) {
                    throw UpdateRefusal("'\(p)' is a symbolic link; Tangent writes figures only as plain files in plain folders (remove the link)")
                }
                if FileManager.default.contents(atPath: target.path) != Data(svg.utf8) {
                    try writeAtomically(Data(svg.utf8), to: target)
                }
            }
            removeStaleFigures(in: base.appendingPathComponent(folder.link), keeping: Set(figures.keys.map { ($0 as NSString).lastPathComponent }))
            if text == notebook.text {
                if !options.quiet { console.out("unchanged \(notebook.path)\(via)\n") }
                return true
            }
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
            throw UpdateRefusal("the notebook is a symbolic link to \(real), outside the project root "
                                + "\(RealPath.resolve(root.path)); refusing to write there (pass --allow-outside)")
        }
        return (URL(fileURLWithPath: real), " (through the symbolic link, into \(real))")
    }

    /// Removes figure files Tangent wrote for blocks that no longer draw them (only `*.svg`
    /// in the notebook's own figures folder), and the folder when it is left empty.
    private func removeStaleFigures(in folder: URL, keeping: Set<String>) {
        let fm = FileManager.default
        if RealPath.isSymbolicLink(folder.path) { return }   // never delete through a link
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasSuffix(".svg") && !keeping.contains(name) {
            try? fm.removeItem(at: folder.appendingPathComponent(name))
        }
        if (try? fm.contentsOfDirectory(atPath: folder.path))?.isEmpty == true { try? fm.removeItem(at: folder) }
    }

    /// Compares with the stored outputs; prints each difference as `FILE:LINE:COL: mismatch:`.
    /// Returns whether the stored outputs could not be read, and the number of differences.
    private func check(_ result: inout NotebookResult) -> (inputError: Bool, mismatches: Int) {
        let notebook = result.notebook
        do {
            let differences = try Check.compare(&result)
            for d in differences {
                console.err(d.formatted(file: notebook.path, lineText: notebook.line) + "\n")
                if let i = result.blocks.firstIndex(where: { $0.cell.codeLine <= d.range.start.line && d.range.start.line <= $0.cell.endLine }),
                   result.blocks[i].status == .mismatch {
                    result.blocks[i].error = d
                }
            }
            return (false, differences.count)
        } catch {
            console.err(error.formatted(file: notebook.path, lineText: notebook.line) + "\n")
            return (true, 0)
        }
    }
}
