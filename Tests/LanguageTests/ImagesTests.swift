import Foundation
import NTKCore
import TangentSupport
import TestSupport
import Testing

@testable import Language

/// The images value (issue 21, first slice; docs/language.md#images-and-convolutions):
/// construction, flatten, rows, sample selection, arithmetic, display, encoding, load and save.
@Suite struct ImagesTests {
    /// 3 samples of 2×3×2, entry k of the flat matrix = k (so every pixel is distinct).
    static let setup = "X = reshape(linspace(0, 35, 36), 3, 12)\nI = images(X, 2, 3, 2)\n"
    static let x = Matrix(rows: 3, cols: 12, storage: (0..<36).map(Double.init))

    func images(_ code: String, _ name: String = "r") throws -> Images {
        guard case .images(let i) = try value(code, name) else { throw TestFailure("\(name) is not images") }
        return i
    }

    @Test func imagesKeepTheRowsAndShapeAndFlattenGivesThemBack() throws {
        let i = try images(Self.setup + "r = I")
        #expect(i.shape == [3, 2, 3, 2])
        #expect(i.pixels == Self.x)
        #expect(try matrix(Self.setup + "r = flatten(I)") == Self.x)
        #expect(try number(Self.setup + "r = rows(I)") == 3)
        #expect(ValueFormatter.text(.images(i)) == "images: 3 × 2×3×2, min 0, max 35, mean 17.5")
        #expect(Value.images(i).typeDescription == "images (3 × 2×3×2)")
        #expect(Value.images(i).kindName == "images")
    }

    /// NHWC: pixel (y, x) channel k of sample n is column (y·w + x)·c + k of row n, as numpy's
    /// `x.reshape(n, h, w, c)[n, y, x, k]`.
    @Test func planesFollowNHWCOrder() throws {
        let i = try images(Self.setup + "r = I")
        for n in 0..<3 {
            let plane = i.plane(n)
            for y in 0..<2 {
                for x in 0..<3 {
                    let k0 = Self.x[n, (y * 3 + x) * 2]
                    let k1 = Self.x[n, (y * 3 + x) * 2 + 1]
                    #expect(plane[y, x] == (k0 + k1) / 2)
                }
            }
        }
    }

    @Test(arguments: [
        ("images(X, 2, 3, 3)", "needs X with h·w·c = 18 columns, got a 3×12 matrix"),
        ("images(X, 0, 3, 4)", "argument 'h' of images() must be at least 1, got 0"),
        ("images(X, 2, 1.5, 4)", "argument 'w' of images() must be a whole number, got 1.5"),
        ("images(X, 2, 3, -2)", "argument 'c' of images() must be at least 1, got -2"),
        ("images(X, 1e14, 1e14, 1)", "needs X with h·w·c = more than 2^63 columns"),
        ("images([1, 2], 1, 2, 1)", "needs X with h·w·c = 2 columns, got a 2×1 matrix"),
        ("flatten(X)", "flatten() needs images, got a 3×12 matrix")
    ])
    func badConstructionIsALocatedError(_ call: String, _ message: String) throws {
        let d = try #require(diagnostic(Self.setup + "r = " + call))
        #expect(d.message.contains(message), "\(d.message)")
        #expect(d.range.start.line == 3)
        #expect(d.range.start.column >= 5)
    }

    @Test func slicesAndIndicesSelectSamples() throws {
        let rowsOf = { (rows: [Int]) in
            Matrix(rows: rows.count, cols: 12, storage: rows.flatMap { r in (0..<12).map { Double(r * 12 + $0) } })
        }
        for (code, rows) in [
            ("I[1:3]", [1, 2]), ("I[:1]", [0]), ("I[::-1]", [2, 1, 0]), ("I[-1]", [2]), ("I[1]", [1]),
            ("I[[2, 0, 2]]", [2, 0, 2]), ("I[[-3]]", [0]), ("I[reshape([1, 0], 2, 1)]", [1, 0]), ("I[5:9]", [])
        ] {
            let i = try images(Self.setup + "r = \(code)")
            #expect(i.pixels == rowsOf(rows), "\(code)")
            #expect(i.shape.dropFirst() == [2, 3, 2] as ArraySlice<Int>, "\(code)")
        }
    }

    @Test(arguments: [
        ("I[3]", "index 3 is out of range for images of 3 samples (valid: -3 to 2)"),
        ("I[[0, -4]]", "index -4 is out of range for images of 3 samples"),
        ("I[[0.5]]", "an index of images must be a whole number, got 0.5"),
        ("I[0, 1]", "images take one index"),
        ("I[\"a\"]", "images are indexed by a number, a list of indices or an n×1 matrix of them, got a string"),
        ("I[X]", "images are indexed by a number, a list of indices or an n×1 matrix of them, got a 3×12 matrix")
    ])
    func badSelectionIsALocatedError(_ code: String, _ message: String) throws {
        let d = try #require(diagnostic(Self.setup + "r = " + code))
        #expect(d.message.contains(message), "\(d.message)")
        #expect(d.range.start.line == 3)
    }

