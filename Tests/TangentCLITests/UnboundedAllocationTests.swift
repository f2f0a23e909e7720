import Foundation
import TestSupport
import Testing

/// Allocations that used to bypass the memory budget: strings grown by `+` (line after line or
/// block after block), `predict` at a list of times (one m×k result per time), and what a
/// block shows (a 16 MiB string printed once made a 64 MiB notebook).
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct UnboundedAllocationTests {
    /// `s = "x"` doubled `count` times, by lines of one block or by blocks of one line each.
    static func doubling(_ count: Int, byBlocks: Bool) -> String {
        var text = "# Strings\n\n```ntk\ns = \"x\"\n"
        for _ in 0..<count { text += byBlocks ? "```\n\n```ntk\ns = s + s\n" : "s = s + s\n" }
        return text + "```\n"
    }

    @Test(arguments: [false, true])
    func stringConcatenationIsUnderTheBudget(byBlocks: Bool) throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        let text = Self.doubling(24, byBlocks: byBlocks)
        try text.write(toFile: nb, atomically: true, encoding: .utf8)
        let free = try TangentBinary.run(["run", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox)
        #expect(free.status == 0, "\(free.transcript)")
        // 1 MiB allows 2^20 bytes: the 20th doubling fits, the 21st (2 MiB) does not.
        let r = try TangentBinary.run(
            ["run", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox,
            environment: ["TANGENT_ALLOCATION_LIMIT": "1M"])
        #expect(r.reason == .exit && r.status == 1, "\(r.transcript)")
        let lines = text.components(separatedBy: "\n")
        let doublings = lines.indices.filter { lines[$0] == "s = s + s" }
        let line = doublings[20] + 1
        let column = try #require(DiagnosticText.column(of: "+", in: lines[line - 1]))
        #expect(r.err.contains("\(nb):\(line):\(column): error: "), "\(r.transcript)")
        #expect(r.err.contains("needs 2.0 MiB but only 1.0 MiB of memory is available"), "\(r.transcript)")
    }

    @Test func predictAtAListOfTimesIsUnderTheBudget() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        func notebook(times: Int) -> (text: String, line: String) {
            let call = "r = predict(K, y, Kt, t: linspace(0, 1, \(times)))"
            return ("# P\n\n```ntk\nK = eye(10)\ny = ones(10, 1)\nKt = ones(1000, 10)\n\(call)\n```\n", call)
        }
        // A few times: fine under 64 MiB.
        try notebook(times: 10).text.write(toFile: nb, atomically: true, encoding: .utf8)
        let few = try TangentBinary.run(
            ["run", nb, "--no-cache"], in: sandbox.root, scratch: sandbox,
            environment: ["TANGENT_ALLOCATION_LIMIT": "64M"])
        #expect(few.status == 0, "\(few.transcript)")
        // 20 000 times of a 1000×1 result: 160 MB of results alone.
        let (text, call) = notebook(times: 20000)
        try text.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(
            ["run", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox,
            environment: ["TANGENT_ALLOCATION_LIMIT": "64M"])
        #expect(r.reason == .exit && r.status == 1, "\(r.transcript)")
        let column = try #require(DiagnosticText.column(of: "linspace", in: call))
        #expect(r.err.contains("\(nb):7:\(column): error: predict at 20000 times"), "\(r.transcript)")
        #expect(r.err.contains("but only 64.0 MiB of memory is available"), "\(r.transcript)")
    }

    @Test func aHugePrintFailsItsBlockInsteadOfBloatingTheNotebook() throws {
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        // 2^24 bytes = 16 MiB, printed.
        var text = Self.doubling(24, byBlocks: false)
        text = text.replacingOccurrences(of: "s = s + s\n```", with: "s = s + s\nprint(s)\n```")
        try text.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try TangentBinary.run(["update", nb, "--no-cache", "--quiet"], in: sandbox.root, scratch: sandbox)
        #expect(r.reason == .exit && r.status == 1, "\(r.transcript)")
        let lines = text.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex(of: "print(s)")) + 1
        #expect(r.err.contains("\(nb):\(line):1: error: "), "\(r.transcript)")
        #expect(r.err.contains("over the limit of 1 MiB of text per block"), "\(r.transcript)")
        let size = try FileManager.default.attributesOfItem(atPath: nb)[.size] as? Int ?? .max
        #expect(size < 64 * 1024, "the notebook grew to \(size) bytes")
    }
}
