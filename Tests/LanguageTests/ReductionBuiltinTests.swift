import Foundation
import NTKCore
import Testing

@testable import Language

/// `sum`, `mean`, `min`, `max`, `var`, `std` and `trace` as a notebook calls them give numpy's
/// bits on the matrices of Tests/NTKCoreTests/Fixtures/reductions (`randn(rows, cols, seed: s)`
/// draws what numpy's `default_rng(s).standard_normal` does).
struct ReductionBuiltinTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("NTKCoreTests/Fixtures/reductions/reductions.json")

    static func hex(_ value: Any?) throws -> Double {
        let text = try #require(value as? String)
        return try #require(Double(text), "not a hexadecimal double: \(text)")
    }

    static func number(_ context: EvaluationContext, _ name: String) throws -> Double {
        guard case .number(let x) = try #require(context.environment[name]) else {
            Issue.record("\(name) is not a number")
            return .nan
        }
        return x
    }

    static func matrix(_ context: EvaluationContext, _ name: String) throws -> Matrix {
        guard case .matrix(let m) = try #require(context.environment[name]) else {
            Issue.record("\(name) is not a matrix")
            return Matrix(rows: 0, cols: 0)
        }
        return m
    }

    @Test func reductionsOfANotebookAreNumpysBits() throws {
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count == 10)
        for c in cases {
            let seed = try #require(c["seed"] as? Int)
            let rows = try #require(c["rows"] as? Int)
            let cols = try #require(c["cols"] as? Int)
            let code = """
                A = randn(\(rows), \(cols), seed: \(seed)) * \(try Self.hex(c["scale"])) + \(try Self.hex(c["offset"]))
                s = sum(A)
                m = mean(A)
                lo = min(A)
                hi = max(A)
                v = var(A)
                sd = std(A, ddof: 1)
                t = trace(A)
                s0 = sum(A, axis: 0)
                s1 = sum(A, axis: 1)
                v0 = var(A, axis: 0)
                v1 = var(A, axis: 1)
                """
            let source = SourceText(code)
            let context = EvaluationContext(
                environment: Environment(), baseDirectory: URL(fileURLWithPath: "/"), seed: 0, fileRoot: nil)
            try Evaluator(context: context, source: source).run(try Parser.parse(source))
            for (name, key) in [
                ("s", "sum"), ("m", "mean"), ("lo", "min"), ("hi", "max"), ("v", "var"), ("sd", "std_ddof1"),
                ("t", "trace")
            ] {
                let (x, e) = (try Self.number(context, name), try Self.hex(c[key]))
                // std with ddof: 1 of a single entry is nan (0 / 0), whatever its sign bit.
                #expect(e.isNaN ? x.isNaN : x.bitPattern == e.bitPattern, "\(key) of seed \(seed)")
            }
            for (name, key) in [("s0", "sum_axis0"), ("s1", "sum_axis1"), ("v0", "var_axis0"), ("v1", "var_axis1")] {
                let values = try Self.matrix(context, name).storage
                let stored = try #require(c[key] as? [String: Any])
                #expect(values.count == (stored["count"] as? Int), "\(key) of seed \(seed)")
                let index = try #require(stored["index"] as? [Int])
                let expected = try #require(stored["value"] as? [String]).map { try Self.hex($0) }
                for (i, e) in zip(index, expected) {
                    #expect(values[i].bitPattern == e.bitPattern, "\(key)[\(i)] of seed \(seed)")
                }
            }
        }
    }
}
