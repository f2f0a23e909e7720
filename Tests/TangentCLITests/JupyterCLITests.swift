import Foundation
import Language
import Notebook
import TangentSupport
import TestSupport
import Testing

/// `tangent export --to ipynb` and `tangent import` as the shell sees them.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct JupyterCLITests {
    static let notebook = """
        ---
        title: Small
        ---

        # Small

        ```ntk {#k seed=5}
        K = randn(3, 3) @ randn(3, 3).T
        show K, "a Gram matrix"
        heatmap(K, title: "K")
        ```

        ```ntk {#fails expect=error}
        inv(zeros(2, 2))
        ```

        The end.

        """

    func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func exportImportAndUpdateGiveBackTheNotebook() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        try write(JupyterCLITests.notebook, nb)
        let updated = try TangentBinary.run(["update", nb], scratch: sandbox)
        #expect(updated.status == 0, "\(updated.transcript)")
        let original = try read(nb)

        let exported = try TangentBinary.run(["export", nb, "--to", "ipynb"], scratch: sandbox)
        #expect(exported.status == 0, "\(exported.transcript)")
        #expect(exported.out.contains("exported \(nb) to \(sandbox.path("nb.ipynb"))"), "\(exported.transcript)")
        let json = try #require(JSON.parse(try read(sandbox.path("nb.ipynb"))))
        #expect(json["nbformat"] == .number(4))
        #expect(
            json["cells"]?.arrayValue?.compactMap { $0["cell_type"]?.stringValue } == [
                "markdown", "code", "code", "markdown"
            ])

        // The .md beside it exists: import refuses to overwrite it without --force.
        let refused = try TangentBinary.run(["import", sandbox.path("nb.ipynb")], scratch: sandbox)
        #expect(refused.status == 2, "\(refused.transcript)")
        #expect(refused.err.contains("already exists; use --force"), "\(refused.transcript)")
        #expect(try read(nb) == original)

        let imported = try TangentBinary.run(["import", sandbox.path("nb.ipynb"), "--force"], scratch: sandbox)
        #expect(imported.status == 0, "\(imported.transcript)")
        #expect(imported.out.contains("2 ntk blocks"), "\(imported.transcript)")
        #expect(imported.out.contains("run 'tangent update"), "\(imported.transcript)")
        #expect(!(try read(nb)).contains("tangent:begin"), "outputs are not imported")

        let again = try TangentBinary.run(["update", nb], scratch: sandbox)
        #expect(again.status == 0, "\(again.transcript)")
        #expect(try read(nb) == original)
    }

    /// A figure file the repository replaced is not copied into the export: not through a
    /// symbolic link out of the notebook's folder (the file it leads to stays private), and not
    /// when it holds a script. Each is a warning, and the figure is exported as its text.
    @Test(arguments: ["link", "script"])
    func aReplacedFigureFileIsNotExported(_ kind: String) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let project = sandbox.url("project").path
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let nb = project + "/nb.md"
        try write(JupyterCLITests.notebook, nb)
        #expect(try TangentBinary.run(["update", nb], scratch: sandbox).status == 0)
        let figure = project + "/nb.figures/k-1.svg"
        try FileManager.default.removeItem(atPath: figure)
        let secret = "SECRET-\(UUID().uuidString)"
        if kind == "link" {
            let outside = sandbox.path("private.svg")
            try write("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>\(secret)</title></svg>", outside)
            try FileManager.default.createSymbolicLink(atPath: figure, withDestinationPath: outside)
        } else {
            try write("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>\(secret)</script></svg>", figure)
        }
        let exported = try TangentBinary.run(["export", nb, "--to", "ipynb"], scratch: sandbox)
        #expect(exported.status == 0, "\(exported.transcript)")
        #expect(exported.err.contains("warning:") && exported.err.contains("k-1.svg"), "\(exported.transcript)")
        let ipynb = try read(project + "/nb.ipynb")
        #expect(!ipynb.contains(secret))
        #expect(ipynb.contains("figure \\\"K\\\""), "the figure is exported as its text")
    }

    @Test func outChoosesTheFile() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try write(JupyterCLITests.notebook, sandbox.path("nb.md"))
        let r = try TangentBinary.run(
            ["export", "nb.md", "--to=ipynb", "--out", "sub/other.ipynb"], in: sandbox.root, scratch: sandbox)
        #expect(r.status == 0, "\(r.transcript)")
        #expect(r.out.contains("exported nb.md to sub/other.ipynb"), "\(r.transcript)")
        let i = try TangentBinary.run(
            ["import", "sub/other.ipynb", "--out", "back.md"], in: sandbox.root, scratch: sandbox)
        #expect(i.status == 0, "\(i.transcript)")
        #expect(try read(sandbox.path("back.md")) == JupyterCLITests.notebook)
    }

    @Test func malformedJSONIsALocatedInputError() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try write("{\"nbformat\": 4,\n \"cells\": [}\n", sandbox.path("bad.ipynb"))
        let r = try TangentBinary.run(["import", "bad.ipynb"], in: sandbox.root, scratch: sandbox)
        #expect(r.status == 2, "\(r.transcript)")
        #expect(r.err.hasPrefix("bad.ipynb:2:12: error: malformed JSON"), "\(r.transcript)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("bad.md")))
    }

    @Test func aJSONFileThatIsNotANotebookIsRefused() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try write("{\"nbformat\": 3, \"worksheets\": []}", sandbox.path("old.ipynb"))
        let r = try TangentBinary.run(["import", "old.ipynb"], in: sandbox.root, scratch: sandbox)
        #expect(r.status == 2, "\(r.transcript)")
        #expect(r.err.hasPrefix("old.ipynb: error: nbformat 3 is not supported"), "\(r.transcript)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("old.md")))
    }

    @Test(arguments: [
        (["export", "nb.md"], "'tangent export' needs --to FORMAT"),
        (["export", "nb.md", "--to", "html"], "cannot write 'html'"),
        (["import", "nb.ipynb", "--to", "ipynb"], "option '--to' does not apply to 'tangent import'"),
        (["export", "nb.md", "nb.md", "--to", "ipynb", "--out", "x.ipynb"], "--out names one output file"),
        (["export", "nb.md", "--to", "ipynb", "--json", "r.json"], "option '--json' does not apply"),
        (["import", "missing.ipynb"], "no such file: 'missing.ipynb'")
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        try write(JupyterCLITests.notebook, sandbox.path("nb.md"))
        try write("{}", sandbox.path("nb.ipynb"))
        let r = try TangentBinary.run(arguments, in: sandbox.root, scratch: sandbox)
        #expect(r.status == 2, "\(r.transcript)")
        #expect(r.err.hasPrefix("error: ") && r.err.contains(message), "\(r.transcript)")
        #expect(r.err.contains("tangent export PATH... --to ipynb"), "the usage text is printed\n\(r.transcript)")
    }
}

