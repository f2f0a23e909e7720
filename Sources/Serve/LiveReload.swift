import Foundation

/// The number of the site build being served; pages learn of a new one through
/// Server-Sent Events on `/__tangent/events` and reload.
package final class BuildCounter: @unchecked Sendable {
    // NSCondition guards `number` and `closed`; waiters sleep on it.
    private let condition = NSCondition()
    private var number: Int
    private var closed = false

    package init(_ first: Int = 1) { number = first }

    package var current: Int {
        condition.lock()
        defer { condition.unlock() }
        return number
    }

    /// Announces a new build; returns its number.
    @discardableResult
    package func advance() -> Int {
        condition.lock()
        defer { condition.unlock() }
        number += 1
        condition.broadcast()
        return number
    }

    /// Ends every event stream (the server is stopping).
    package func close() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
    }

    /// Waits until the build is no longer `seen`, the counter closes, or `seconds` pass; returns
    /// the current build, or nil when closed.
    package func wait(after seen: Int, seconds: Double) -> Int? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while number == seen && !closed {
            if !condition.wait(until: deadline) { break }
        }
        return closed ? nil : number
    }
}

/// The live-reload protocol: a script tag added to each HTML page as it is served (the files on
/// disk are untouched), the script it loads and the event stream that script listens to.
///
/// The script is a file of the server's, not inline code: the site's Content-Security-Policy
/// allows only scripts loaded from the site itself, and a served page must still reload.
package enum LiveReload {
    package static let eventsPath = "/__tangent/events"
    package static let scriptPath = "/__tangent/live-reload.js"
    /// A comment is sent this often when nothing happens, so a client that left is noticed.
    static let keepAliveSeconds = 15.0

    /// The tag added to a page: the page's build rides on the tag, so the script stays one file.
    package static func script(build: Int) -> String {
        "<script src=\"\(scriptPath)\" data-build=\"\(build)\"></script>\n"
    }

    /// Reloads the page when the stream announces a build other than the one it was served from.
    /// EventSource reconnects by itself, so a restarted server also reloads open pages.
    package static let clientScript = """
        // tangent serve: reload when the site is rebuilt (added by the server, not in the site).
        (function () {
          var me = document.currentScript;
          if (!window.EventSource || !me) return;
          var build = me.getAttribute("data-build");
          var events = new EventSource("\(eventsPath)");
          events.onmessage = function (e) { if (e.data !== build) { events.close(); location.reload(); } };
        })();

        """

    /// The page with the script inserted before its last `</body>` (appended when there is none).
    package static func inject(into html: [UInt8], build: Int) -> [UInt8] {
        let script = Array(script(build: build).utf8)
        let tag = Array("</body>".utf8)
        var i = html.count - tag.count
        while i >= 0 {
            if zip(html[i..<(i + tag.count)], tag).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
                return Array(html[..<i]) + script + Array(html[i...])
            }
            i -= 1
        }
        return html + script
    }

    /// `text/event-stream`: the current build at once, then each new one as it is announced.
    package static func events(_ builds: BuildCounter) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")]) {
            stream in
            var seen = builds.current
            guard stream.write("retry: 1000\ndata: \(seen)\n\n") else { return }
            while let now = builds.wait(after: seen, seconds: keepAliveSeconds) {
                let message = now == seen ? ": keep-alive\n\n" : "data: \(now)\n\n"
                guard stream.write(message) else { return }
                seen = now
            }
        }
    }
}