    @Test func arithmeticWithANumberIsElementwise() throws {
        let cases: [(String, (Double) -> Double)] = [
            ("I * 2 + 1", { $0 * 2 + 1 }), ("1 - I", { 1 - $0 }), ("I / 4", { $0 / 4 }), ("-I", { -$0 }),
            ("+I", { $0 }), ("I - I / 2", { $0 - $0 / 2 }), ("2 * I", { 2 * $0 })
        ]
        for (code, f) in cases {
            let i = try images(Self.setup + "r = \(code)")
            #expect(i.pixels == Self.x.map(f), "\(code)")
            #expect(i.shape == [3, 2, 3, 2], "\(code)")
        }
    }

    @Test(arguments: [
        ("I @ X", "'@' does not take images"),
        ("I ^ 2", "'^' does not take images"),
        ("I + X", "'+' cannot combine images with a 3×12 matrix: images allow + - * / with a number"),
        ("[1, 2] * I", "'*' cannot combine images with a list of 2"),
        ("I + images(X, 3, 2, 2)", "'+' needs images of the same shape, got 3 × 2×3×2 and 3 × 3×2×2"),
        ("sum(I)", "must be a matrix, got images (3 × 2×3×2); flatten(I) gives the 3×12 matrix"),
        ("X @ I", "'@' does not take images"),
        ("cols(I)", "flatten(I) gives the 3×12 matrix"),
        ("save(I, \"x.csv\")", "images are saved as a 4-D .npy file"),
        // The analytic kernels take images (ConvKernelBuiltinTests); an mlp's output keeps the spatial axes.
        (
            "nngp(mlp(depth: 1, width: 8), I)",
            "nngp: invalid network: the network's output still has spatial axes (2×3×1 per sample)"
        ),
        // An mlp's Dense layers act at every position of images: its output keeps the spatial axes.
        (
            "apply(mlp(depth: 1, width: 8), init(mlp(depth: 1, width: 8), X), I)",
            "apply: the network's output still has spatial axes (2×3×1 per sample)"
        ),
        ("init(mlp(depth: 1, width: 8), I)", "init: the network's output still has spatial axes"),
        (
            "ntk(mlp(depth: 1, width: 8), X, I)",
            "X1 is a 3×12 matrix and X2 is images of 2×3×2: inputs need the same image shape"
        )
    ])
    func whatImagesDoNotAllowIsALocatedErrorSayingWhatIs(_ code: String, _ message: String) throws {
        let d = try #require(diagnostic(Self.setup + "r = " + code))
        #expect(d.message.contains(message), "\(d.message)")
        #expect(d.range.start.line == 3)
    }

