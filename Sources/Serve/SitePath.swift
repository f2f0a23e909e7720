import Foundation
import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// Maps a request target to a file of the site folder, refusing anything that could reach
/// outside it: `..` segments (also percent-encoded), NUL bytes, and symbolic links that lead
/// out. Hidden files (the render's manifest and math cache) are not served.
package enum SitePath {
    package enum Resolution: Equatable, Sendable {
        case file(String)
        /// A folder asked for without its trailing slash: relative links need it.
        case redirect(String)
        case badRequest
        case forbidden
        case notFound
    }

    /// `root` must be an absolute path with symbolic links resolved.
    package static func resolve(_ target: String, root: String) -> Resolution {
        var path = Substring(target)
        // The absolute form (`GET http://host/path`), which HTTP/1.1 servers must accept.
        if let scheme = path.range(of: "://"), path.hasPrefix("http") {
            let rest = path[scheme.upperBound...]
            path = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        guard path.hasPrefix("/"), let decoded = PercentDecoding.decode(path), !decoded.contains("\0") else {
            return .badRequest
        }
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/") {
            if segment == ".." { return .forbidden }
            if segment == "." { continue }
            if segment.hasPrefix(".") { return .notFound }
            segments.append(segment)
        }
        let candidate = ([root] + segments.map(String.init)).joined(separator: "/")
        guard let real = realPath(candidate) else { return .notFound }
        guard real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else { return .forbidden }
        var info = stat()
        guard stat(real, &info) == 0 else { return .notFound }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return .file(real)
        case S_IFDIR:
            // One leading slash: `//host` in a Location header would leave the site.
            guard decoded.hasSuffix("/") else { return .redirect("/" + path.drop { $0 == "/" } + "/") }
            let index = real + "/index.html"
            guard stat(index, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .notFound }
            return .file(index)
        default:
            return .notFound
        }
    }

    /// The path with symbolic links resolved; nil when it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The `Content-Type` for a file, by its extension.
    package static func contentType(of path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json", "map": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "ttf": return "font/ttf"
        case "otf": return "font/otf"
        case "txt", "": return "text/plain; charset=utf-8"
        case "md": return "text/markdown; charset=utf-8"
        case "csv": return "text/csv; charset=utf-8"
        case "xml": return "application/xml"
        case "pdf": return "application/pdf"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }
}
