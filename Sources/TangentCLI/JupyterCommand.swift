import Foundation
import Language
import NTKCore
import Notebook
import Render
import TangentSupport

/// `tangent export NB.md --to ipynb [--out FILE]` and `tangent import NB.ipynb [--out FILE]
/// [--force]`: convert between Tangent and Jupyter notebooks. Nothing is run.
struct JupyterCommand {
    let options: Options
    let console: Console

    /// Checks what parsing cannot (`--out` with several notebooks); usage errors are thrown before
    /// anything is read or written. Which options each verb takes is in NotebookVerbs.swift.
    init(options: Options, console: Console) throws(UsageError) {
        if options.outDirectory != nil && options.paths.count > 1 {
            throw UsageError("--out names one output file: give one notebook with it")
        }
        self.options = options
        self.console = console
    }

    func execute() throws(UsageError) -> ExitCode {
        options.verb == .export ? try export() : try importNotebooks()
    }

    // MARK: export

    private func export() throws(UsageError) -> ExitCode {
        let files = try NotebookFiles.collect(options.paths)
        if options.outDirectory != nil && files.count > 1 {
            throw UsageError("--out names one output file, but '\(options.paths[0])' holds \(files.count) notebooks")
        }
        var failed = false
        for file in files {
            guard case .success(let notebook) = NotebookLoader.load(file, console: console) else {
                failed = true
                continue
            }
            let folder = file.url.deletingLastPathComponent()
            let target =
                options.outDirectory.map { URL(fileURLWithPath: $0) }
                ?? file.url.deletingPathExtension().appendingPathExtension("ipynb")
            do {
                // Figure files are read inside the notebook's folder, never through a symbolic
                // link out of it (one could lead to any file of the machine).
                let confined = try? ConfinedFolder(folder, create: false)
                let exported = try JupyterExport.export(notebook, figures: .beside(file.url.lastPathComponent)) {
                    path in
                    confined?.read(path).flatMap { String(data: $0, encoding: .utf8) }
                }
                for w in exported.warnings { console.err("\(file.display): warning: \(w)\n") }
                // Never through a symbolic link at the target (it could lead anywhere): refused.
                try write(Data((exported.json.serialized() + "\n").utf8), to: target, link: .refuse)
                if !options.quiet {
                    console.out("exported \(file.display) to \(display(target, like: file.display))\n")
                }
            } catch let d as Diagnostic {
                failed = true
                console.err(d.formatted(file: notebook.path, lineText: notebook.line) + "\n")
            } catch {
                failed = true
                console.err("\(file.display): error: cannot write '\(target.path)': \(error)\n")
            }
        }
        return failed ? .usage : .success
    }

    // MARK: import

    private func importNotebooks() throws(UsageError) -> ExitCode {
        let fm = FileManager.default
        for path in options.paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw UsageError("no such file: '\(path)'") }
            if isDir.boolValue { throw UsageError("'\(path)' is a folder; 'tangent import' reads .ipynb files") }
        }
        var failed = false
        for path in options.paths {
            let url = URL(fileURLWithPath: path)
            let target =
                options.outDirectory.map { URL(fileURLWithPath: $0) }
                ?? (url.pathExtension.lowercased() == "ipynb" ? url.deletingPathExtension() : url)
                .appendingPathExtension("md")
            let shown = display(target, like: path)
            // A symbolic link counts as existing even when it leads nowhere (fileExists follows it).
            let existing = Self.exists(target)
            if !options.force && existing {
                console.err("\(path): error: '\(shown)' already exists; use --force to overwrite it (or --out FILE)\n")
                failed = true
                continue
            }
            guard let data = fm.contents(atPath: url.path) else {
                console.err("\(path): error: cannot read the file\n")
                failed = true
                continue
            }
            do {
                let imported = try JupyterImport.markdown(fromJSON: String(decoding: data, as: UTF8.self))
                // With --force a symbolic link at the target is replaced by the file, never written
                // through; without it a link appearing meanwhile is refused.
                let replacesLink = options.force && RealPath.isSymbolicLink(target.path)
                try write(Data(imported.markdown.utf8), to: target, link: options.force ? .replace : .refuse)
                if replacesLink && !options.quiet { console.out("replaced the symbolic link \(shown) by a file\n") }
                if !options.quiet { console.out(summary(imported, from: path, to: shown)) }
            } catch let f as JupyterImport.Failure {
                failed = true
                let place = f.line.map { ":\($0):\(f.column ?? 1)" } ?? ""
                console.err("\(path)\(place): error: \(f.message)\n")
            } catch {
                failed = true
                console.err("\(path): error: cannot write '\(shown)': \(error)\n")
            }
        }
        return failed ? .usage : .success
    }

    /// Writes an output file by a confined walk from its project root (`ProjectRoot.fileRoot`),
    /// so no symbolic link on the way leads the write out of the project, and `link` decides
    /// what a link at the name itself means.
    private func write(_ data: Data, to target: URL, link: ConfinedFolder.FinalLink) throws(FileError) {
        let root = ProjectRoot.fileRoot(for: target)
        try ConfinedFolder(root, create: false).write(data, to: target.standardizedFileURL.path, finalLink: link)
    }

    /// Whether anything, a dangling symbolic link included, is at `url`.
    private static func exists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    private func summary(_ imported: JupyterImport.Imported, from path: String, to shown: String) -> String {
        var out = "imported \(path) to \(shown): \(imported.ntkBlocks) ntk block\(imported.ntkBlocks == 1 ? "" : "s")"
        for (language, n) in imported.otherCode.sorted(by: { $0.key < $1.key }) {
            out += ", \(n) \(language) cell\(n == 1 ? "" : "s") kept as fenced text"
        }
        out += "\n"
        if imported.cellsWithOutputs > 0 {
            out += "outputs are not imported: run 'tangent update \(shown)' to write them\n"
        }
        return out
    }

    /// A path shown the way the user wrote the input: relative when the input was.
    private func display(_ target: URL, like input: String) -> String {
        if let out = options.outDirectory { return out }
        let name = target.lastPathComponent
        let folder = (input as NSString).deletingLastPathComponent
        return folder.isEmpty ? name : folder + "/" + name
    }
}
