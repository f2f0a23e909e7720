import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// The notebooks a folder argument stands for: every `.md` under it once, in order, whatever
/// symbolic links a repository plants in it (a repository is untrusted input).
@Suite struct NotebookFilesTests {
    /// `notes/` with a.md, sub/b.md, a hidden folder, and links: one back up the tree (which made
    /// the walk list the notebooks again and again, down to the kernel's 40 links a path; two
    /// such links made it run without end), one to a folder outside, one to a notebook, and
    /// one that leads nowhere.
    static func plantedFolder(_ t: TemporaryFolder) throws -> String {
        let fm = FileManager.default
        for folder in ["notes/sub", "notes/.git", "outside"] {
            try fm.createDirectory(atPath: t.path(folder), withIntermediateDirectories: true)
        }
        for file in ["notes/a.md", "notes/sub/b.md", "notes/.git/c.md", "outside/secret.md"] {
            try Data("# \(file)\n".utf8).write(to: t.url(file))
        }
        try fm.createSymbolicLink(atPath: t.path("notes/sub/up"), withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: t.path("notes/elsewhere"), withDestinationPath: t.path("outside"))
        try fm.createSymbolicLink(atPath: t.path("notes/alias.md"), withDestinationPath: "sub/b.md")
        try fm.createSymbolicLink(atPath: t.path("notes/gone.md"), withDestinationPath: "missing.md")
        // A notebook link leading out of the folder: its target would be run and published.
        try fm.createSymbolicLink(atPath: t.path("notes/leak.md"), withDestinationPath: t.path("outside/secret.md"))
        try fm.createSymbolicLink(atPath: t.path("notes/sub/leak2.md"), withDestinationPath: "../../outside/secret.md")
        return t.path("notes")
    }

    @Test func linkedFoldersLinksToNothingAndLinksOutOfTheFolderAreNotWalked() throws {
        let t = try TemporaryFolder("notebook-files")
        defer { t.remove() }
        let notes = try Self.plantedFolder(t)
        let found = try NotebookFiles.collect([notes])
        #expect(found.map(\.display) == [notes + "/a.md", notes + "/alias.md", notes + "/sub/b.md"])
        #expect(found.map(\.url.path) == [t.path("notes/a.md"), t.path("notes/alias.md"), t.path("notes/sub/b.md")])
    }

    @Test func aNamedLinkIsStillFollowed() throws {
        let t = try TemporaryFolder("notebook-files")
        defer { t.remove() }
        _ = try Self.plantedFolder(t)
        // Named on the command line, a link to a folder or a notebook is what the user asked for.
        #expect(
            try NotebookFiles.collect([t.path("notes/elsewhere")]).map(\.display) == [
                t.path("notes/elsewhere") + "/secret.md"
            ])
        #expect(try NotebookFiles.collect([t.path("notes/alias.md")]).map(\.display) == [t.path("notes/alias.md")])
        #expect(try NotebookFiles.collect([t.path("notes/leak.md")]).map(\.display) == [t.path("notes/leak.md")])
        #expect(throws: UsageError.self) { try NotebookFiles.collect([t.path("notes/gone.md")]) }
    }
}
