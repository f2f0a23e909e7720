import Foundation
import Language
import TestSupport
import Testing

/// Lists (docs/language.md#comprehensions-lists-and-strings) under the memory budget: each item is
/// a `Value` (`MemoryLayout<Value>.stride` bytes, not the 8 of a matrix entry), and `xs = xs + xs`,
/// a `range` or a comprehension with several `for` clauses could otherwise grow past the memory
/// the machine has. Runs the built binary with `TANGENT_ALLOCATION_LIMIT=1M`.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct ListAllocationTests {
    static let limit = 1 << 20
    static let stride = MemoryLayout<Value>.stride

    /// Runs `code` as the one block of a notebook under a 1 MiB allocation limit.
    static func run(_ code: String) throws -> (status: Int32, err: String, transcript: String, line: (Int) -> String) {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        let text = "# Lists\n\n```ntk\n" + code + "\n```\n"
        try text.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["run", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox,
            environment: ["TANGENT_ALLOCATION_LIMIT": "1M"])
        let lines = text.components(separatedBy: "\n")
        // Diagnostics name the file by its sandbox path; keep the part after it.
        return (r.status, r.err.replacingOccurrences(of: nb, with: "nb.md"), r.transcript, { lines[$0 - 1] })
    }

    @Test func strideIsWhatTheseTestsAssume() {
        // A list item costs more than 64 bytes, so 1 MiB holds fewer than 16 384 of them.
        #expect(Self.stride > 64 && Self.stride <= 128, "MemoryLayout<Value>.stride is \(Self.stride)")
    }

    @Test func doublingAListIsUnderTheBudget() throws {
        let r = try Self.run("xs = [1]\n" + String(repeating: "xs = xs + xs\n", count: 20))
        #expect(r.status == 1, "\(r.transcript)")
        // The first doubling past 4096 items whose list does not fit in 1 MiB.
        var k = 1
        while (1 << k) <= 4096 || (1 << k) * Self.stride <= Self.limit { k += 1 }
        let line = 4 + k  // xs = [1] is line 4; doubling j (1-based) is line 4 + j
        let column = try #require(DiagnosticText.column(of: "+", in: r.line(line)))
        #expect(
            r.err.contains("nb.md:\(line):\(column): error: the list of \(1 << k) items made by '+' needs"),
            "\(r.transcript)")
        #expect(r.err.contains("but only 1.0 MiB of memory is available"), "\(r.transcript)")
    }

    @Test func rangeCountsListItemsNotDoubles() throws {
        // 8 bytes a number would fit in 1 MiB; a list item's stride does not.
        let n = Self.limit / Self.stride + 1
        #expect(n * 8 < Self.limit)
        let r = try Self.run("xs = range(\(n))")
        #expect(r.status == 1, "\(r.transcript)")
        #expect(r.err.contains("nb.md:4:6: error: range() of \(n) numbers needs"), "\(r.transcript)")
    }

    @Test func aComprehensionWithSeveralForClausesIsUnderTheBudget() throws {
        let r = try Self.run("xs = [a for a in range(100) for b in range(1000)]")
        #expect(r.status == 1, "\(r.transcript)")
        var p = 4096
        while 2 * p * Self.stride <= Self.limit { p *= 2 }
        #expect(r.err.contains("nb.md:4:7: error: a comprehension of more than \(p) items needs"), "\(r.transcript)")
        // A small one is fine under the same limit.
        #expect(try Self.run("xs = [a * b for a in range(10) for b in range(100)]\nshow len(xs)").status == 0)
    }
}
