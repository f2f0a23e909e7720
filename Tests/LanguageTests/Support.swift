import Foundation
import NTKCore

@testable import Language

/// Runs code in a fresh environment and returns the context (bindings and outputs).
@discardableResult
func run(
    _ code: String, seed: UInt64 = 0, in environment: Environment = Environment(),
    baseDirectory: URL = URL(fileURLWithPath: NSTemporaryDirectory())
) throws(Diagnostic) -> EvaluationContext {
    let source = SourceText(code)
    let context = EvaluationContext(environment: environment, baseDirectory: baseDirectory, seed: seed)
    try Evaluator(context: context, source: source).run(try Parser.parse(source))
    return context
}

/// Evaluates code and returns the value bound to `name` (default `r`).
func value(_ code: String, _ name: String = "r") throws(Diagnostic) -> Value {
    let context = try run(code)
    return context.environment[name] ?? .none
}

func matrix(_ code: String, _ name: String = "r") throws -> Matrix {
    guard case .matrix(let m) = try value(code, name) else { throw TestFailure("\(name) is not a matrix") }
    return m
}

func number(_ code: String, _ name: String = "r") throws -> Double {
    guard case .number(let x) = try value(code, name) else { throw TestFailure("\(name) is not a number") }
    return x
}

/// The diagnostic that evaluating `code` throws (nil when it runs).
func diagnostic(_ code: String) -> Diagnostic? {
    do {
        try run(code)
        return nil
    } catch { return error }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The `cases` of a fixture file in `Tests/LanguageTests/Fixtures/` (`relative` below it); empty
/// when it cannot be read, which the fixture tests catch by counting their cases.
func fixtureCases<Case: Decodable>(_ relative: String) -> [Case] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(relative)
    guard let data = try? Data(contentsOf: url),
        let doc = try? JSONDecoder().decode(FixtureDocument<Case>.self, from: data)
    else {
        return []
    }
    return doc.cases
}

/// A fixture file: its cases under `cases`.
struct FixtureDocument<Case: Decodable>: Decodable {
    let cases: [Case]
}
