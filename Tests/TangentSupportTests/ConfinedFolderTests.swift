import Foundation
import TestSupport
import Testing

@testable import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ConfinedFolder` walks every path from its opened root without following a symbolic link out
/// of it: links inside are followed, links out, `..` above the root and absolute paths elsewhere
/// are refused, a link at a name is replaced (or refused, or followed inside) but never written
/// through, and removal never crosses a link.
@Suite struct ConfinedFolderTests {
    /// `root/` and a sibling `outside/` holding `victim` in a fresh temporary folder.
    struct Layout {
        let folder: TemporaryFolder
        var base: URL { folder.root }
        var root: URL { base.appendingPathComponent("root") }
        var outside: URL { base.appendingPathComponent("outside") }
        var victim: String { outside.appendingPathComponent("victim").path }
        init() throws {
            folder = try TemporaryFolder("confined")
            for dir in [root, outside] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            try "victim".write(toFile: victim, atomically: false, encoding: .utf8)
        }
        func remove() { folder.remove() }
        func at(_ relative: String) -> String { root.appendingPathComponent(relative).path }
        func link(_ relative: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: at(relative), withDestinationPath: target)
        }
        func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        var outsideNames: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: outside.path)) ?? []).sorted()
        }
    }

    @Test func writesCreateFoldersAndReplaceFiles() throws {
        let t = try Layout()
        defer { t.remove() }
        let folder = try ConfinedFolder(t.root)
        try folder.write(Data("one".utf8), to: "a/b/c.txt")
        try folder.write(Data("two".utf8), to: "a/b/c.txt")
        #expect(t.text(t.at("a/b/c.txt")) == "two")
        #expect(folder.read("a/b/c.txt") == Data("two".utf8))
        #expect(
            folder.kind(of: "a/b") == .folder && folder.kind(of: "a/b/c.txt") == .file
                && folder.kind(of: "nope") == .missing)
        #expect(folder.contents(of: "a/b") == ["c.txt"])
    }

    @Test func aLinkAtTheNameIsReplacedNotFollowed() throws {
        let t = try Layout()
        defer { t.remove() }
        try t.link("entry", to: t.victim)
        try t.link("dangling", to: t.outside.appendingPathComponent("new").path)
        let folder = try ConfinedFolder(t.root)
        #expect(folder.read("entry") == nil, "reads do not follow the link either")
        try folder.write(Data("cache".utf8), to: "entry")
        try folder.write(Data("cache".utf8), to: "dangling")
        #expect(t.text(t.victim) == "victim")
        #expect(t.outsideNames == ["victim"])
        #expect(folder.kind(of: "entry") == .file && folder.kind(of: "dangling") == .file)
    }

    @Test func aLinkAtTheNameIsRefusedOrFollowedOnlyInside() throws {
        let t = try Layout()
        defer { t.remove() }
        try t.link("out", to: t.victim)
        try t.link("in", to: "data/real.txt")  // dangling, but inside
        let folder = try ConfinedFolder(t.root)
        #expect(throws: FileError.self) { try folder.write(Data("x".utf8), to: "out", finalLink: .refuse) }
        #expect(throws: FileError.self) { try folder.write(Data("x".utf8), to: "out", finalLink: .followInside) }
        try folder.write(Data("x".utf8), to: "in", finalLink: .followInside)
        #expect(t.text(t.victim) == "victim")
        #expect(t.text(t.at("data/real.txt")) == "x")
        #expect(folder.kind(of: "in") == .symbolicLink)
    }

    @Test func folderLinksAreFollowedOnlyInsideTheRoot() throws {
        let t = try Layout()
        defer { t.remove() }
        try FileManager.default.createDirectory(atPath: t.at("real/deep"), withIntermediateDirectories: true)
        try t.link("relative", to: "real/deep")
        try t.link("absolute", to: t.at("real"))
        try t.link("escape", to: "../outside")
        try t.link("escapeAbsolute", to: t.outside.path)
        try t.link("loop", to: "loop")
        let folder = try ConfinedFolder(t.root)
        try folder.write(Data("1".utf8), to: "relative/a.txt")
        try folder.write(Data("2".utf8), to: "absolute/b.txt")
        try folder.write(Data("3".utf8), to: "relative/../c.txt")  // `..` of the link's target: real/c.txt
        #expect(t.text(t.at("real/deep/a.txt")) == "1")
        #expect(t.text(t.at("real/b.txt")) == "2")
        #expect(t.text(t.at("real/c.txt")) == "3")
        for path in [
            "escape/x", "escapeAbsolute/x", "../outside/x", t.outside.path + "/x", "loop/x", "real/../../outside/x"
        ] {
            #expect(throws: FileError.self, "\(path)") { try folder.write(Data("x".utf8), to: path) }
        }
        #expect(throws: FileError.self) { try folder.write(Data("x".utf8), to: "relative/a.txt", folderLinks: .refuse) }
        #expect(t.outsideNames == ["victim"])
    }

    @Test func removalNeverCrossesALink() throws {
        let t = try Layout()
        defer { t.remove() }
        try t.link("linked", to: t.outside.path)
        try t.link("file-link", to: t.victim)
        let folder = try ConfinedFolder(t.root)
        try folder.write(Data("p".utf8), to: "pages/p.html")
        #expect(!folder.removeFile("linked/victim"))
        #expect(!folder.removeFile("file-link"), "a link at the name is not a plain file")
        #expect(!folder.removeFile("../outside/victim"))
        #expect(folder.contents(of: "linked") == nil)
        #expect(folder.removeFile("pages/p.html"))
        folder.removeFolderIfEmpty("pages")
        #expect(folder.kind(of: "pages") == .missing)
        folder.removeFolderIfEmpty("linked")
        #expect(t.outsideNames == ["victim"] && t.text(t.victim) == "victim")
        #expect(folder.kind(of: "linked") == .symbolicLink && folder.kind(of: "file-link") == .symbolicLink)
    }

    @Test func aSubfolderIsItsOwnRoot() throws {
        let t = try Layout()
        defer { t.remove() }
        let root = try ConfinedFolder(t.root)
        let site = try root.folder("site")
        try t.link("site/up", to: "..")
        try site.write(Data("i".utf8), to: "index.html")
        #expect(t.text(t.at("site/index.html")) == "i")
        #expect(throws: FileError.self) { try site.write(Data("x".utf8), to: "up/escaped.html") }
        #expect(throws: FileError.self) { try site.write(Data("x".utf8), to: "../escaped.html") }
        #expect(!FileManager.default.fileExists(atPath: t.at("escaped.html")))
        try t.link("gone", to: t.outside.path)
        #expect(throws: FileError.self) { _ = try root.folder("gone") }
    }
}