/// Every tutorial exported, imported into a fresh project at the same relative path (block
/// seeds depend on it) and updated there: the same prose and blocks, and outputs that
/// `tangent check` would accept. Running the tutorials takes a release build:
/// `scripts/test.sh` builds one and sets TANGENT_RELEASE_BINARY to it.
@Suite struct JupyterTutorialRoundTripTests {
    static let binary = ProcessInfo.processInfo.environment["TANGENT_RELEASE_BINARY"]

    @Test(
        .enabled(
            if: binary != nil,
            "TANGENT_RELEASE_BINARY is not set: scripts/test.sh sets it to .build/release/tangent (running every tutorial in a debug build takes minutes)"
        ))
    func tutorialsSurviveExportImportAndUpdate() throws {
        let tangent = URL(fileURLWithPath: JupyterTutorialRoundTripTests.binary!)
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let fm = FileManager.default
        let source = TutorialCoverageTests.root.appendingPathComponent("notebooks")
        let names = try fm.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".md") }.sorted()
        let project = sandbox.root.appendingPathComponent("copy")
        try fm.createDirectory(at: project.appendingPathComponent("notebooks"), withIntermediateDirectories: true)
        try Data().write(to: project.appendingPathComponent("tangent.toml"))
        try fm.copyItem(at: source.appendingPathComponent("data"), to: project.appendingPathComponent("notebooks/data"))

        func run(_ arguments: [String]) throws {
            let p = Process()
            p.executableURL = tangent
            p.arguments = arguments
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(
                p.terminationStatus == 0, "tangent \(arguments.joined(separator: " ")) exited \(p.terminationStatus)")
        }
        for name in names {
            let stem = String(name.dropLast(3))
            let ipynb = project.appendingPathComponent("notebooks/\(stem).ipynb").path
            try run(["export", source.appendingPathComponent(name).path, "--to", "ipynb", "--out", ipynb, "--quiet"])
            try run(["import", ipynb, "--quiet"])
        }
        try run(["update", project.appendingPathComponent("notebooks").path, "--quiet", "--no-cache"])

        for name in names {
            let stem = String(name.dropLast(3))
            let original = try Notebook.parse(
                try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8), path: name)
            let copyURL = project.appendingPathComponent("notebooks/\(name)")
            let copy = try Notebook.parse(try String(contentsOf: copyURL, encoding: .utf8), path: name)
            #expect(copy.cells == original.cells, "\(name): the blocks differ")
            let (a, b) = (try original.regionSites(), try copy.regionSites())
            for cell in original.cells {
                let stored = a[cell.id]?.region?.storedOutputs
                let new = b[cell.id]?.region?.storedOutputs
                #expect((stored == nil) == (new == nil), "\(name) block \(cell.id): a region is missing")
                guard let stored, let new else { continue }
                let difference = OutputComparison.compare(
                    stored: stored, new: new, tolerance: Check.tolerance(for: cell, in: original))
                #expect(difference == nil, "\(name) block \(cell.id): \(difference?.message ?? "")")
            }
            let figures = original.text.components(separatedBy: "](\(stem).figures/").count - 1
            let copied =
                (try? fm.contentsOfDirectory(atPath: project.appendingPathComponent("notebooks/\(stem).figures").path))
                ?? []
            #expect(copied.count == figures, "\(name): \(figures) figures linked, \(copied.count) written")
        }
    }
}
