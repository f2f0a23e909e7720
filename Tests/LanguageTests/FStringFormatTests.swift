import Foundation
import Testing

@testable import Language

/// f-string fields against CPython (docs/language.md#comprehensions-lists-and-strings):
/// Fixtures/fstrings.json holds what Python 3's `format(value, spec)` gives
/// (Fixtures/make_fstrings.py wrote it); each case is evaluated through `f"{x:spec}"` and must give
/// exactly the same text. Pairs Python refuses must be refused too, with a located error.
@Suite struct FStringFormatTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var kind: String
        var value: String
        var spec: String
        var expected: String?
        var python: String?
        var testDescription: String { "\(kind) \(value) :\(spec)" }

        var bound: Value {
            kind == "string" ? .string(value) : .number(Double(value)!)
        }
    }

    struct Fixture: Decodable {
        var cases: [Case]
        var errors: [Case]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/fstrings.json")
        return (try? JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))) ?? Fixture(cases: [], errors: [])
    }()

    /// `r = f"<{x:spec}>"` with x bound to the case's value.
    static func format(_ c: Case) throws(Diagnostic) -> String {
        let environment = Environment()
        environment["x"] = c.bound
        let context = try run("r = f\"<{x:\(c.spec)}>\"", in: environment)
        guard case .string(let s)? = context.environment["r"] else { return "(not a string)" }
        return s
    }

    @Test func fixtureIsThere() {
        #expect(Self.fixture.cases.count > 3000)
        #expect(Self.fixture.errors.count > 100)
    }

    @Test func everyCaseFormatsAsCPythonDoes() {
        var failures: [String] = []
        for c in Self.fixture.cases {
            do {
                let got = try Self.format(c)
                if got != "<\(c.expected!)>" {
                    failures.append("\(c.testDescription): got \(got), Python <\(c.expected!)>")
                }
            } catch {
                failures.append("\(c.testDescription): error \(error.message), Python <\(c.expected!)>")
            }
        }
        #expect(
            failures.isEmpty,
            "\(failures.count) of \(Self.fixture.cases.count):\n\(failures.prefix(400).joined(separator: "\n"))")
    }

    /// Zero padding with grouping is laid out in one pass (it once took seconds per field; tests
    /// never assert on time, so this checks the width of twenty 10 000-character fields).
    @Test func wideGroupedZeroPaddingIsLaidOut() throws {
        let context = try run("x = 1234.5\nn = 0\nfor i in range(20):\n    n = n + len(f\"{x:010000,.2f}\")")
        #expect(context.environment["n"] == .number(200_000))
    }

    @Test func whatCPythonRefusesIsALocatedError() {
        var accepted: [String] = []
        for c in Self.fixture.errors {
            do {
                let got = try Self.format(c)
                accepted.append("\(c.testDescription): gave \(got), Python: \(c.python ?? "")")
            } catch {
                // The field `{x:spec}` starts at column 8 of `r = f"<{x:spec}>"`.
                if error.range.start != SourceLocation(line: 1, column: 8) {
                    accepted.append("\(c.testDescription): error at \(error.range.start): \(error.message)")
                }
            }
        }
        #expect(
            accepted.isEmpty,
            "\(accepted.count) of \(Self.fixture.errors.count):\n\(accepted.prefix(60).joined(separator: "\n"))")
    }
}
