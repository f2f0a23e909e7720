import Foundation
import Testing

/// `tangent update` killed with SIGKILL at random moments leaves every notebook either as it
/// was or fully updated, never torn (the write is a temp file + fsync + rename).
@Suite(.serialized) struct KillTests {
    @Test func killedUpdatesNeverTearANotebook() throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try CorpusSandbox()
        defer { sandbox.remove() }
        // A notebook large enough that writing it takes a while, with a region to rewrite.
        var text = "# Kill test\n\n"
        for k in 0..<40 {
            text += "Block \(k) shows a large matrix and some text.\n\n```ntk {#m\(k)}\nA = randn(60, 6)\nshow A, \"matrix \(k)\"\nprint(\"sum\", sum(A))\n```\n\n"
        }
        let path = sandbox.path("big.md")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let first = try TangentBinary.run(["update", path, "--no-cache", "--quiet"], scratch: sandbox)
        #expect(first.status == 0, "\(first.transcript)")
        let updated = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(updated != original)

        var g = SystemRandomNumberGenerator()
        var sawOld = 0, sawNew = 0
        for attempt in 0..<60 {
            // Alternate the starting state so both "old → new" and "new → new" writes are killed.
            let start = attempt % 2 == 0 ? original : updated
            try start.write(to: URL(fileURLWithPath: path))
            let process = Process()
            process.executableURL = TangentBinary.url
            process.arguments = ["update", path, "--no-cache", "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...60_000, using: &g))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(now == original || now == updated, "attempt \(attempt): the notebook is torn (\(now.count) bytes)")
            if now == original { sawOld += 1 } else if now == updated { sawNew += 1 }
        }
        #expect(sawOld > 0, "no kill landed before the rename: the test did not exercise the write")
        // A killed writer can leave its temp file behind, never a damaged notebook.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.allSatisfy { $0.hasPrefix(".big.md.") })
    }
}
