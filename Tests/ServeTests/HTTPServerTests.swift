import Foundation
import TestSupport
import Testing

@testable import Serve

#if canImport(Glibc)
import Glibc
#endif

/// A site folder in a temporary directory, with a secret file beside it (outside the site)
/// and a symbolic link inside the site that points at the secret.
struct SiteFixture {
    let folder: TemporaryFolder
    var base: URL { folder.root }
    var site: URL { base.appendingPathComponent("site") }
    static let secret = "TOP-SECRET-OUTSIDE-THE-SITE"

    init() throws {
        folder = try TemporaryFolder("serve")
        let files: [String: [UInt8]] = [
            "index.html": Array("<!doctype html><html><body><h1>Index</h1></body></html>\n".utf8),
            "page.html": Array("<!doctype html><html><BODY><p>A page</p></BODY></html>\n".utf8),
            "assets/tangent.css": Array("body { color: red; }\n".utf8),
            "assets/search.js": Array("console.log(1);\n".utf8),
            "search-index.js": Array("window.X = [];\n".utf8),
            "assets/katex/fonts/KaTeX_Main-Regular.woff2": [0x77, 0x4f, 0x46, 0x32, 0, 1, 2, 3],
            "figure.svg": Array("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n".utf8),
            "data.json": Array("{\"a\": 1}\n".utf8),
            "image.png": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
            "part/index.html": Array("<html><body>part</body></html>\n".utf8),
            "part/deep.html": Array("<p>no body tag</p>\n".utf8),
            ".tangent-site.json": Array("[]\n".utf8),
            "big.bin": [UInt8](repeating: 7, count: 4 << 20)
        ]
        for (path, bytes) in files {
            let url = site.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try Data(SiteFixture.secret.utf8).write(to: base.appendingPathComponent("secret.txt"))
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent("escape.txt").path,
            withDestinationPath: base.appendingPathComponent("secret.txt").path)
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent("outside").path,
            withDestinationPath: base.path)
    }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: site.appendingPathComponent(path))) }

    func remove() { folder.remove() }
}

/// A server on a free port serving a fixture site.
final class RunningSite {
    let fixture: SiteFixture
    let builds = BuildCounter()
    let server: HTTPServer

    init() throws {
        fixture = try SiteFixture()
        let site = try PreviewSite(directory: fixture.site, builds: builds)
        server = try HTTPServer(host: "127.0.0.1", port: 0, handler: site.respond)
        server.start()
    }

    var port: UInt16 { server.port }

    deinit {
        builds.close()
        server.stop()
        fixture.remove()
    }
}

