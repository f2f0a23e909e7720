import Foundation
import TestSupport
import Testing

/// `tangent update` killed with SIGKILL at random moments leaves every notebook either as it
/// was or fully updated, never torn (the write is a temp file + fsync + rename).
@Suite(.serialized) struct KillTests {
    @Test func killedUpdatesNeverTearANotebook() throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        // A notebook large enough that writing it takes a while, with a region to rewrite.
        var text = "# Kill test\n\n"
        for k in 0..<40 {
            text +=
                "Block \(k) shows a large matrix and some text.\n\n```ntk {#m\(k)}\nA = randn(60, 6)\nshow A, \"matrix \(k)\"\nprint(\"sum\", sum(A))\n```\n\n"
        }
        let path = sandbox.path("big.md")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let first = try TangentBinary.run(["update", path, "--no-cache", "--quiet"], scratch: sandbox)
        #expect(first.status == 0, "\(first.transcript)")
        let updated = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(updated != original)

        // Kill moments spread over a whole update (measured here, not assumed).
        let clock = ContinuousClock()
        try original.write(to: URL(fileURLWithPath: path))
        let timed = try clock.measure {
            _ = try TangentBinary.run(["update", path, "--no-cache", "--quiet"], scratch: sandbox)
        }
        let seconds = Double(timed.components.seconds) + Double(timed.components.attoseconds) / 1e18
        let span = UInt32(max(20_000, min(400_000, seconds * 1.2e6)))  // microseconds

        var g = SystemRandomNumberGenerator()
        var sawOld = 0
        var sawNew = 0
        let kills = 100
        for attempt in 0..<kills {
            // Every attempt starts from the old notebook, so every run has a write to interrupt.
            try original.write(to: URL(fileURLWithPath: path))
            _ = try SignalTests.interrupt(
                ["update", path, "--no-cache", "--quiet"], with: SIGKILL, within: span, using: &g)
            let now = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(now == original || now == updated, "attempt \(attempt): the notebook is torn (\(now.count) bytes)")
            if now == original { sawOld += 1 } else if now == updated { sawNew += 1 }
        }
        print(
            "KillTests: \(kills) SIGKILLs over 0–\(span / 1000) ms: \(sawOld) left the old notebook, \(sawNew) the new one, \(kills - sawOld - sawNew) torn"
        )
        #expect(sawOld > 0, "no kill landed before the rename: the test did not exercise the write")
        #expect(sawNew > 0, "no kill landed after the rename: the kill moments did not span the run")
        // A killed writer can leave its temp file behind, never a damaged notebook.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.allSatisfy { $0.hasPrefix(".big.md.") })
    }
}
