import Foundation
import NTKCore
import Testing

@testable import Language

/// One run of Fixtures/training/training.json (make_training.py): neural-tangents' `apply_fn` of an
/// `mlp` or a residual `serial` network on explicit parameters, trained by JAX autodiff with
/// `jax.example_libraries.optimizers` sgd / momentum, full batch or numpy-permutation minibatches,
/// MSE or cross-entropy; `call` is the same run as a `train(...)` call with `record:`.
struct TrainingCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let network: String
    let call: String
    let X: [[Double]]
    let T: [[Double]]
    let weights: [[[Double]]]
    let biases: [[[Double]]]
    let final_weights: [[[Double]]]
    let final_biases: [[[Double]]]
    let steps: [Double]
    let loss: [Double]

    var testDescription: String { "\(name): \(call)" }

    static let all: [TrainingCase] = fixtureCases("training/training.json")
}

@Suite struct TrainingFixtureTests {
    /// max |a − b| / max |b|.
    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
        let scale = max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(a.storage, b.storage).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    @Test func fixturesArePresent() {
        #expect(TrainingCase.all.count == 12, "run Tests/LanguageTests/Fixtures/training/make_training.py")
        #expect(Set(TrainingCase.all.map(\.network)).count == 2)
    }

    /// Tolerance 1e-12 relative to the largest entry: both sides are float64 and differ only in
    /// the summation order of their matrix products and reductions (OpenBLAS against XLA, ~1e-16
    /// relative each), compounded over at most 30 short, stable steps (measured: at most 3.3e-16
    /// for every run). 1e-12 leaves room for other BLAS builds while any real difference (a wrong
    /// momentum rule, another permutation, a loss scaled by k, a slice dropped) moves the
    /// parameters and losses by far more (1e-3 of their size and up).
    @Test(arguments: TrainingCase.all)
    func agreesWithJAX(_ c: TrainingCase) throws {
        let env = Environment()
        env["X"] = .matrix(Matrix(rowArrays: c.X))
        env["T"] = .matrix(Matrix(rowArrays: c.T))
        env["W"] = .list(c.weights.map { .matrix(Matrix(rowArrays: $0)) })
        env["B"] = .list(c.biases.map { .matrix(Matrix(rowArrays: $0)) })
        let kind = c.call.contains("cross_entropy") ? "cross_entropy" : "mse"
        try run(
            """
            net = \(c.network)
            p = params(net, weights: W, biases: B)
            r = \(c.call)
            L0 = loss(net, p, X, T, kind: "\(kind)")
            Lend = loss(net, r.params, X, T, kind: "\(kind)")
            """, in: env)
        guard case .record(let r)? = env["r"], case .params(let q)? = r["params"],
            case .matrix(let steps)? = r["steps"], case .matrix(let losses)? = r["loss"]
        else {
            Issue.record("train(..., record:) did not return a record of params, steps and loss")
            return
        }
        #expect(steps.storage == c.steps)
        #expect(steps.cols == 1 && losses.cols == 1)
        #expect(Self.relativeError(losses, Matrix(column: c.loss)) <= 1e-12, "recorded losses")
        for (l, (w, b)) in zip(c.final_weights, c.final_biases).enumerated() {
            #expect(Self.relativeError(q.weights[l], Matrix(rowArrays: w)) <= 1e-12, "W\(l + 1)")
            let bias = try #require(q.biases[l])
            #expect(Self.relativeError(bias, Matrix(rowArrays: b)) <= 1e-12, "b\(l + 1)")
        }
        // The recorded losses are the full-data loss as loss(...) computes it.
        guard case .number(let l0)? = env["L0"], case .number(let lEnd)? = env["Lend"] else {
            Issue.record("loss() did not return numbers")
            return
        }
        #expect(abs(losses.storage[0] - l0) <= 1e-15 * l0)
        #expect(losses.storage.last == lEnd)
        let worst =
            zip(c.final_weights, c.final_biases).enumerated().map { l, wb in
                max(
                    Self.relativeError(q.weights[l], Matrix(rowArrays: wb.0)),
                    Self.relativeError(q.biases[l] ?? Matrix(rows: 0, cols: 0), Matrix(rowArrays: wb.1)))
            }.max() ?? 0
        print(
            "TrainingFixtureTests \(c.name): params \(worst), losses \(Self.relativeError(losses, Matrix(column: c.loss)))"
        )
    }
}
