import Foundation
import Serve
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tangent serve` as a user runs it: the built binary in a subprocess, its printed URL, a real
/// request, and the exit status after SIGINT or SIGTERM. Skipped without `.build/debug/tangent`.
@Suite(.serialized, .enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` first"))
struct ServeBinaryTests {

    /// A running `tangent serve`, its output going to files.
    final class Server {
        let process = Process()
        let out: URL, err: URL

        init(_ arguments: [String], in project: PreviewProject) throws {
            out = project.root.appendingPathComponent("stdout.txt")
            err = project.root.appendingPathComponent("stderr.txt")
            try Data().write(to: out)
            try Data().write(to: err)
            process.executableURL = TangentBinary.url
            process.arguments = ["serve"] + arguments
            process.currentDirectoryURL = project.root
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
        }

        var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

        /// The port from the `serving http://127.0.0.1:PORT/` line, once it is printed.
        func port(within seconds: Double) -> UInt16? {
            var port: UInt16?
            _ = eventually(within: seconds) {
                guard
                    let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("serving http://127.0.0.1:") })
                else {
                    return !process.isRunning
                }
                port = UInt16(line.dropFirst("serving http://127.0.0.1:".count).dropLast())
                return true
            }
            return port
        }

        /// The exit status, or nil when it did not exit in time (it is then killed).
        func exitStatus(within seconds: Double) -> (Process.TerminationReason, Int32)? {
            guard eventually(within: seconds, { !process.isRunning }) else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return (process.terminationReason, process.terminationStatus)
        }
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func servesUntilASignalStopsIt(signal: Int32, status: Int32) throws {
        let project = try PreviewProject()
        defer { project.remove() }
        let server = try Server(["notebooks", "--port", "0"], in: project)
        let port = try #require(server.port(within: 60), "no URL printed:\n\(server.stdout)\n\(server.stderr)")
        let page = try RawHTTP.get(port, "/alpha.html")
        #expect(page.status == 200 && page.text.contains("alpha says 5"))
        kill(server.process.processIdentifier, signal)
        let exit = server.exitStatus(within: 10)
        #expect(exit?.0 == .exit && exit?.1 == status, "\(String(describing: exit))\n\(server.stderr)")
    }

    @Test func aTakenPortOrABadOptionIsAUsageError() throws {
        let project = try PreviewProject()
        defer { project.remove() }
        let taken = try HTTPServer(host: "127.0.0.1", port: 0) { _ in .text(200, "") }
        defer { taken.stop() }
        let busy = try Server(["notebooks", "--port", String(taken.port)], in: project)
        #expect(busy.exitStatus(within: 60).map { $0.1 } == 2)
        #expect(
            busy.stderr.contains("error: cannot listen on 127.0.0.1:\(taken.port): Address already in use"),
            "\(busy.stderr)")

        let bad = try Server(["notebooks", "--port", "eighty"], in: project)
        #expect(bad.exitStatus(within: 10).map { $0.1 } == 2)
        #expect(bad.stderr.contains("error: --port needs a number"), "\(bad.stderr)")
    }
}
