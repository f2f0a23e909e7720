import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// A project in a temporary folder (`tangent.toml` marks its root, so the cache and the default
/// site stay inside it) with notebooks in `notebooks/`.
struct PreviewProject {
    let folder: TemporaryFolder
    var root: URL { folder.root }
    var notebooks: URL { root.appendingPathComponent("notebooks") }

    init() throws {
        folder = try TemporaryFolder("preview")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("notebooks"), withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("tangent.toml"))
        try write("alpha.md", PreviewProject.alpha(says: "x"))
        try write("beta.md", "---\ntitle: Beta\n---\nThe beta page.\n")
    }

    static func alpha(says expression: String) -> String {
        "---\ntitle: Alpha\n---\nThe alpha page.\n\n```ntk {#a}\nx = 2 + 3\nprint(\"alpha says\", \(expression))\n```\n"
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: notebooks.appendingPathComponent(name))
    }

    func remove() { folder.remove() }
}

@Suite(.serialized) struct LivePreviewTests {
    @Test func aSavedNotebookIsRenderedAgainAndOpenPagesAreTold() throws {
        let project = try PreviewProject()
        defer { project.remove() }
        let capture = CapturedConsole()
        var options = ServeOptions()
        options.paths = [project.notebooks.path]
        options.port = 0
        let preview = try LivePreview(options, console: capture.console)
        defer { preview.stop() }
        let port = preview.server.port

        // The default site folder is beside the cache, and git-ignored.
        #expect(
            preview.siteDirectory.standardizedFileURL.path
                == project.root.appendingPathComponent(".tangent/site").standardizedFileURL.path)
        #expect(FileManager.default.fileExists(atPath: project.root.appendingPathComponent(".tangent/.gitignore").path))

        let index = try RawHTTP.get(port, "/")
        #expect(index.status == 200 && index.headers["content-type"] == "text/html; charset=utf-8")
        #expect(index.text.contains("alpha.html") && index.text.contains("beta.html"))
        let first = try RawHTTP.get(port, "/alpha.html")
        #expect(first.status == 200 && first.text.contains("alpha says 5"))
        #expect(try RawHTTP.get(port, "/assets/tangent.css").headers["content-type"] == "text/css; charset=utf-8")

        let events = try EventStreamClient(port: port)
        #expect(events.nextData(within: 5) == "1")

        try project.write("alpha.md", PreviewProject.alpha(says: "x * 7"))
        #expect(events.nextData(within: 60) == "2")
        let second = try RawHTTP.get(port, "/alpha.html")
        #expect(second.text.contains("alpha says 35") && !second.text.contains("alpha says 5"))
        #expect(second.text.contains("data-build=\"2\""))
        #expect(capture.out.contains("changed: \(project.notebooks.path)/alpha.md"))

        // A failing block: the error shows on the page and the server carries on.
        try project.write("alpha.md", PreviewProject.alpha(says: "nope"))
        #expect(events.nextData(within: 60) == "3")
        let failing = try RawHTTP.get(port, "/alpha.html")
        #expect(failing.status == 200 && failing.text.contains("unknown name &#39;nope&#39;"))
        #expect(capture.err.contains("error: unknown name 'nope'"))

        // A new notebook gets a page.
        try project.write("gamma.md", "# Gamma\n\nA new page.\n")
        #expect(events.nextData(within: 60) == "4")
        #expect(try RawHTTP.get(port, "/gamma.html").text.contains("A new page."))
        #expect(try RawHTTP.get(port, "/").text.contains("gamma.html"))
    }

    @Test func aFolderTangentDidNotWriteIsNotServed() throws {
        let project = try PreviewProject()
        defer { project.remove() }
        let foreign = project.root.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        var options = ServeOptions()
        options.paths = [project.notebooks.path]
        options.port = 0
        options.outDirectory = foreign.path
        let capture = CapturedConsole()
        #expect(throws: UsageError.self) { try LivePreview(options, console: capture.console) }
        #expect(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }

    @Test func optionsAreParsed() throws {
        let o = try ServeOptions.parse([
            "nb", "--port", "0", "--host=0.0.0.0", "--out", "site", "--timeout", "5", "--no-cache", "more.md"
        ])
        #expect(o.paths == ["nb", "more.md"] && o.port == 0 && o.host == "0.0.0.0" && o.outDirectory == "site")
        #expect(o.timeout == 5 && o.noCache)
        let defaults = try ServeOptions.parse(["nb"])
        #expect(defaults.port == 8000 && defaults.host == "127.0.0.1" && defaults.outDirectory == nil)
        let render = o.renderOptions(out: "site")
        #expect(
            render.verb == .render && render.outDirectory == "site" && render.timeout == 5 && render.noCache
                && render.usesCache == false)
    }

    @Test(arguments: [
        (["nb", "--port", "http"], "--port needs a number from 0 to 65535"),
        (["nb", "--port", "70000"], "--port needs a number from 0 to 65535"),
        (["nb", "--prot", "1"], "did you mean '--port'?"),
        (["--port", "1"], "needs at least one PATH"),
        (["nb", "--host"], "option '--host' needs a value")
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) {
        do {
            _ = try ServeOptions.parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
