import Foundation
import NTKCore
import Testing

@testable import Language

/// The finite network builtins on images (docs/language.md#images-and-convolutions): the NT
/// fixtures of convolutional networks (Tests/NTKCoreTests/Fixtures/stax, stax_conv.json and the
/// conv cases of stax_finite.json) through `params`, `init`, `apply`, `empirical_ntk`, `loss`
/// and `train`, and the located errors where images and networks do not fit.
@Suite struct ConvNetworkBuiltinTests {
    struct Case: CustomTestStringConvertible, @unchecked Sendable {
        let json: [String: Any]
        var name: String { json["name"] as? String ?? "?" }
        var testDescription: String { name }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("NTKCoreTests/Fixtures/stax")

    /// Every case on images with an output per sample.
    static let cases: [Case] = {
        var out: [Case] = []
        for file in ["stax_conv.json", "stax_finite.json"] {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(file)),
                let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let cases = root["cases"] as? [[String: Any]]
            else { continue }
            for c in cases where ((c["X1"] as? [Any])?.first as? [[[Any]]]) != nil && c["f1"] is [[Any]] {
                guard let f1 = c["f1"] as? [[Any]], f1.first?.first is NSNumber else { continue }
                out.append(Case(json: c))
            }
        }
        return out
    }()

    static func flat(_ a: Any?) -> [Double] {
        if let n = a as? NSNumber { return [n.doubleValue] }
        return ((a as? [Any]) ?? []).flatMap(flat)
    }

