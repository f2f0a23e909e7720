import Foundation
import NTKCore
import Notebook
import Render
import Serve
import TangentSupport

/// `tangent serve`: renders the site exactly as `tangent render` does, serves it over HTTP, and
/// renders it again (blocks come from the cache) whenever a notebook under the paths is saved,
/// added or removed; open pages then reload themselves.
final class LivePreview: Sendable {
    let siteDirectory: URL
    let builds = BuildCounter()
    let server: HTTPServer
    let watcher: FileWatcher

    /// Renders once and starts listening; throws (after the render printed its own errors) when
    /// there is nothing to serve or the address is taken.
    init(_ options: ServeOptions, console: Console) throws(UsageError) {
        let files = try NotebookFiles.collect(options.paths)
        let site: URL
        if let out = options.outDirectory {
            site = URL(fileURLWithPath: out)
        } else {
            site = try LivePreview.defaultSite(for: files)
        }
        siteDirectory = site
        let notebooks: @Sendable () throws(UsageError) -> [NotebookFiles.Found] = {
            try LivePreview.notebooks(options.paths, outside: site)
        }
        LivePreview.render(try notebooks(), options, site: site, console: console)
        // The render refuses a folder it did not write, and then there is nothing to serve.
        guard FileManager.default.fileExists(atPath: site.appendingPathComponent(SiteBuilder.manifestName).path),
            let preview = try? PreviewSite(directory: site, builds: builds)
        else {
            throw UsageError("nothing to serve: no site was written into '\(site.path)'")
        }
        do {
            server = try HTTPServer(host: options.host, port: options.port, handler: preview.respond)
        } catch {
            throw UsageError(error.description)
        }
        let builds = builds
        let rebuild: @Sendable ([String]) -> Void = { changed in
            console.out("changed: \(changed.joined(separator: ", "))\n")
            do throws(UsageError) {
                LivePreview.render(try notebooks(), options, site: site, console: console)
                console.out("build \(builds.advance()) ready\n")
            } catch {
                console.err("error: \(error.message)\n")
            }
        }
        watcher = FileWatcher(files: { (try? notebooks())?.map(\.display) ?? [] }, onChange: rebuild)
        server.start()
        watcher.start()
    }

    var url: String { server.url }

    /// Stops watching, ends the event streams and closes the server.
    func stop() {
        watcher.stop()
        builds.close()
        server.stop()
    }

    /// One build: the `tangent render` session, which prints its summary and any errors (a
    /// failing notebook shows its error on its page; the server keeps going).
    static func render(_ files: [NotebookFiles.Found], _ options: ServeOptions, site: URL, console: Console) {
        _ = Session(options: options.renderOptions(out: site.path), console: console).execute(files)
    }

    /// The notebooks under the paths, leaving out any inside the site folder.
    static func notebooks(_ paths: [String], outside site: URL) throws(UsageError) -> [NotebookFiles.Found] {
        let prefix = site.standardizedFileURL.path + "/"
        return try NotebookFiles.collect(paths).filter { !$0.url.standardizedFileURL.path.hasPrefix(prefix) }
    }

    /// `.tangent/site` under the first notebook's project root (beside the cache, git-ignored).
    /// `.tangent` is made (and its `.gitignore` written) by a confined walk from the project
    /// root: a `.tangent` that is a symbolic link leading out of the project is refused.
    static func defaultSite(for files: [NotebookFiles.Found]) throws(UsageError) -> URL {
        let root =
            files.first.map { ProjectRoot.find(for: $0.url) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let tangent = root.appendingPathComponent(".tangent")
        do {
            let project = try ConfinedFolder(root, create: false)
            _ = try project.folder(".tangent")
            if project.kind(of: ".tangent/.gitignore") != .file {
                try? project.write(
                    Data("# Tangent's cache and preview site: safe to delete, never commit.\n*\n".utf8),
                    to: ".tangent/.gitignore")
            }
        } catch {
            throw UsageError(
                "cannot put the preview site in '\(tangent.path)': \(error.message) (or choose a folder with --out)")
        }
        return tangent.appendingPathComponent("site")
    }
}
