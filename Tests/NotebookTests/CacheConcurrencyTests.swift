import Foundation
import Language
import Testing

@testable import Notebook

/// `tangent run -j N` runs notebooks of one project at the same time, all storing into one
/// `.tangent/cache` (which does not exist yet when they start). Every entry must come out whole.
@Suite struct CacheConcurrencyTests {
    /// A notebook with a small binding (inside the entry) and a large one (a file of its own).
    static func text(_ k: Int) -> String {
        "```ntk {#small}\ns = \(k) + 1\nshow s\n```\n\n```ntk {#large}\nL = randn(200, 200) + \(k)\nshow sum(L)\n```\n\n"
            + "```ntk {#reads}\nshow L[0, 0] + s\n```\n"
    }

    static func run(_ project: Project, _ k: Int) throws -> NotebookResult {
        let url = project.root.appendingPathComponent("nb\(k).md")
        return Runner(notebookURL: url, useCache: true).run(try Notebook.parse(text(k), path: "nb\(k).md"))
    }

    @Test func notebooksStoringAtOnceAllLandInTheCache() throws {
        let p = try Project()
        defer { p.remove() }
        let count = 12
        for k in 0..<count {
            try CacheConcurrencyTests.text(k).write(
                to: p.root.appendingPathComponent("nb\(k).md"), atomically: true, encoding: .utf8)
        }
        let first = Results(count)
        DispatchQueue.concurrentPerform(iterations: count) { k in first.set(k, try? CacheConcurrencyTests.run(p, k)) }
        for k in 0..<count {
            let before = try #require(first.get(k))
            #expect(before.blocks.map(\.status) == [.ran, .ran, .ran])
            let again = try CacheConcurrencyTests.run(p, k)
            #expect(again.blocks.map(\.status) == [.cached, .cached, .cached], "nb\(k)")
            #expect(again.blocks.map(\.outputs) == before.blocks.map(\.outputs), "nb\(k)")
        }
        try expectNoTemporaryFiles(p)
    }

    /// Two processes on the same notebook write the same entries: whichever rename lands last
    /// wins, and what is left is a whole entry that serves the next run.
    @Test func theSameEntryWrittenAtOnceStaysWhole() throws {
        let p = try Project()
        defer { p.remove() }
        try CacheConcurrencyTests.text(0).write(
            to: p.root.appendingPathComponent("nb0.md"), atomically: true, encoding: .utf8)
        let runs = Results(6)
        DispatchQueue.concurrentPerform(iterations: 6) { i in runs.set(i, try? CacheConcurrencyTests.run(p, 0)) }
        let reference = try #require(runs.get(0))
        let again = try CacheConcurrencyTests.run(p, 0)
        #expect(again.blocks.map(\.status) == [.cached, .cached, .cached])
        #expect(again.blocks.map(\.outputs) == reference.blocks.map(\.outputs))
        try expectNoTemporaryFiles(p)
    }

    private func expectNoTemporaryFiles(_ p: Project) throws {
        let cache = p.root.appendingPathComponent(".tangent/cache")
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(!names.isEmpty)
        #expect(names.filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    /// Results written from several threads.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [NotebookResult?]
        init(_ count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: NotebookResult?) { lock.withLock { values[i] = r } }
        func get(_ i: Int) -> NotebookResult? { lock.withLock { values[i] } }
    }
}