    @Test func showSummarisesAndDrawsTheFirstSamples() throws {
        let context = try run(Self.setup + "show I, \"digits\"")
        #expect(context.outputs.count == 2)
        guard case .value(.images(let i), let caption, _) = try #require(context.outputs.first),
            case .figure(let f, _) = context.outputs[1]
        else { throw TestFailure("expected the images and a figure, got \(context.outputs)") }
        #expect(caption == "digits")
        #expect(i.shape == [3, 2, 3, 2])
        #expect(f.title == "samples 0–2 of 3, mean of the 2 channels (grey columns separate samples)")
        let heat = try #require(f.heatmap)
        // Three 2×3 planes with one NaN column between neighbours.
        #expect(heat.rows == 2 && heat.cols == 3 * 3 + 2)
        for n in 0..<3 {
            for y in 0..<2 {
                for x in 0..<3 {
                    let channels = (0..<2).map { Self.x[n, (y * 3 + x) * 2 + $0] }
                    #expect(heat[y, n * 4 + x] == (channels[0] + channels[1]) / 2)
                }
            }
            if n < 2 { #expect(heat[0, n * 4 + 3].isNaN && heat[1, n * 4 + 3].isNaN) }
        }
    }

    @Test func showDrawsAtMostEightSamplesOfChannelZero() throws {
        let context = try run("X = reshape(linspace(1, 40, 40), 10, 4)\nI = images(X, 2, 2, 1)\nshow I")
        guard case .figure(let f, _) = try #require(context.outputs.last) else { throw TestFailure("no figure") }
        #expect(f.title == "samples 0–7 of 10, channel 0 (grey columns separate samples)")
        let heat = try #require(f.heatmap)
        #expect(heat.cols == 8 * 2 + 7)
        // Sample 7 is row 7: 29, 30 / 31, 32.
        #expect(heat[0, 7 * 3] == 29 && heat[1, 7 * 3 + 1] == 32)
    }

    @Test func imagesSurviveTheBinaryEncoding() throws {
        let i = try images(Self.setup + "r = I[[2, 0]] / 3")
        var w = BinaryWriter()
        Value.images(i).encode(into: &w)
        var r = BinaryReader(w.bytes)
        #expect(Value.decode(from: &r) == .images(i))
        #expect(Value.images(i).fingerprint != Value.matrix(i.pixels).fingerprint)
        // Another shape of the same pixels is another value.
        let other = Images(pixels: i.pixels, height: 3, width: 2, channels: 2)
        #expect(Value.images(other).fingerprint != Value.images(i).fingerprint)
    }

    @Test func damagedImageBytesDecodeToNil() {
        // A shape whose h·w·c is not the matrix's width, a zero height, and a truncated tail.
        for (h, w, c) in [(2, 3, 3), (0, 3, 2), (Int.max, 2, 1)] {
            var writer = BinaryWriter()
            writer.u8(13)
            writer.int(h)
            writer.int(w)
            writer.int(c)
            writer.matrix(Self.x)
            var reader = BinaryReader(writer.bytes)
            #expect(Value.decode(from: &reader) == nil, "\(h), \(w), \(c)")
        }
        var writer = BinaryWriter()
        Value.images(Images(pixels: Self.x, height: 2, width: 3, channels: 2)).encode(into: &writer)
        var reader = BinaryReader(Array(writer.bytes.dropLast(8)))
        #expect(Value.decode(from: &reader) == nil)
    }

    @Test func saveWritesA4DArrayAndLoadReadsImagesBack() throws {
        let folder = try TemporaryFolder("images")
        defer { folder.remove() }
        let dir = folder.root
        let context = try run(
            Self.setup + "save(I, \"out/x.npy\")\nJ = load(\"out/x.npy\")", baseDirectory: dir)
        let array = try NPY.readArray(from: dir.appendingPathComponent("out/x.npy"))
        #expect(array.shape == [3, 2, 3, 2])
        #expect(array.values == Self.x.storage)
        guard case .images(let j) = try #require(context.environment["J"]) else { throw TestFailure("J") }
        #expect(j == Images(pixels: Self.x, height: 2, width: 3, channels: 2))
    }

    /// numpy reads what `save` writes with the same shape and values (the bytes are numpy.save's),
    /// and `load` reads what numpy writes (C and Fortran order, integers); skipped when the
    /// reference Python is not installed.
    @Test func numpyAgreesOnTheFourDimensionalFile() throws {
        let python = "/tmp/ntref/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { return }
        let folder = try TemporaryFolder("images")
        defer { folder.remove() }
        let dir = folder.root
        try run(Self.setup + "save(I, \"ours.npy\")", baseDirectory: dir)
        let script = """
            import numpy as np
            a = np.load('ours.npy')
            assert a.shape == (3, 2, 3, 2) and a.dtype == np.float64, (a.shape, a.dtype)
            assert (a == np.arange(36.0).reshape(3, 2, 3, 2)).all()
            np.save('numpy.npy', np.arange(36.0).reshape(3, 2, 3, 2))
            assert open('ours.npy', 'rb').read() == open('numpy.npy', 'rb').read(), 'not numpy.save bytes'
            b = np.arange(36.0).reshape(3, 2, 3, 2) * 0.5 - 1
            np.save('c.npy', b)
            np.save('f.npy', np.asfortranarray(b))
            np.save('i.npy', np.arange(36, dtype=np.int32).reshape(3, 2, 3, 2))
            np.save('three.npy', np.zeros((2, 2, 2)))
            print('ok')
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        process.currentDirectoryURL = dir
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "ok\n")
        let context = try run(
            "C = load(\"c.npy\")\nF = load(\"f.npy\")\nN = load(\"i.npy\")", baseDirectory: dir)
        let expected = Images(
            pixels: Matrix(rows: 3, cols: 12, storage: (0..<36).map { Double($0) * 0.5 - 1 }), height: 2, width: 3,
            channels: 2)
        #expect(context.environment["C"] == .images(expected))
        #expect(context.environment["F"] == .images(expected))
        #expect(context.environment["N"] == .images(Images(pixels: Self.x, height: 2, width: 3, channels: 2)))
        let d = try #require(failure(dir: dir, "T = load(\"three.npy\")"))
        #expect(d.message.contains("3-D array of shape (2, 2, 2) cannot be loaded as a matrix or images"), "\(d)")
    }

    private func failure(dir: URL, _ code: String) -> Diagnostic? {
        do {
            try run(code, baseDirectory: dir)
            return nil
        } catch { return error }
    }

    @Test func printAndListsDescribeImages() throws {
        let context = try run(Self.setup + "print(I)\nprint([I])")
        let texts = context.outputs.compactMap { item -> String? in
            if case .text(let t, _) = item { return t }
            return nil
        }
        #expect(texts == ["images: 3 × 2×3×2, min 0, max 35, mean 17.5", "[<images 3 × 2×3×2>]"])
    }
}
