import Foundation
import NTKCore
import Testing

@testable import Language

/// `train(...)`'s arguments of LANGUAGE.md §11 through the language: each bad one is an error at
/// its own place, minibatches draw from `seed:` or from the block's stream (and leave the stream
/// where they stopped), and `record:` returns the record §11 describes.
@Suite struct TrainingBuiltinTests {
    static let setup = """
        X = randn(10, 3, seed: 0)
        y = argmax(X)
        net = mlp(depth: 1, width: 8, out_dim: 3, b_std: 0.1)
        p = init(net, X, seed: 1)

        """

    /// The message of the error `call` raises (after `setup`) and the text its range starts at.
    private func failure(_ call: String) throws -> (message: String, at: String) {
        let code = Self.setup + "q = " + call
        let d = try #require(diagnostic(code), "\(call) ran")
        let line = code.split(separator: "\n", omittingEmptySubsequences: false)[d.range.start.line - 1]
        return (d.message, String(line.dropFirst(d.range.start.column - 1)))
    }

    @Test func badArgumentsAreErrorsAtTheArgument() throws {
        let base = "train(net, p, X, one_hot(y, 3), steps: 5, learning_rate: 0.1"
        let typo = try failure(base + #", optimizer: "momentun")"#)
        #expect(typo.message.contains(#"unknown optimizer "momentun""#) && typo.message.contains(#""momentum""#))
        #expect(typo.message.contains("did you mean"), "\(typo.message)")
        #expect(typo.at.hasPrefix(#""momentun""#))

        let lossTypo = try failure(base + #", loss: "crossentropy")"#)
        #expect(lossTypo.message.contains(#"unknown loss "crossentropy""#) && lossTypo.at.hasPrefix(#""crossentropy""#))

        for m in ["1", "1.5", "-0.1", "nan"] {
            let bad = try failure(base + #", optimizer: "momentum", momentum: "# + m + ")")
            #expect(bad.message.contains("momentum must be a number from 0 up to (not including) 1"), "\(bad)")
            #expect(bad.at.hasPrefix(m + ")"))
        }
        let sgdMomentum = try failure(base + ", momentum: 0.5)")
        #expect(
            sgdMomentum.message.contains(#"applies to optimizer: "momentum" only"#) && sgdMomentum.at.hasPrefix("0.5)"))

        let zero = try failure(base + ", batch_size: 0)")
        #expect(zero.message.contains("at least 1") && zero.at.hasPrefix("0)"))
        let tooBig = try failure(base + ", batch_size: 11)")
        #expect(tooBig.message.contains("batch_size 11 is more than the 10 rows of X") && tooBig.at.hasPrefix("11)"))
        let half = try failure(base + ", batch_size: 2.5)")
        #expect(half.message.contains("whole number") && half.at.hasPrefix("2.5)"))

        let seedAlone = try failure(base + ", seed: 3)")
        #expect(seedAlone.message.contains("needs batch_size:") && seedAlone.at.hasPrefix("3)"))
        let badSeed = try failure(base + ", batch_size: 2, seed: -1)")
        #expect(badSeed.message.contains("a seed must be a whole number") && badSeed.at.hasPrefix("-1)"))

        let record = try failure(base + ", record: 0)")
        #expect(record.message.contains("at least 1") && record.at.hasPrefix("0)"))

        let labels = try failure(
            #"train(net, p, X, [[5]] * ones(10, 1), steps: 1, learning_rate: 0.1, loss: "cross_entropy")"#)
        #expect(labels.message.contains("train(): label 5 at index 0 of Y is not a class index 0…2"), "\(labels)")
        let shape = try failure(#"train(net, p, X, y, steps: 1, learning_rate: 0.1)"#)
        #expect(shape.message.hasPrefix("train: the targets must be 10×3") && shape.at.hasPrefix("y,"))
    }

    /// Labels n×1 train with cross-entropy as their one-hot rows; momentum with mass 0 is plain
    /// gradient descent up to rounding.
    @Test func labelsAreOneHotAndMassZeroIsSGD() throws {
        let ctx = try run(
            Self.setup + """
                a = train(net, p, X, y, steps: 7, learning_rate: 0.5, loss: "cross_entropy")
                b = train(net, p, X, one_hot(y, 3), steps: 7, learning_rate: 0.5, loss: "cross_entropy")
                c = train(net, p, X, one_hot(y, 3), steps: 7, learning_rate: 0.5, optimizer: "momentum", momentum: 0)
                d = train(net, p, X, one_hot(y, 3), steps: 7, learning_rate: 0.5)
                """)
        #expect(ctx.environment["a"] == ctx.environment["b"])
        guard case .params(let c)? = ctx.environment["c"], case .params(let d)? = ctx.environment["d"],
            case .params(let p)? = ctx.environment["p"]
        else {
            Issue.record("train did not return params")
            return
        }
        #expect(c.weights != p.weights)
        for (u, v) in zip(c.weights, d.weights) {
            #expect(zip(u.storage, v.storage).allSatisfy { abs($0 - $1) <= 1e-14 * max(1, abs($1)) })
        }
    }

    /// Without `seed:`, the permutations are the block's stream, which continues after `train`:
    /// 4 steps of 4 rows out of 10 (3 steps an epoch) draw two permutations, so the block's
    /// next `permutation` is the stream's third.
    @Test func minibatchesDrawFromTheBlockStreamAndHandItBack() throws {
        let body = """
            a = train(net, p, X, one_hot(y, 3), steps: 4, learning_rate: 0.1, batch_size: 4)
            after = permutation(10)
            """
        let ctx = try run(Self.setup + body, seed: 42)
        let seeded = try run(
            Self.setup + """
                b = train(net, p, X, one_hot(y, 3), steps: 4, learning_rate: 0.1, batch_size: 4, seed: 42)
                """, seed: 42)
        // The setup draws nothing from the stream (its calls are seeded), so the stream is
        // default_rng(42)'s from its start.
        var g = NumpyGenerator(seed: 42)
        _ = g.permutation(10)
        _ = g.permutation(10)
        let third = g.permutation(10).map(Double.init)
        #expect(ctx.environment["a"] == seeded.environment["b"])
        guard case .matrix(let after)? = ctx.environment["after"] else {
            Issue.record("permutation did not return a matrix")
            return
        }
        #expect(after.storage == third)
        // With seed:, the block's stream is not touched.
        let untouched = try run(
            Self.setup + """
                b = train(net, p, X, one_hot(y, 3), steps: 4, learning_rate: 0.1, batch_size: 4, seed: 7)
                first = permutation(10)
                """, seed: 42)
        var fresh = NumpyGenerator(seed: 42)
        #expect(untouched.environment["first"] == .matrix(Matrix(column: fresh.permutation(10).map(Double.init))))
    }

    /// `record: r` gives steps 0, r, 2r, … and the last; the loss at each is `loss(...)` of the
    /// parameters then (checked against shorter runs), and the params are those of the run.
    @Test func recordGivesTheFullDataLossAtTheRecordedSteps() throws {
        let ctx = try run(
            Self.setup + """
                Y = one_hot(y, 3)
                r = train(net, p, X, Y, steps: 7, learning_rate: 0.3, optimizer: "momentum", batch_size: 3, seed: 5, record: 3)
                q = train(net, p, X, Y, steps: 7, learning_rate: 0.3, optimizer: "momentum", batch_size: 3, seed: 5)
                p3 = train(net, p, X, Y, steps: 3, learning_rate: 0.3, optimizer: "momentum", batch_size: 3, seed: 5)
                l = [loss(net, p, X, Y), loss(net, p3, X, Y), loss(net, q, X, Y)]
                z = train(net, p, X, Y, steps: 0, learning_rate: 0.3, record: 2)
                """)
        guard case .record(let r)? = ctx.environment["r"], case .matrix(let steps)? = r["steps"],
            case .matrix(let losses)? = r["loss"], case .list(let l)? = ctx.environment["l"]
        else {
            Issue.record("train(..., record:) did not return a record")
            return
        }
        #expect(r.fields.map(\.name) == ["params", "steps", "loss"])
        #expect(steps.storage == [0, 3, 6, 7])
        #expect(r["params"] == ctx.environment["q"])
        let expected = l.compactMap { v -> Double? in
            if case .number(let x) = v { return x }
            return nil
        }
        #expect(expected.count == 3)
        #expect(losses.storage[0] == expected[0])
        #expect(abs(losses.storage[1] - expected[1]) <= 1e-15 * expected[1])
        #expect(losses.storage[3] == expected[2])
        guard case .record(let z)? = ctx.environment["z"] else {
            Issue.record("steps: 0 with record: did not return a record")
            return
        }
        #expect(z["steps"] == .matrix(Matrix(column: [0])))
        #expect(z["params"] == ctx.environment["p"])
    }

    /// A momentum minibatch run far too long for its block stops at the block's timeout,
    /// reported at the `train` call (it checks the deadline between its chunks of steps).
    @Test func aTimeoutStopsMinibatchMomentumTraining() throws {
        let source = SourceText(
            Self.setup
                + "q = train(net, p, X, one_hot(y, 3), steps: 1e12, learning_rate: 0.01, optimizer: \"momentum\", "
                + "batch_size: 3)")
        let context = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()),
            seed: 0, deadline: Deadline(seconds: 0.3))
        do {
            try Evaluator(context: context, source: source).run(try Parser.parse(source))
            Issue.record("10^12 training steps ended")
        } catch {
            #expect(error.message == "block timed out after 0.3 s")
            #expect(error.range.start.line == 5)
        }
    }
}