struct HTTPServerTests {
    @Test(arguments: [
        ("/assets/tangent.css", "text/css; charset=utf-8"),
        ("/assets/search.js", "text/javascript; charset=utf-8"),
        ("/search-index.js", "text/javascript; charset=utf-8"),
        ("/assets/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2"),
        ("/figure.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/image.png", "image/png")
    ])
    func servesFilesWithTheirContentType(path: String, type: String) throws {
        let s = try RunningSite()
        let r = try RawHTTP.get(s.port, path)
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == type)
        #expect(r.body == (try s.fixture.bytes(String(path.dropFirst()))), "a non-HTML file is served byte for byte")
        #expect(r.headers["content-length"] == String(r.body.count))
    }

    @Test func pagesGetTheReloadScriptButTheFilesDoNot() throws {
        let s = try RunningSite()
        for (target, file) in [
            ("/", "index.html"), ("/page.html", "page.html"), ("/part/", "part/index.html"),
            ("/part/deep.html", "part/deep.html")
        ] {
            let r = try RawHTTP.get(s.port, target)
            #expect(r.status == 200, "\(target)")
            #expect(r.headers["content-type"] == "text/html; charset=utf-8", "\(target)")
            let onDisk = String(decoding: try s.fixture.bytes(file), as: UTF8.self)
            #expect(!onDisk.contains("EventSource"))
            #expect(
                r.text.contains("<script src=\"/__tangent/live-reload.js\" data-build=\"1\"></script>"), "\(target)")
            // The page is the file with the script inserted before </body> (or appended).
            let script = LiveReload.script(build: 1)
            if let close = onDisk.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
                #expect(r.text == onDisk[..<close.lowerBound] + script + onDisk[close.lowerBound...], "\(target)")
            } else {
                #expect(r.text == onDisk + script, "\(target)")
            }
        }
    }

    @Test func theReloadScriptIsAFileOfTheServer() throws {
        // A file, not inline code: the site's Content-Security-Policy runs only the site's own files.
        let s = try RunningSite()
        let r = try RawHTTP.get(s.port, "/__tangent/live-reload.js")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "text/javascript; charset=utf-8")
        #expect(r.text.contains("new EventSource(\"/__tangent/events\")"))
        #expect(r.text.contains("getAttribute(\"data-build\")"))
    }

    @Test func headSendsTheHeadersOfGetWithoutABody() throws {
        let s = try RunningSite()
        let get = try RawHTTP.get(s.port, "/assets/tangent.css")
        let fd = try RawHTTP.connect(s.port)
        defer { close(fd) }
        RawHTTP.send(fd, "HEAD /assets/tangent.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let raw = RawHTTP.readToEnd(fd)
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"), "no body after the head: \(text.debugDescription)")
        #expect(text.contains("Content-Length: \(get.body.count)\r\n"))
        #expect(text.contains("Content-Type: text/css; charset=utf-8\r\n"))
    }

    @Test(arguments: [
        "/missing.html", "/assets/nothing.css", "/part/missing/", "/.tangent-site.json", "/assets/.hidden"
    ])
    func missingAndHiddenFilesAre404(path: String) throws {
        let s = try RunningSite()
        let r = try RawHTTP.get(s.port, path)
        #expect(r.status == 404)
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/assets/..%2f..%2fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/part/../../secret.txt", "/./../secret.txt", "/escape.txt",
        "/outside/secret.txt", "/outside/", "/outside", "http://127.0.0.1/../secret.txt", "/%00", "/%zz",
        "secret.txt", "/..", "/%2e%2e%2fsecret.txt"
    ])
    func nothingOutsideTheSiteIsServed(target: String) throws {
        let s = try RunningSite()
        let r = try RawHTTP.get(s.port, target)
        #expect([400, 403, 404].contains(r.status), "\(target) → \(r.status)")
        #expect(!r.text.contains(SiteFixture.secret))
    }

    @Test func aFolderWithoutItsSlashIsRedirected() throws {
        let s = try RunningSite()
        let r = try RawHTTP.get(s.port, "/part")
        #expect(r.status == 301)
        #expect(r.headers["location"] == "/part/")
        // `//host` would send the browser elsewhere: the Location keeps one leading slash.
        let twice = try RawHTTP.get(s.port, "//part")
        #expect(twice.headers["location"] == "/part/")
    }

    @Test func otherMethodsAndMalformedRequestsAreRefused() throws {
        let s = try RunningSite()
        let post = try RawHTTP.exchange(s.port, "POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(try RawHTTP.exchange(s.port, "garbage\r\n\r\n").status == 400)
        #expect(try RawHTTP.exchange(s.port, "GET / HTTP/2.0\r\n\r\n").status == 400)
        #expect(try RawHTTP.exchange(s.port, "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").status == 400)
        let huge =
            "GET / HTTP/1.1\r\n" + String(repeating: "X-Filler: \(String(repeating: "a", count: 1000))\r\n", count: 40)
            + "\r\n"
        #expect(try RawHTTP.exchange(s.port, huge).status == 431)
    }

    @Test func oneConnectionServesSeveralRequests() throws {
        let s = try RunningSite()
        let fd = try RawHTTP.connect(s.port)
        defer { close(fd) }
        RawHTTP.send(
            fd,
            "GET /data.json HTTP/1.1\r\nHost: x\r\n\r\nGET /figure.svg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        var bytes = RawHTTP.readToEnd(fd)
        let first = RawHTTP.parse(&bytes)
        let second = RawHTTP.parse(&bytes)
        #expect(first?.status == 200 && first?.headers["connection"] == "keep-alive")
        #expect(first?.body == (try s.fixture.bytes("data.json")))
        #expect(second?.status == 200 && second?.headers["connection"] == "close")
        #expect(second?.body == (try s.fixture.bytes("figure.svg")))
        #expect(bytes.isEmpty)
    }

    @Test func clientsThatHangUpMidResponseDoNotStopTheServer() throws {
        let s = try RunningSite()
        for _ in 0..<20 {
            let fd = try RawHTTP.connect(s.port)
            RawHTTP.send(fd, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            // Close at once with a reset: the server's writes of the 4 MiB body fail (EPIPE / ECONNRESET).
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
        }
        let r = try RawHTTP.get(s.port, "/big.bin")
        #expect(r.status == 200)
        #expect(r.body.count == 4 << 20)
    }

    @Test func theEventStreamAnnouncesEachNewBuild() throws {
        let s = try RunningSite()
        let events = try EventStreamClient(port: s.port)
        #expect(events.status == 200)
        #expect(events.nextData(within: 5) == "1")
        s.builds.advance()
        #expect(events.nextData(within: 5) == "2")
        // A page fetched now names the new build, so it does not reload again.
        #expect(try RawHTTP.get(s.port, "/page.html").text.contains("data-build=\"2\""))
        // Builds in quick succession may be announced together: the stream only ever moves on.
        s.builds.advance()
        s.builds.advance()
        var seen: [String] = []
        while seen.last != "4", let next = events.nextData(within: 5) { seen.append(next) }
        #expect(seen == ["4"] || seen == ["3", "4"])
    }

    @Test func stoppingEndsEventStreamsAndFreesThePort() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let builds = BuildCounter()
        let site = try PreviewSite(directory: fixture.site, builds: builds)
        let server = try HTTPServer(host: "127.0.0.1", port: 0, handler: site.respond)
        server.start()
        let events = try EventStreamClient(port: server.port)
        #expect(events.nextData(within: 5) == "1")
        builds.close()
        server.stop()
        #expect(events.nextData(within: 5) == nil)
        // The same port can be bound again at once.
        let again = try HTTPServer(host: "127.0.0.1", port: server.port, handler: site.respond)
        again.stop()
    }

    @Test func aTakenPortIsReported() throws {
        let s = try RunningSite()
        #expect(throws: HTTPServer.ListenError.self) {
            try HTTPServer(host: "127.0.0.1", port: s.port) { _ in .text(200, "") }
        }
        do {
            _ = try HTTPServer(host: "example.org", port: 0) { _ in .text(200, "") }
            Issue.record("a host name that is not an address was accepted")
        } catch {
            #expect(error.description.contains("not an IPv4 address"))
        }
    }
}
