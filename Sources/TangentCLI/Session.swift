import Foundation
import Language
import Notebook
import NTKCore
import Render

/// One invocation of `run`, `update` or `check` over a list of notebooks: runs each, does the
/// verb's work (print, write back, compare), then writes the reports and picks the exit code.
struct Session {
    let options: Options
    let console: Console

    private var results: [NotebookResult] = []
    private var loadFailures: [(path: String, diagnostic: Diagnostic?)] = []
    private var inputError = false
    private var mismatches = 0
    private var displayPaths: [String] = []

    init(options: Options, console: Console) {
        self.options = options
        self.console = console
    }

    consuming func execute(_ files: [NotebookFiles.Found]) -> ExitCode {
        let start = Date()
        for file in files {
            switch NotebookLoader.load(file, console: console) {
            case .success(let notebook): process(notebook, url: file.url)
            case .failure(let failure):
                inputError = true
                loadFailures.append((file.display, failure.diagnostic))
            }
        }
        if options.verb == .render { render() }
        let code: ExitCode = inputError ? .usage
            : results.contains(where: \.failed) ? .blockFailed
            : mismatches > 0 ? .mismatch : .success
        console.out(TerminalReport.summary(results, seconds: Date().timeIntervalSince(start)) + "\n")
        return writeReports(code) ?? code
    }

    private mutating func process(_ notebook: Notebook, url: URL) {
        var result = Runner(notebookURL: url, defaultTimeout: options.timeout, useCache: options.usesCache,
                            allowOutside: options.allowOutside).run(notebook)
        if options.verb == .run && !options.quiet { console.out(TerminalReport.outputs(result)) }
        let errors = TerminalReport.errors(result)
        if !errors.isEmpty { console.err(errors) }
        switch options.verb {
        case .update: update(result, url: url)
        case .check: check(&result)
        default: break
        }
        results.append(result)
        displayPaths.append(notebook.path)
    }

    /// Writes the outputs of the blocks that ran into the notebook, atomically.
    private mutating func update(_ result: NotebookResult, url: URL) {
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
                return
            }
            try writeAtomically(Data(text.utf8), to: url)
            if !options.quiet { console.out("updated \(notebook.path)\(via)\n") }
        } catch let d as Diagnostic {
            inputError = true
            console.err(d.formatted(file: notebook.path, lineText: notebook.line) + "\n")
        } catch let refusal as UpdateRefusal {
            inputError = true
            console.err("\(notebook.path): error: \(refusal.message)\n")
        } catch {
            inputError = true
            console.err("\(notebook.path): error: cannot write the notebook: \(error)\n")
        }
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
        let root = ProjectRoot.find(for: url)
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
    private mutating func check(_ result: inout NotebookResult) {
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
            mismatches += differences.count
        } catch {
            inputError = true
            console.err(error.formatted(file: notebook.path, lineText: notebook.line) + "\n")
        }
    }

    /// Writes the site (every notebook, failures shown on their pages).
    private mutating func render() {
        guard let out = options.outDirectory else { return }
        let url = URL(fileURLWithPath: out)
        let pagePaths = SiteBuilder.pagePaths(for: displayPaths)
        let entries = zip(results, pagePaths).map { SiteBuilder.Entry(result: $0, pagePath: $1) }
        do {
            let start = Date()
            let site = SiteBuilder(outputDirectory: url)
            let files = try site.build(entries)
            for w in site.warnings { console.err("warning: \(w)\n") }
            let index = url.appendingPathComponent("index.html").path
            console.out(String(format: "site: %d files written in %.2f s; open %@\n", files.count, Date().timeIntervalSince(start), index))
        } catch {
            inputError = true
            console.err("error: cannot render the site into '\(out)': \(error)\n")
        }
    }

    /// Writes `--json` and `--junit`; returns `.usage` when one cannot be written.
    private func writeReports(_ code: ExitCode) -> ExitCode? {
        var failed: ExitCode?
        if let path = options.jsonPath {
            let json = Report.json(results, loadFailures: loadFailures, command: options.verb.rawValue, exitCode: code.rawValue)
            failed = write(json.serialized() + "\n", to: path, what: "JSON report") ?? failed
        }
        if let path = options.junitPath {
            failed = write(JUnitReport.xml(results, loadFailures: loadFailures), to: path, what: "JUnit report") ?? failed
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
