import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// A finite convolutional network in a notebook, through the built binary: `init`, `apply`,
/// `empirical_ntk`, `loss` and `train` on images, with the notebook's own checks (a 1×1 Conv
/// equals a Dense on images, Θ is symmetric and matches X1/X2 given twice, training lowers the
/// loss), a located error for X2 of another shape, and a long training run stopped by its
/// block's timeout when the blocks run in the `tangent` process itself (the chunked steps see
/// the deadline).
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct ConvNetworkNotebookTests {
    static let notebook = """
        # A small convolutional network

        ```ntk {#data}
        I = images(randn(6, 32, seed: 1), 4, 4, 2)
        Y = randn(6, 1, seed: 2)
        net = serial(Conv(3, [2, 2], padding: "SAME", W_std: 1.4, b_std: 0.1), Relu(), AvgPool([2, 2]), Flatten(), Dense(1))
        p = init(net, I, seed: 0)
        print(rows(apply(net, p, I)), cols(apply(net, p, I)))
        ```

        ```ntk {#kernel}
        E = empirical_ntk(net, p, I)
        expect norm(E - E.T) < 1e-12
        expect norm(E - empirical_ntk(net, p, I, I)) < 1e-12 * norm(E)
        one = serial(Conv(3, [1, 1]), Relu(), GlobalAvgPool(), Dense(1))
        dense = serial(Dense(3), Relu(), GlobalAvgPool(), Dense(1))
        q = init(one, I, seed: 4)
        expect norm(apply(one, q, I) - apply(dense, init(dense, I, seed: 4), I)) < 1e-12
        print(f"theta {rows(E)}x{cols(E)}")
        ```

        ```ntk {#train}
        before = loss(net, p, I, Y)
        trained = train(net, p, I, Y, steps: 200, learning_rate: 0.5)
        after = loss(net, trained, I, Y)
        expect after < before / 2
        print("trained")
        ```

        ```ntk {#mismatch}
        F = empirical_ntk(net, p, I, images(randn(2, 18), 3, 3, 2))
        ```

        """

    @Test func runsInitApplyEmpiricalNTKAndTrainOnImages() throws {
        let sandbox = try TemporaryFolder("conv-notebook")
        defer { sandbox.remove() }
        let nb = sandbox.url("nb.md")
        try Data(Self.notebook.utf8).write(to: nb)
        let json = sandbox.path("report.json")
        let r = try TangentBinary.run(["run", nb.path, "--no-cache", "--json", json], scratch: sandbox)
        #expect(r.status == 1, "\(r.transcript)")
        #expect(r.out.contains("6 1"), "\(r.transcript)")
        #expect(r.out.contains("theta 6x6"), "\(r.transcript)")
        #expect(r.out.contains("trained"), "\(r.transcript)")
        #expect(
            r.err.contains(
                "nb.md:31:30: error: X1 is 6 images of 4×4×2 but X2 is 2 images of 3×3×2; X1 and X2 need the same sample shape"
            ), "\(r.transcript)")
        let report = try CorpusReport.load(json)
        let notebook = try #require(CorpusReport.notebooks(report).first)
        let status = Dictionary(
            uniqueKeysWithValues: CorpusReport.blocks(notebook).compactMap { b in
                (b["id"] as? String).map { ($0, b["status"] as? String ?? "") }
            })
        #expect(status == ["data": "ran", "kernel": "ran", "train": "ran", "mismatch": "failed"], "\(status)")
    }

    /// In the `tangent` process (no worker to kill), a training run far longer than its block's
    /// one-second timeout stops at it, located at the call.
    @Test func longTrainingStopsAtTheBlockTimeoutInProcess() throws {
        let sandbox = try TemporaryFolder("conv-notebook")
        defer { sandbox.remove() }
        let nb = sandbox.url("nb.md")
        let text = """
            # Timeout

            ```ntk {#slow timeout=1}
            I = images(randn(64, 256, seed: 1), 8, 8, 4)
            net = serial(Conv(16, [3, 3], padding: "SAME"), Relu(), GlobalAvgPool(), Dense(1))
            p = train(net, init(net, I), I, randn(64, 1), steps: 100000000, learning_rate: 0.01)
            print("finished")
            ```

            """
        try Data(text.utf8).write(to: nb)
        let r = try TangentBinary.run(
            ["run", nb.path, "--no-cache"], scratch: sandbox, environment: [KernelProtocol.inProcessVariable: "1"],
            watchdog: 60)
        #expect(!r.watchdogFired, "\(r.transcript)")
        #expect(r.status == 1, "\(r.transcript)")
        #expect(r.err.contains("nb.md:6:5: error: block timed out after 1 s"), "\(r.transcript)")
        #expect(!r.out.contains("finished"), "\(r.transcript)")
    }
}
