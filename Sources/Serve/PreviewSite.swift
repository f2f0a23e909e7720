import Foundation

/// Answers requests for a rendered site: its files with the right `Content-Type` (HTML pages
/// with the live-reload script tag added), that script, the build event stream, and 403/404
/// for the rest.
package struct PreviewSite: Sendable {
    /// The site folder, symbolic links resolved.
    package let root: String
    package let builds: BuildCounter

    package struct MissingFolder: Error, CustomStringConvertible {
        package var description: String
    }

    package init(directory: URL, builds: BuildCounter) throws(MissingFolder) {
        guard let root = SitePath.realPath(directory.path) else {
            throw MissingFolder(description: "the site folder '\(directory.path)' does not exist")
        }
        self.root = root
        self.builds = builds
    }

    package func respond(_ request: HTTPRequest) -> HTTPResponse {
        if request.target == LiveReload.eventsPath || request.target.hasPrefix(LiveReload.eventsPath + "?") {
            return LiveReload.events(builds)
        }
        if request.target == LiveReload.scriptPath || request.target.hasPrefix(LiveReload.scriptPath + "?") {
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", "text/javascript; charset=utf-8"), ("Cache-Control", "no-cache"),
                    ("X-Content-Type-Options", "nosniff")
                ], body: Array(LiveReload.clientScript.utf8))
        }
        switch SitePath.resolve(request.target, root: root) {
        case .badRequest: return .text(400, "bad request target")
        case .forbidden: return .text(403, "forbidden: outside the site")
        case .notFound: return .text(404, "not found: \(request.target)")
        case .redirect(let location): return .text(301, "moved to \(location)", headers: [("Location", location)])
        case .file(let path):
            // Read the build first: a page read during a rebuild is then older than the build it
            // names, and the next announcement reloads it again.
            let build = builds.current
            guard let data = FileManager.default.contents(atPath: path) else {
                return .text(404, "not found: \(request.target)")
            }
            let type = SitePath.contentType(of: path)
            var body = [UInt8](data)
            if type.hasPrefix("text/html") { body = LiveReload.inject(into: body, build: build) }
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", type), ("Cache-Control", "no-cache"),
                    ("X-Content-Type-Options", "nosniff")
                ], body: body)
        }
    }
}
