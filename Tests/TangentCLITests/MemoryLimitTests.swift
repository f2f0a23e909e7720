import Foundation
import TestSupport
import Testing

/// `TANGENT_MEMORY_LIMIT` (the whole process) and `TANGENT_ALLOCATION_LIMIT` (one allocation)
/// lower the memory budget that every notebook-sized allocation is checked against.
@Suite struct MemoryLimitTests {
    static func run(_ notebook: String, scratch: TemporaryFolder, environment: [String: String]) throws -> (
        status: Int32, err: String
    ) {
        let r = try TangentBinary.run(
            ["run", notebook, "--no-cache", "--quiet"], scratch: scratch, environment: environment)
        return (r.status, r.err)
    }

    @Test(arguments: ["TANGENT_MEMORY_LIMIT", "TANGENT_ALLOCATION_LIMIT"])
    func aLimitRefusesWhatWouldFitTheMachine(_ variable: String) throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("corpus")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        try "# M\n\n```ntk\nA = zeros(5000, 5000)\nshow rows(A)\n```\n".write(
            toFile: nb, atomically: true, encoding: .utf8)
        let free = try Self.run(nb, scratch: sandbox, environment: [:])
        #expect(free.status == 0, "\(free.err)")
        let capped = try Self.run(nb, scratch: sandbox, environment: [variable: "100M"])
        #expect(capped.status == 1)
        #expect(capped.err.contains("nb.md:4:5: error: a 5000×5000 matrix needs 0.2 GiB but only"), "\(capped.err)")
    }
}
