import Foundation
import Testing

@testable import NTKCore

/// The analytic kernels of convolutional networks (`LayerKernel.compute(…, input:)`, the spatial
/// walk) against neural-tangents 0.6.5: every case of Fixtures/stax/stax_conv.json with
/// kernels, with the CONVENTIONS.md §5 tolerances. The finite parts of the same cases (apply,
/// empirical NTK) are checked elsewhere; the `tangent` lines are read by `LayerLine`, as in
/// StaxFixtureTests.
@Suite struct ConvKernelFixtureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, tangent: String, refused: Bool, spatialOutput: Bool
        let shape: FeatureShape
        let x1: Matrix, x2: Matrix
        let nngp11: Matrix, ntk11: Matrix, nngp12: Matrix, ntk12: Matrix
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/stax/stax_conv.json")
        guard let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { return [] }
        func matrix(_ a: Any?) -> Matrix {
            let rows = (a as? [[Any]]) ?? []
            return Matrix(rowArrays: rows.map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } })
        }
        /// n×h×w×c nested lists → n×(h·w·c) rows in NHWC order, and the image shape.
        func images(_ a: Any?) -> (Matrix, FeatureShape) {
            let samples = (a as? [[[[NSNumber]]]]) ?? []
            let h = samples.first?.count ?? 0
            let w = samples.first?.first?.count ?? 0
            let c = samples.first?.first?.first?.count ?? 0
            let rows = samples.map { $0.flatMap { $0.flatMap { $0.map(\.doubleValue) } } }
            return (Matrix(rowArrays: rows), .image(height: h, width: w, channels: c))
        }
        return cases.compactMap { c in
            guard c["X1"] is [[[[Any]]]] else { return nil }
            let (x1, shape) = images(c["X1"])
            let (x2, _) = images(c["X2"])
            return Case(
                name: c["name"] as? String ?? "?", tangent: c["tangent"] as? String ?? "",
                refused: c["nt_error"] != nil, spatialOutput: c["nt_kernel_shape"] != nil, shape: shape,
                x1: x1, x2: x2, nngp11: matrix(c["nngp_11"]), ntk11: matrix(c["ntk_11"]),
                nngp12: matrix(c["nngp_12"]), ntk12: matrix(c["ntk_12"]))
        }
    }()

    /// max |a − b| / max |b| off and on the diagonal.
    static func errors(_ a: Matrix, _ b: Matrix, square: Bool = false) -> (off: Double, diagonal: Double) {
        guard a.rows == b.rows, a.cols == b.cols, b.count > 0 else { return (.infinity, .infinity) }
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        var off = 0.0
        var diagonal = 0.0
        for i in 0..<b.rows {
            for j in 0..<b.cols {
                let e = abs(a[i, j] - b[i, j]) / scale
                let v = e.isNaN ? .infinity : e
                if square && i == j { diagonal = max(diagonal, v) } else { off = max(off, v) }
            }
        }
        return (off, diagonal)
    }

    @Test func readsTheFixtures() {
        #expect(Self.cases.count >= 25, "\(Self.cases.count)")
        #expect(Self.cases.filter { !$0.refused && !$0.spatialOutput }.count >= 23)
    }

    @Test(arguments: ConvKernelFixtureTests.cases)
    func kernelsMatchNeuralTangents(_ c: Case) throws {
        let net = try LayerLine.parse(c.tangent)
        if c.refused || c.spatialOutput {
            #expect(throws: KernelError.self) { try LayerKernel.compute(net, c.x1, c.x2, input: c.shape) }
            #expect(throws: KernelError.self) { try LayerKernel.compute(net, c.x1, nil, input: c.shape) }
            return
        }
        let k11 = try LayerKernel.compute(net, c.x1, nil, input: c.shape)
        let k12 = try LayerKernel.compute(net, c.x1, c.x2, input: c.shape)
        // NT's K(X, X) diagonal of kinked maps is off by θ ≈ 1e-8 (CONVENTIONS.md §1.4).
        let diagonal = c.tangent.contains("Relu(") ? 1e-7 : 1e-12
        let n11 = Self.errors(k11.nngp, c.nngp11, square: true)
        let t11 = Self.errors(k11.ntk, c.ntk11, square: true)
        #expect(n11.off <= 1e-12 && n11.diagonal <= diagonal, "nngp 11 \(n11)")
        #expect(t11.off <= 1e-12 && t11.diagonal <= diagonal, "ntk 11 \(t11)")
        #expect(Self.errors(k12.nngp, c.nngp12).off <= 1e-12, "nngp 12 \(Self.errors(k12.nngp, c.nngp12))")
        #expect(Self.errors(k12.ntk, c.ntk12).off <= 1e-12, "ntk 12 \(Self.errors(k12.ntk, c.ntk12))")
        // Each kernel alone is the same as both together.
        let alone = try LayerKernel.compute(net, c.x1, c.x2, input: c.shape, .nngp)
        #expect(alone.nngp == k12.nngp && alone.ntk.count == 0)
    }

    /// The worst errors over all cases (for the report; bounded by the test above).
    @Test func worstErrors() throws {
        var worst = (off: 0.0, diagonal: 0.0, cases: 0)
        for c in Self.cases where !c.refused && !c.spatialOutput {
            let net = try LayerLine.parse(c.tangent)
            let k11 = try LayerKernel.compute(net, c.x1, nil, input: c.shape)
            let k12 = try LayerKernel.compute(net, c.x1, c.x2, input: c.shape)
            let a = Self.errors(k11.nngp, c.nngp11, square: true)
            let b = Self.errors(k11.ntk, c.ntk11, square: true)
            worst.off = max(
                worst.off, a.off, b.off, Self.errors(k12.nngp, c.nngp12).off, Self.errors(k12.ntk, c.ntk12).off)
            worst.diagonal = max(worst.diagonal, a.diagonal, b.diagonal)
            worst.cases += 1
        }
        print(
            "conv kernel fixtures: \(worst.cases) cases, worst off-diagonal \(worst.off), K(X,X) diagonal \(worst.diagonal)"
        )
        #expect(worst.off <= 1e-12 && worst.diagonal <= 1e-7)
    }
}
