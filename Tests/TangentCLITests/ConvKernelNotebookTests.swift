import Foundation
import TestSupport
import Testing

/// A small CNTK notebook through the built binary (docs/language.md#images-and-convolutions):
/// the analytic kernels of a convolutional network with and without pooling on images, kernel
/// regression with them, and a located error when test images have another shape.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct ConvKernelNotebookTests {
    static let notebook = """
        # Convolutional kernels

        ```ntk {#cntk}
        X = reshape(sin(linspace(0, 40, 6 * 36)), 6, 36)
        I = images(X, 6, 6, 1)
        gap = serial(Conv(4, [3, 3], padding: "SAME", W_std: 1.4, b_std: 0.1), Relu(), Conv(4, [3, 3], padding: "SAME", W_std: 1.4), Relu(), GlobalAvgPool(), Dense(1, W_std: 1.4))
        flat = serial(Conv(4, [3, 3], padding: "CIRCULAR", W_std: 1.4), Relu(), Flatten(), Dense(1, W_std: 1.4))
        K = ntk(gap, I)
        F = nngp(flat, I[0:4], I[4:6])
        expect rows(K) == 6 and cols(K) == 6
        expect min(eigvalsh(K)) > 0
        expect rows(F) == 4 and cols(F) == 2
        y = reshape(linspace(-1, 1, 4), 4, 1)
        p = predict_ensemble(gap, I[0:4], y, I[4:6], cov: false)
        print(f"K00 {K[0, 0]:.6f} shape {rows(p.mean)}x{cols(p.mean)}")
        ```

        """

    @Test func runsACNTKNotebookAndLocatesShapeErrors() throws {
        let sandbox = try TemporaryFolder("conv-kernel-notebook")
        defer { sandbox.remove() }
        let root = sandbox.url("project")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let nb = root.appendingPathComponent("cntk.md")
        try Data(Self.notebook.utf8).write(to: nb)
        let ok = try TangentBinary.run(["run", nb.path], in: root, scratch: sandbox)
        #expect(ok.status == 0, "\(ok.transcript)")
        #expect(ok.out.contains("K00 ") && ok.out.contains("shape 2x1"), "\(ok.transcript)")

        // Test images of another shape: a located error at X2, exit 1.
        let bad = Self.notebook.replacingOccurrences(
            of: "F = nngp(flat, I[0:4], I[4:6])", with: "F = nngp(flat, I[0:4], images(X[4:6, 0:16], 4, 4, 1))")
        try Data(bad.utf8).write(to: nb)
        let failed = try TangentBinary.run(["run", nb.path], in: root, scratch: sandbox)
        #expect(failed.status == 1, "\(failed.transcript)")
        #expect(
            failed.err.contains(
                "cntk.md:9:24: error: X1 is images of 6×6×1 and X2 is images of 4×4×1: inputs need the same image shape"
            ), "\(failed.transcript)")
    }
}
