import Foundation
import Notebook
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, "lost work": `update` never overwrites an edit saved while it ran, a kept region
/// keeps its figures, and `check` fails when the visible text of a region was edited.
@Suite struct LostWorkTests {
    /// A project folder (with `.git`) in a sandbox.
    struct Project {
        let sandbox: TemporaryFolder
        var root: URL { sandbox.root.appendingPathComponent("project") }
        init() throws {
            sandbox = try TemporaryFolder("corpus")
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        }
        func write(_ name: String, _ text: String) throws -> String {
            let path = root.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    }

    enum Save: String, CaseIterable, Sendable {
        /// The editor truncates and rewrites the same file (same inode).
        case inPlace
        /// The editor writes a new file and renames it over the notebook (vim, VS Code, most).
        case renameOver
    }

    /// Opens the FIFO for writing once a reader has it open (the block is running), or nil after
    /// `seconds`. O_NONBLOCK makes the open fail with ENXIO while nobody reads.
    static func openWhenRead(_ fifo: String, seconds: Double = 120) -> Int32? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 { return fd }
            usleep(2_000)
        }
        return nil
    }

    /// A real second writer saves the notebook while `update` is inside its block (the block
    /// reads a FIFO, which the test holds until the save is done): `update` must write nothing,
    /// say so, and exit 2; the user's edit is what the file holds afterwards.
    @Test(arguments: Save.allCases)
    func updateNeverOverwritesAnEditSavedWhileItRan(_ save: Save) throws {
        let p = try Project()
        defer { p.sandbox.remove() }
        let gate = p.root.appendingPathComponent("gate.csv").path
        #expect(mkfifo(gate, 0o600) == 0)
        let nb = try p.write("nb.md", "# Notes\n\n```ntk\nx = load(\"gate.csv\")\nshow x\n```\n")
        let edited = "# Notes, edited while update ran\n\n```ntk\nx = load(\"gate.csv\")\nshow x + 1\n```\n"

        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (status: Int32, out: String, err: String)?
        Thread.detachNewThread {
            result = CapturedConsole.run(["update", nb, "--no-cache"])
            done.signal()
        }
        let fd = try #require(LostWorkTests.openWhenRead(gate), "update never reached its block")
        switch save {
        case .inPlace:
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: nb))
            try h.truncate(atOffset: 0)
            try h.write(contentsOf: Data(edited.utf8))
            try h.close()
        case .renameOver:
            let temp = nb + ".swp"
            try Data(edited.utf8).write(to: URL(fileURLWithPath: temp))
            #expect(rename(temp, nb) == 0)
        }
        _ = "1\n".withCString { write(fd, $0, 2) }
        close(fd)
        #expect(done.wait(timeout: .now() + 120) == .success)
        let r = try #require(result)
        #expect(r.status == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains("\(nb): error: the notebook changed while it ran; run update again"), "\(r.err)")
        #expect(!r.out.contains("updated"))
        #expect(try p.read(nb) == edited)
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.root.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    /// The same notebook, not touched while it runs, is updated as usual (the check does not
    /// refuse a notebook that nobody changed).
    @Test func updateWritesWhenNobodyChangedTheNotebook() throws {
        let p = try Project()
        defer { p.sandbox.remove() }
        let nb = try p.write("nb.md", "# Notes\n\n```ntk\nshow 1 + 1\n```\n")
        let r = CapturedConsole.run(["update", nb, "--no-cache"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try p.read(nb).contains("<!-- tangent:begin"))
    }

    /// A block that fails keeps its old region, and so the figure that region links to.
    @Test func aFailedBlockKeepsItsFigure() throws {
        let p = try Project()
        defer { p.sandbox.remove() }
        let plot = "x = linspace(0, 1, 5)\nplot(x, x ^ 2, title: \"square\")"
        let nb = try p.write("nb.md", "# Plot\n\n```ntk {#fig}\n\(plot)\n```\n")
        let figure = p.root.appendingPathComponent("nb.figures/fig-1.svg").path
        #expect(CapturedConsole.run(["update", nb, "--no-cache"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: figure))
        let svg = try p.read(figure)

        // The block now fails: its region stays, and the figure it links to stays too.
        let text = try p.read(nb)
        try Data(text.replacingOccurrences(of: plot, with: plot + "\ny = nope").utf8).write(
            to: URL(fileURLWithPath: nb))
        let failed = CapturedConsole.run(["update", nb, "--no-cache"])
        #expect(failed.status == 1, "\(failed.err)")
        #expect(try p.read(nb).contains("](nb.figures/fig-1.svg)"))
        #expect(FileManager.default.fileExists(atPath: figure), "the kept region links to a deleted figure")
        #expect(try p.read(figure) == svg)

        // Once the block runs and draws nothing, its figure is stale and goes.
        let again = try p.read(nb).replacingOccurrences(of: plot + "\ny = nope", with: "y = 1")
        try Data(again.utf8).write(to: URL(fileURLWithPath: nb))
        #expect(CapturedConsole.run(["update", nb, "--no-cache"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: figure))
    }

    /// The region's visible text after `update`, edited: the number a reader sees changes.
    static func editVisible(_ text: String, _ from: String, _ to: String, fixHash: Bool) -> String {
        var lines = text.components(separatedBy: "\n")
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("<!-- tangent:begin") }),
            let end = lines.firstIndex(where: { $0.hasPrefix("<!-- tangent:end") }),
            let k = lines[(begin + 1)..<end].firstIndex(where: {
                $0.contains(from) && !$0.hasPrefix("<!-- tangent:data")
            })
        else {
            return text
        }
        lines[k] = lines[k].replacingOccurrences(of: from, with: to)
        if fixHash {
            // An editor who knows the format recomputes the hash too: check must still fail.
            let content = Array(lines[(begin + 1)..<end])
            let id = lines[begin].components(separatedBy: "id=")[1].components(separatedBy: " ")[0]
            lines[begin] = "<!-- tangent:begin id=\(id) hash=\(OutputRegion.hash(content)) -->"
        }
        return lines.joined(separator: "\n")
    }

    @Test(
        arguments: [
            ("show 0.635", "0.635", "0.9"),
            ("show [[1.5, 2], [3, 4]]", "1.5", "1.25"),
            ("show 2, \"the answer\"", "the answer", "another answer"),
            ("print(\"converged\")", "converged", "diverged"),
            ("show ones(30, 30) * 0.25", "0.25", "0.5")
        ], [false, true])
    func checkFailsWhenTheVisibleOutputWasEdited(_ edit: (code: String, from: String, to: String), fixHash: Bool) throws
    {
        let (code, from, to) = edit
        let p = try Project()
        defer { p.sandbox.remove() }
        let nb = try p.write("nb.md", "# Edited\n\n```ntk\n\(code)\n```\n")
        #expect(CapturedConsole.run(["update", nb, "--no-cache"]).status == 0)
        #expect(CapturedConsole.run(["check", nb]).status == 0)
        let original = try p.read(nb)
        let edited = LostWorkTests.editVisible(original, from, to, fixHash: fixHash)
        #expect(edited != original)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: nb))
        let r = CapturedConsole.run(["check", nb])
        #expect(r.status == 3, "\(r.err)")
        let begin = edited.components(separatedBy: "\n").firstIndex { $0.hasPrefix("<!-- tangent:begin") }! + 1
        #expect(r.err.contains("\(nb):\(begin):1: mismatch: "), "\(r.err)")
        #expect(r.err.contains(fixHash ? "does not match its stored data" : "was edited by hand"), "\(r.err)")
    }
}
