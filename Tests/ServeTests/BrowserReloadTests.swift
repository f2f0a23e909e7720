import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Render
@testable import Serve

#if canImport(Glibc)
import Glibc
#endif

/// The reload script in a real browser: headless Chromium opens a served page, subscribes to
/// the events, and loads the page again when a new build is announced; the page carries the
/// site's Content-Security-Policy, which runs only script files of the site or server.
struct BrowserReloadTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium (scripts/test.sh installs it)"))
    func anOpenPageReloadsOnANewBuild() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let policy =
            "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLText.escape(SiteAssets.contentSecurityPolicy))\">"
        try Data("<!doctype html><html><head>\(policy)</head><body><p>A page</p></body></html>\n".utf8)
            .write(to: fixture.site.appendingPathComponent("policy.html"))
        let builds = BuildCounter()
        let site = try PreviewSite(directory: fixture.site, builds: builds)
        let requests = Mutex<[String]>([])
        let server = try HTTPServer(host: "127.0.0.1", port: 0) { request in
            requests.withLock { $0.append(request.target) }
            return site.respond(request)
        }
        server.start()
        defer {
            builds.close()
            server.stop()
        }
        let profile = fixture.base.appendingPathComponent("profile")
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: BrowserReloadTests.chromium!)
        browser.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--user-data-dir=\(profile.path)",
            "--remote-debugging-port=0", "\(server.url)policy.html"
        ]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        defer {
            kill(browser.processIdentifier, SIGKILL)
            browser.waitUntilExit()
        }
        func count(_ target: String) -> Int { requests.withLock { $0.filter { $0 == target }.count } }

        #expect(
            eventually(within: 30) { count("/__tangent/events") >= 1 },
            "the page never subscribed: \(requests.withLock { $0 })")
        #expect(count("/policy.html") == 1)
        #expect(count(LiveReload.scriptPath) >= 1)
        builds.advance()
        #expect(
            eventually(within: 30) { count("/policy.html") >= 2 },
            "the page did not reload: \(requests.withLock { $0 })")
        // The reloaded page names build 2, so it subscribes again and stays.
        #expect(eventually(within: 30) { count("/__tangent/events") >= 2 })
    }
}
