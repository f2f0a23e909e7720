import Foundation
import TestSupport
import Testing

/// A notebook using images, through the built binary (blocks run in the kernel worker, values
/// come back through the cache): `update` stores the summary and a figure of the samples,
/// `check` accepts what it stored and reports drift in the pixels (issue 21, first slice).
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct ImagesNotebookTests {
    static func notebook(high: String) -> String {
        """
        # Images

        ```ntk {#make}
        X = reshape(linspace(0, \(high), 64), 4, 16)
        I = images(X, 4, 4, 1)
        save(I, "data/i.npy")
        show I, "four samples"
        ```

        ```ntk {#use}
        J = load("data/i.npy")
        expect rows(J) == 4
        show J[1:3] * 2
        print(flatten(J[[3]])[0, 15])
        ```

        """
    }

    @Test func updateStoresImagesAndCheckComparesThem() throws {
        let sandbox = try TemporaryFolder("images-notebook")
        defer { sandbox.remove() }
        let root = sandbox.url("project")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let nb = root.appendingPathComponent("nb.md")
        try Data(Self.notebook(high: "1").utf8).write(to: nb)

        let update = try TangentBinary.run(["update", nb.path], in: root, scratch: sandbox)
        #expect(update.status == 0, "\(update.transcript)")
        let text = try String(contentsOf: nb, encoding: .utf8)
        #expect(text.contains("images: 4 × 4×4×1, min 0, max 1, mean 0.5"), "\(text)")
        #expect(text.contains("images: 2 × 4×4×1, min"), "\(text)")
        #expect(text.contains("](nb.figures/make-1.svg)"), "\(text)")
        #expect(text.contains("](nb.figures/use-1.svg)"), "\(text)")
        let svg = try String(contentsOf: root.appendingPathComponent("nb.figures/make-1.svg"), encoding: .utf8)
        #expect(svg.contains("samples 0–3 of 4, channel 0"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("data/i.npy").path))

        // Run twice more: from a fresh run and from the cache, the stored outputs still match.
        for _ in 0..<2 {
            let check = try TangentBinary.run(["check", nb.path], in: root, scratch: sandbox)
            #expect(check.status == 0, "\(check.transcript)")
        }

        // Other pixels: the summary's numbers drift and check says so.
        let edited = try String(contentsOf: nb, encoding: .utf8)
            .replacingOccurrences(of: "linspace(0, 1, 64)", with: "linspace(0, 3, 64)")
        try Data(edited.utf8).write(to: nb)
        let drift = try TangentBinary.run(["check", nb.path], in: root, scratch: sandbox)
        #expect(drift.status == 3, "\(drift.transcript)")
        #expect(drift.out.contains("max") || drift.err.contains("max"), "\(drift.transcript)")
    }

    /// Images are under the memory budget like matrices: a 2 MiB file past a 1 MiB limit is
    /// refused at the `load`, before anything is allocated; images that do fit (the digits,
    /// 0.9 MiB, built in) are refused at the first `*` whose result does not.
    @Test func imagesAreRefusedPastTheMemoryBudget() throws {
        let sandbox = try TemporaryFolder("images-notebook")
        defer { sandbox.remove() }
        let array = NPYData.ones(shape: [500, 16, 16, 2])
        try array.write(to: sandbox.url("mid.npy"))
        try Data("```ntk\nI = load(\"mid.npy\")\nJ = I * 2\n```\n".utf8).write(to: sandbox.url("nb.md"))
        let r = try TangentBinary.run(
            ["run", sandbox.path("nb.md"), "--no-cache"], in: sandbox.root, scratch: sandbox,
            environment: ["TANGENT_ALLOCATION_LIMIT": "1M"])
        #expect(r.status == 1)
        #expect(
            r.err.contains(
                "nb.md:2:10: error: cannot load 'mid.npy': its 256000 values (2.0 MiB as float64) need more memory "
                    + "than the 1.0 MiB available"),
            "\(r.transcript)")

        try Data("```ntk\nI = dataset(\"digits\").X\nJ = I * 2\n```\n".utf8).write(to: sandbox.url("nb.md"))
        let a = try TangentBinary.run(
            ["run", sandbox.path("nb.md"), "--no-cache"], in: sandbox.root, scratch: sandbox,
            environment: ["TANGENT_ALLOCATION_LIMIT": "512K"])
        #expect(a.status == 1)
        #expect(
            a.err.contains("nb.md:3:7: error: the images made by '*' needs 0.9 MiB but only 0.5 MiB"), "\(a.transcript)"
        )
    }

    @Test func imagesAsANetworkInputFailAtTheCall() throws {
        let sandbox = try TemporaryFolder("images-notebook")
        defer { sandbox.remove() }
        let nb = sandbox.url("nb.md")
        try Data(
            "```ntk\nI = images(ones(2, 4), 2, 2, 1)\nK = ntk(mlp(depth: 1, width: 4), I)\n```\n".utf8
        ).write(to: nb)
        let r = try TangentBinary.run(["run", nb.path], in: sandbox.root, scratch: sandbox)
        #expect(r.status == 1)
        // The analytic kernels take images (issue 21); an mlp keeps the spatial axes to its output.
        #expect(
            r.err.contains(
                "nb.md:3:5: error: ntk: invalid network: the network's output still has spatial axes (2×2×1 per "
                    + "sample); put Flatten() or GlobalAvgPool() before the read-out"), "\(r.transcript)")
    }
}

/// A float64 C-order `.npy` file of ones, written by hand (NTKCore's writer is what is tested).
enum NPYData {
    static func ones(shape: [Int]) -> Data {
        let count = shape.reduce(1, *)
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': ("
        header += shape.map(String.init).joined(separator: ", ") + "), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for _ in 0..<count { withUnsafeBytes(of: (1.0).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
