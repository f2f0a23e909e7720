import Foundation
import NTKCore
import Testing

@testable import Language

/// One case of Fixtures/classification/classification.json (written by make_classification.py with
/// numpy, scipy and neural-tangents); the code runs with block seed `seed`.
struct ClassificationCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let code: String
    let compare: String
    let tol: Double
    let seed: UInt64
    let inputs: [String: ArrayToolsCase.Tagged]
    let expected: [String: ArrayToolsCase.Tagged]

    var testDescription: String { name }

    static let all: [ClassificationCase] = fixtureCases("classification/classification.json")

    func run() throws(Diagnostic) -> Environment {
        let env = Environment()
        for (k, v) in inputs { env[k] = v.value }
        return try LanguageTests.run(code, seed: seed, in: env).environment
    }
}

@Suite struct ClassificationNumpyTests {
    @Test func fixturesArePresent() {
        #expect(
            ClassificationCase.all.count == 18,
            "run Tests/LanguageTests/Fixtures/classification/make_classification.py")
    }

    @Test(arguments: ClassificationCase.all)
    func agreesWithNumpy(_ fixture: ClassificationCase) throws {
        let env = try fixture.run()
        for (name, want) in fixture.expected.sorted(by: { $0.key < $1.key }) {
            let got = try #require(env[name], "\(name) is not bound")
            if fixture.compare == "exact" {
                #expect(ArrayCompare.exact(got, want.value), "\(fixture.name).\(name): got \(got), numpy \(want.value)")
            } else {
                let e = ArrayCompare.relativeError(got, want.value)
                #expect(e <= fixture.tol, "\(fixture.name).\(name): relative error \(e)")
            }
        }
    }
}

@Suite struct ClassificationTests {
    /// The diagnostic's message and the column its range starts at.
    private func failure(_ code: String) throws -> (message: String, column: Int) {
        let d = try #require(diagnostic(code), "\(code) ran")
        return (d.message, d.range.start.column)
    }

    @Test func oneHotRefusesLabelsOutsideTheClasses() throws {
        let big = try failure("r = one_hot([0, 3, 1], 3)")
        #expect(big.message == "one_hot(): label 3 at index 1 of labels is not a class index 0…2")
        #expect(big.column == 13)
        #expect(try failure("r = one_hot([0.5], 2)").message.contains("label 0.5 at index 0"))
        #expect(try failure("r = one_hot([-1], 2)").message.contains("label -1 at index 0"))
        #expect(try failure("r = one_hot([[0, 1], [1, 0]], 2)").message.contains("an n×1 of class indices"))
        #expect(try failure("r = one_hot([0], 0)").message.contains("must be at least 1"))
    }

    @Test func accuracyChecksLabelShapesAndRange() throws {
        let f = "F = [[1, 2], [3, 0], [0, 5]]\n"
        #expect(try number(f + "r = accuracy(F, [1, 0, 0])") == 2.0 / 3.0)
        let shape = try failure(f + "r = accuracy(F, [[1, 0, 0, 1]])")
        #expect(shape.message.contains("needs labels as 3×1 class indices or 3×2 one-hot rows"))
        #expect(try failure(f + "r = accuracy(F, [1, 2, 0])").message.contains("label 2 at index 1"))
        #expect(try failure("r = accuracy(zeros(0, 2), zeros(0, 1))").message.contains("empty"))
    }

    @Test func softmaxIsFiniteForHugeLogits() throws {
        let s = try matrix("r = softmax([[1e308, -1e308, 1e308]])")
        #expect(s.storage == [0.5, 0, 0.5])
        let l = try matrix("r = log_softmax([[-1e308, -1e308]])")
        #expect(l.storage.allSatisfy { abs($0 + log(2)) < 1e-15 })
    }

    @Test func fancyIndexingReportsRangeAndDoubleLists() throws {
        let out = try failure("X = zeros(3, 2)\nr = X[[0, 3]]")
        #expect(out.message == "index 3 is out of range for a 3×2 matrix (axis 0) (valid: -3 to 2)")
        #expect(out.column == 7)
        #expect(try failure("X = zeros(3, 2)\nr = X[:, [-3]]").message.contains("index -3 is out of range"))
        #expect(try failure("X = zeros(3, 2)\nr = X[[0.5]]").message.contains("whole number, got 0.5"))
        #expect(try failure("X = zeros(3, 2)\nr = X[[0, 1], [0, 1]]").message.contains("at most one list of indices"))
        #expect(try failure("X = zeros(3, 2)\nr = X[zeros(2, 2)]").message.contains("list or an n×1 vector"))
        #expect(try matrix("X = zeros(3, 2)\nr = X[[]]") == Matrix(rows: 0, cols: 2))
        // A list is indexed by a list too.
        guard case .list(let items) = try value("r = [10, 20, 30][[2, 0]]") else {
            Issue.record("not a list")
            return
        }
        #expect(items.count == 2)
    }

    @Test func aSelectionTooLargeForMemoryIsRefused() throws {
        // 10^6 copies of a 10^6-wide row: 8 TB, refused before allocating.
        let big = try failure("X = zeros(2, 1000000)\nidx = zeros(1000000, 1)\nr = X[idx]")
        #expect(big.message.contains("this selection needs"))
        #expect(big.column == 7)
    }

    @Test func nonzeroOfAMatrixIsRowMajor() throws {
        #expect(try matrix("r = nonzero([[0, 1], [nan, 0]])") == Matrix(column: [1, 2]))
        #expect(try matrix("r = nonzero(zeros(2, 2))") == Matrix(rows: 0, cols: 1))
    }

    @Test func standardizeCentresAConstantColumnWithoutScaling() throws {
        let m = try matrix("r = standardize([[1, 5], [3, 5]])")
        #expect(m == Matrix(rowArrays: [[-1, 0], [1, 0]]))
    }

    @Test func permutationWithoutSeedDrawsFromTheBlockStream() throws {
        let a = try matrix("r = permutation(20)")
        var g = NumpyGenerator(seed: 0)
        #expect(a.storage == g.permutation(20).map(Double.init))
        #expect(try failure("r = permutation(-1)").message.contains("at least 0"))
    }

    @Test func crossEntropyLossChecksTargets() throws {
        let net = "net = mlp(depth: 1, width: 4, out_dim: 3)\nX = randn(5, 2)\np = init(net, X)\n"
        let wrong = try failure(net + "r = loss(net, p, X, zeros(5, 2), kind: \"cross_entropy\")")
        #expect(wrong.message == "loss: cross_entropy needs Y as 5×3 one-hot rows or 5×1 class indices, got 5×2")
        let label = try failure(net + "r = loss(net, p, X, [0, 1, 2, 3, 0], kind: \"cross_entropy\")")
        #expect(label.message.contains("label 3 at index 3 of Y is not a class index 0…2"))
        let kind = try failure(net + "r = loss(net, p, X, zeros(5, 3), kind: \"crossentropy\")")
        #expect(kind.message.contains("unknown kind \"crossentropy\""))
        // A single-output network takes no class indices: its n×1 Y is the one-column target.
        let one = "net = mlp(depth: 1, width: 4)\nX = randn(5, 2)\np = init(net, X)\n"
        #expect(try number(one + "r = loss(net, p, X, ones(5, 1), kind: \"cross_entropy\")") == 0)
    }

    @Test func theToolsAreListedBuiltins() {
        for name in ["one_hot", "softmax", "log_softmax", "accuracy", "permutation", "nonzero", "standardize"] {
            #expect(BuiltinCatalog.entries.contains { $0.signature.hasPrefix(name + "(") }, "\(name)")
        }
    }
}
