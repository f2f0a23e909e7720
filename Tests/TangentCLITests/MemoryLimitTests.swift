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

    /// A kernel worker keeps the large buffers a block frees for its next allocations
    /// (`MemoryRetention`), which its resident size then still counts; under a limit, that
    /// memory is given back before anything is refused. Here the 384 MB matrix is freed and the
    /// 648 MB one fits under 1000 MB only once it has been given back (with the 384 MB still
    /// resident, `TANGENT_MEMORY_LIMIT` minus the resident size leaves about 580 MB).
    @Test(arguments: ["1", "0"])
    func keptMemoryIsGivenBackBeforeARefusal(retain: String) throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("retain-limit")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        try """
        # M

        ```ntk
        A = ones(8000, 6000)
        print(A[7999, 5999])
        A = 0
        B = ones(9000, 9000)
        print(sum(B[0:2, :]))
        ```

        """.write(toFile: nb, atomically: true, encoding: .utf8)
        let r = try Self.run(
            nb, scratch: sandbox, environment: ["TANGENT_MEMORY_LIMIT": "1000M", "TANGENT_RETAIN_MEMORY": retain])
        #expect(r.status == 0, "\(r.err)")
        // The same notebook with 500 MB is refused at B, as it must be.
        let refused = try Self.run(
            nb, scratch: sandbox, environment: ["TANGENT_MEMORY_LIMIT": "500M", "TANGENT_RETAIN_MEMORY": retain])
        #expect(refused.status == 1)
        #expect(refused.err.contains("nb.md:7:5: error:"), "\(refused.err)")
    }

    /// Kernels computed together (docs/language.md#kernels-computed-together) never make a
    /// notebook fail that runs without them: when the two kernels of a pair do not fit where
    /// one does, the first call computes its own alone, and the numbers are the same.
    @Test func aPairThatDoesNotFitIsComputedOneByOne() throws {
        try #require(TangentBinary.exists, "build the binary first: swift build")
        let sandbox = try TemporaryFolder("pair-limit")
        defer { sandbox.remove() }
        let nb = sandbox.path("nb.md")
        try """
        # M

        ```ntk
        X = randn(1000, 4, seed: 1)
        m = mlp(depth: 2, width: 8)
        K = nngp(m, X)
        T = ntk(m, X)
        print(f"{K[0, 1]:.17g} {T[0, 1]:.17g} {K[999, 17]:.17g} {T[999, 17]:.17g}")
        ```

        """.write(toFile: nb, atomically: true, encoding: .utf8)
        func printed(_ environment: [String: String]) throws -> String {
            let r = try TangentBinary.run(["run", nb, "--no-cache"], scratch: sandbox, environment: environment)
            #expect(r.status == 0, "\(r.err)")
            let numbers = r.out.split(separator: "\n").first { line in
                let fields = line.split(separator: " ")
                return fields.count == 4 && fields.allSatisfy { Double($0) != nil }
            }
            return numbers.map(String.init) ?? ""
        }
        let free = try printed([:])
        // One 1000×1000 kernel is 8 MB: one fits in 12 MB, two (computed together) do not.
        let capped = try printed(["TANGENT_ALLOCATION_LIMIT": "12M"])
        #expect(!free.isEmpty)
        #expect(capped == free)
        // The budget does bind analytic kernels: below one kernel, the first call is refused.
        let r = try TangentBinary.run(
            ["run", nb, "--no-cache", "--quiet"], scratch: sandbox, environment: ["TANGENT_ALLOCATION_LIMIT": "6M"])
        #expect(r.status == 1)
        #expect(r.err.contains("nb.md:6:5: error: nngp:"), "\(r.err)")
    }
}
