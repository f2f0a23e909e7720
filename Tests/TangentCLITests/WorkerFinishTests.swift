import Foundation
import TangentSupport
import TestSupport
import Testing

/// A kernel worker sends its last result, finishes its cache entries and closes its pipes
/// before it ends; `tangent` goes on without waiting for the system to free the worker's
/// memory. Nothing may be lost on the way: every block's result, the cache entries, and the
/// worker's peak memory in `--json`.
@Suite(.serialized, .enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct WorkerFinishTests {
    /// A block that binds a 2000 × 2000 matrix (32 MB) and a slow block whose small value the
    /// cache keeps (it costs far more to recompute than to read back).
    static let notebook = """
        # Worker

        ```ntk {#big}
        A = ones(2000, 2000)
        show sum(A)
        ```

        ```ntk {#slow}
        s = 0
        for i in range(200000):
            s = s + i
        show s
        ```

        """

    static func report(_ path: String) throws -> [String: Any] {
        let notebooks = CorpusReport.notebooks(try CorpusReport.load(path))
        return try #require(notebooks.first)
    }

    @Test func everyResultAndCacheEntryArrivesAndThePeakMemoryIsTheWorkers() throws {
        let sandbox = try TemporaryFolder("worker-finish")
        defer { sandbox.remove() }
        try Data().write(to: sandbox.root.appendingPathComponent("tangent.toml"))
        try Self.notebook.write(toFile: sandbox.path("nb.md"), atomically: true, encoding: .utf8)

        let first = try TangentBinary.run(
            ["run", "nb.md", "--json", "1.json"], in: sandbox.root, scratch: sandbox, watchdog: 120)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("4e+06") || first.out.contains("4000000"), "\(first.out)")
        #expect(first.out.contains("19999900000"), "\(first.out)")
        let notebook = try Self.report(sandbox.path("1.json"))
        let statuses = CorpusReport.blocks(notebook).compactMap { $0["status"] as? String }
        #expect(statuses == ["ran", "ran"])
        // The worker held the 32 MB matrix: its peak, not the parent's, is reported.
        let peak = try #require(notebook["peak_memory_bytes"] as? Double)
        #expect(peak >= 32_000_000)
        #expect(peak < 16 * Double(1 << 30))

        // The slow block's entry was complete when `tangent` exited: the next run restores it.
        let second = try TangentBinary.run(
            ["run", "nb.md", "--json", "2.json"], in: sandbox.root, scratch: sandbox, watchdog: 120)
        #expect(second.status == 0, "\(second.err)")
        let again = CorpusReport.blocks(try Self.report(sandbox.path("2.json"))).compactMap { $0["status"] as? String }
        #expect(again.last == "cached")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: sandbox.path(".tangent")).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }
}