    static func matrix(_ a: Any?) -> Matrix {
        Matrix(rowArrays: ((a as? [[Any]]) ?? []).map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } })
    }

    static func images(_ a: Any?) -> Value {
        let samples = (a as? [[[[Any]]]]) ?? []
        let (h, w, c) = (samples[0].count, samples[0][0].count, samples[0][0][0].count)
        let pixels = Matrix(rows: samples.count, cols: h * w * c, storage: flat(a))
        return .images(Images(pixels: pixels, height: h, width: w, channels: c))
    }

    /// max |a − b| / max |b|.
    static func error(_ a: Value?, _ b: Matrix) -> Double {
        guard case .matrix(let m)? = a, m.rows == b.rows, m.cols == b.cols else { return .infinity }
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(m.storage, b.storage).map { abs($0 - $1) / scale }.max() ?? 0
    }

    @Test func readsTheFixtures() { #expect(Self.cases.count == 26) }

    /// NT's outputs, empirical NTK and (where the fixture trains) one training step, from the
    /// explicit parameters given to `params`; `init(net, X1, seed: 1)` draws those parameters.
    @Test(arguments: ConvNetworkBuiltinTests.cases)
    func matchesNeuralTangents(_ c: Case) throws {
        let j = c.json
        let env = Environment()
        env["X1"] = Self.images(j["X1"])
        env["X2"] = Self.images(j["X2"])
        env["W"] = .list(((j["weights"] as? [Any]) ?? []).map { .matrix(Self.matrix($0)) })
        env["B"] = .list(((j["biases"] as? [Any]) ?? []).map { $0 is NSNull ? .none : .matrix(Self.matrix($0)) })
        try run(
            """
            net = \(j["tangent"] as? String ?? "")
            p = params(net, weights: W, biases: B)
            q = init(net, X1, seed: 1)
            f1 = apply(net, p, X1)
            f2 = apply(net, p, X2)
            E11 = empirical_ntk(net, p, X1)
            E12 = empirical_ntk(net, p, X1, X2)
            same = weights(q) == weights(p)
            """, in: env)
        #expect(Self.error(env["f1"], Self.matrix(j["f1"])) <= 1e-12)
        #expect(Self.error(env["f2"], Self.matrix(j["f2"])) <= 1e-12)
        #expect(Self.error(env["E11"], Self.matrix(j["empirical_ntk_11"])) <= 1e-12)
        #expect(Self.error(env["E12"], Self.matrix(j["empirical_ntk_12"])) <= 1e-12)
        guard case .params(let p)? = env["p"], case .params(let q)? = env["q"] else {
            Issue.record("params")
            return
        }
        for (a, b) in zip(q.weights, p.weights) { #expect(Self.error(.matrix(a), b) <= 1e-15) }
        guard let eta = (j["learning_rate"] as? NSNumber)?.doubleValue else { return }
        env["Y"] = .matrix(Self.matrix(j["Y"]))
        env["eta"] = .number(eta)
        try run(
            """
            L0 = loss(net, p, X1, Y)
            p1 = train(net, p, X1, Y, steps: 1, learning_rate: eta)
            L1 = loss(net, p1, X1, Y)
            W1 = weights(p1)
            """, in: env)
        guard case .number(let l0)? = env["L0"], case .number(let l1)? = env["L1"],
            case .list(let w1)? = env["W1"]
        else {
            Issue.record("loss or train")
            return
        }
        let loss0 = (j["loss_0"] as? NSNumber)?.doubleValue ?? .nan
        let loss1 = (j["loss_1"] as? NSNumber)?.doubleValue ?? .nan
        #expect(abs(l0 - loss0) <= 1e-12 * loss0 && abs(l1 - loss1) <= 1e-12 * loss1)
        let expected = ((j["weights_1"] as? [Any]) ?? []).map(Self.matrix)
        #expect(w1.count == expected.count)
        for (a, b) in zip(w1, expected) { #expect(Self.error(a, b) <= 1e-12) }
    }

    static let setup = """
        I = images(reshape(linspace(-1, 1, 96), 3, 32), 4, 4, 2)
        net = serial(Conv(3, [2, 2], padding: "SAME"), Relu(), GlobalAvgPool(), Dense(2))
        p = init(net, I, seed: 0)

        """

    /// `weights` lists a Conv's weight as (fh·fw·c_in)×c_out; a cross-entropy loss and targets on
    /// images; a Dense acting on images at every position.
    @Test func weightsLossAndDenseOnImages() throws {
        let ctx = try run(
            Self.setup + """
                shapes = [[rows(W), cols(W)] for W in weights(p)]
                ce = loss(net, p, I, [[0], [1], [1]], kind: "cross_entropy")
                f = apply(serial(Dense(3), Relu(), Flatten(), Dense(1)), init(serial(Dense(3), Relu(), Flatten(), Dense(1)), I, seed: 2), I)
                """)
        #expect(ctx.environment["shapes"] == .list([.list([.number(8), .number(3)]), .list([.number(3), .number(2)])]))
        guard case .number(let ce)? = ctx.environment["ce"], case .matrix(let f)? = ctx.environment["f"] else {
            Issue.record("ce, f")
            return
        }
        #expect(ce.isFinite && ce > 0)
        #expect(f.rows == 3 && f.cols == 1)
    }

    /// 1000 images of 64×64 through a 64×64 SAME filter: 4096 patches of 4096 entries per image,
    /// 268 GB of patches from a 33 MB input; refused at the call before anything is allocated.
    @Test(arguments: [
        "apply(net, p, I)", "train(net, p, I, zeros(1000, 1), steps: 1, learning_rate: 0.1)", "empirical_ntk(net, p, I)"
    ])
    func patchesThatCannotFitAreRefused(_ call: String) throws {
        let d = try #require(
            diagnostic(
                """
                I = images(zeros(1000, 4096), 64, 64, 1)
                net = serial(Conv(4, [64, 64], padding: "SAME"), GlobalAvgPool(), Dense(1))
                p = init(net, I)
                r = \(call)
                """))
        #expect(d.message.contains("of 1000 images through the network needs"), "\(d.message)")
        #expect(d.message.contains("GiB but only"), "\(d.message)")
        #expect(d.range.start.line == 4)
    }

    @Test(arguments: [
        (
            "r = empirical_ntk(net, p, I, images(zeros(2, 18), 3, 3, 2))",
            "X1 is 3 images of 4×4×2 but X2 is 2 images of 3×3×2; X1 and X2 need the same sample shape"
        ),
        (
            "r = apply(serial(Conv(2, [2, 2]), Relu()), init(serial(Conv(2, [2, 2]), Relu()), I), I)",
            "the network's output still has spatial axes"
        ),
        ("r = apply(net, p, flatten(I))", "Conv needs images (n×h×w×c) but receives vectors of 32"),
        ("r = init(serial(Conv(2, [5, 5]), Flatten(), Dense(1)), I)", "filter does not fit the 4×4 images"),
        (
            "r = params(net, weights: [zeros(8, 4), zeros(3, 2)])",
            "layer 1: the weight matrix must be fan_in×3 (fan_in×fan_out), got 8×4"
        ),
        (
            "r = apply(net, params(net, weights: [zeros(4, 3), zeros(3, 2)]), I)",
            "layer 1: the weight matrix must be 8×3 (fan_in×fan_out), got 4×3"
        ),
        ("r = train(net, p, I, zeros(3, 1), steps: 1, learning_rate: 0.1)", "the targets must be 3×2"),
        ("r = loss(net, p, I * 1e308 * 10, zeros(3, 2))", "X has NaN or infinite entries")
    ])
    func imagesThatDoNotFitAreLocatedErrors(_ code: String, _ message: String) throws {
        let d = try #require(diagnostic(Self.setup + code))
        #expect(d.message.contains(message), "\(d.message)")
        #expect(d.range.start.line == 4)
    }
}
