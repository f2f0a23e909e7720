import Foundation
import TestSupport
import Testing

/// `load`/`save` stay inside the project root unless `--allow-outside`; `update` through a
/// symbolic link says where it writes and refuses to write outside the project.
@Suite struct PathConfinementTests {
    /// A project (with `.git`) inside a sandbox, and a folder outside it.
    struct Layout {
        let sandbox: TemporaryFolder
        var project: URL { sandbox.root.appendingPathComponent("project") }
        var outside: URL { sandbox.root.appendingPathComponent("outside") }
        init() throws {
            sandbox = try TemporaryFolder("corpus")
            for dir in [project.appendingPathComponent(".git"), outside] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            try "1,2\n3,4\n".write(to: outside.appendingPathComponent("secret.csv"), atomically: true, encoding: .utf8)
        }
        func notebook(_ name: String, _ code: String) throws -> String {
            let path = project.appendingPathComponent(name).path
            try "# T\n\n```ntk\n\(code)\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    @Test(arguments: [
        ("load(\"../outside/secret.csv\")", 6),
        ("save([[1]], \"../outside/new.npy\")", 13),
        ("load(\"link/secret.csv\")", 6)
    ])
    func pathsLeavingTheProjectAreRefused(_ call: String, _ column: Int) throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        try FileManager.default.createSymbolicLink(
            at: t.project.appendingPathComponent("link"), withDestinationURL: t.outside)
        let nb = try t.notebook("nb.md", "x = \(call)")
        let refused = CapturedConsole.run(["run", nb, "--no-cache"])
        #expect(refused.status == 1)
        #expect(
            refused.err.contains("\(nb):4:\(4 + column): error: ")
                && refused.err.contains("is outside the project root"), "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: t.outside.appendingPathComponent("new.npy").path))
        let allowed = CapturedConsole.run(["run", nb, "--no-cache", "--allow-outside"])
        #expect(allowed.status == 0, "\(allowed.err)")
    }

    @Test func updateThroughASymbolicLinkSaysWhereItWrites() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        let real = try t.notebook("real.md", "show 2")
        let link = t.project.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.md")
        let r = CapturedConsole.run(["update", link, "--no-cache"])
        #expect(r.status == 0, "\(r.err)")
        #expect(
            r.out.contains(
                "through the symbolic link, into \(URL(fileURLWithPath: real).resolvingSymlinksInPath().path)"),
            "\(r.out)")
        #expect(try String(contentsOfFile: real, encoding: .utf8).contains("<!-- tangent:begin"))
        #expect(
            (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == "real.md", "the link was replaced")
    }

    @Test func updateThroughALinkLeavingTheProjectIsRefused() throws {
        let t = try Layout()
        defer { t.sandbox.remove() }
        let target = t.outside.appendingPathComponent("theirs.md")
        let text = "# Theirs\n\n```ntk\nshow 3\n```\n"
        try text.write(to: target, atomically: true, encoding: .utf8)
        let link = t.project.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target.path)
        let r = CapturedConsole.run(["update", link, "--no-cache"])
        #expect(r.status == 2)
        #expect(r.err.contains("outside the project root") && r.err.contains("--allow-outside"), "\(r.err)")
        #expect(try String(contentsOf: target, encoding: .utf8) == text)
    }

    /// Without `.git` or `tangent.toml`, the folder tangent runs from is the root when it
    /// holds the notebook: `../data/x.csv` from `tree/nb/` works when run from `tree/`.
    @Test func withoutAMarkerTheRunFolderIsTheRoot() throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let tree = sandbox.root.appendingPathComponent("tree")
        for dir in ["nb", "data"] {
            try FileManager.default.createDirectory(
                at: tree.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try "1,2\n".write(to: tree.appendingPathComponent("data/x.csv"), atomically: true, encoding: .utf8)
        let nb = tree.appendingPathComponent("nb/nb.md").path
        try "# T\n\n```ntk\nx = load(\"../data/x.csv\")\n```\n".write(toFile: nb, atomically: true, encoding: .utf8)
        let fromTree = try TangentBinary.run(["run", nb, "--no-cache"], in: tree, scratch: sandbox)
        #expect(fromTree.status == 0, "\(fromTree.transcript)")
        let fromNotebookFolder = try TangentBinary.run(
            ["run", nb, "--no-cache"], in: tree.appendingPathComponent("nb"), scratch: sandbox)
        #expect(
            fromNotebookFolder.status == 1 && fromNotebookFolder.err.contains("outside the project root"),
            "\(fromNotebookFolder.transcript)")
    }
}
