import Foundation
import NTKCore
import Testing

@testable import Language

/// One case of Fixtures/array_tools.json (written by make_array_tools.py with numpy and scipy).
struct ArrayToolsCase: Decodable, Sendable, CustomTestStringConvertible {
    /// A tagged value: `number` (repr string), `bool`, or a matrix (`rows`, `cols`, `data`).
    struct Tagged: Decodable, Sendable {
        var number: String?
        var bool: Bool?
        var rows: Int?
        var cols: Int?
        var data: [String]?

        var value: Value {
            if let number { return .number(Double(number)!) }
            if let bool { return .bool(bool) }
            return .matrix(Matrix(rows: rows!, cols: cols!, storage: data!.map { Double($0)! }))
        }
    }

    let name: String
    let code: String
    let compare: String
    let tol: Double
    let inputs: [String: Tagged]
    let expected: [String: Tagged]

    var testDescription: String { name }

    static let all: [ArrayToolsCase] = fixtureCases("array_tools.json")

    /// Runs the code with the inputs bound; returns the bindings.
    func run() throws(Diagnostic) -> Environment {
        let env = Environment()
        for (k, v) in inputs { env[k] = v.value }
        return try LanguageTests.run(code, in: env).environment
    }
}

/// How the array-tool tests compare values.
enum ArrayCompare {
    /// Bit for bit, NaN equal to NaN, shapes equal; a number matches a 1×1 only as a number.
    static func exact(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        case (.bool(let x), .bool(let y)): return x == y
        case (.matrix(let x), .matrix(let y)):
            return x.rows == y.rows && x.cols == y.cols
                && zip(x.storage, y.storage).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
        default: return false
        }
    }

    /// max|a − b| / max|b| (NaN and infinities must sit at the same places with the same value).
    static func relativeError(_ a: Value, _ b: Value) -> Double {
        guard let x = a.asMatrix, let y = b.asMatrix, x.rows == y.rows, x.cols == y.cols,
            a.kindName == b.kindName
        else { return .infinity }
        var d = 0.0
        var s = 0.0
        for (p, q) in zip(x.storage, y.storage) {
            if !q.isFinite {
                if !(p.bitPattern == q.bitPattern || (p.isNaN && q.isNaN)) { return .infinity }
                continue
            }
            d = max(d, p.isFinite ? abs(p - q) : .infinity)
            s = max(s, abs(q))
        }
        return s == 0 ? d : d / s
    }

    /// The largest distance in units in the last place between entries (infinity on a shape mismatch).
    static func ulps(_ a: Value, _ b: Value) -> Double {
        guard let x = a.asMatrix, let y = b.asMatrix, x.rows == y.rows, x.cols == y.cols else { return .infinity }
        return zip(x.storage, y.storage).map { p, q in p == q ? 0 : abs(p - q) / q.ulp }.max() ?? 0
    }

    /// As `relativeError`, after negating each column of `a` whose sign disagrees with `b`'s.
    static func relativeErrorUpToColumnSigns(_ a: Value, _ b: Value) -> Double {
        guard case .matrix(var x) = a, case .matrix(let y) = b, x.rows == y.rows, x.cols == y.cols else {
            return relativeError(a, b)
        }
        for j in 0..<x.cols {
            let dot = (0..<x.rows).reduce(0.0) { $0 + x[$1, j] * y[$1, j] }
            if dot < 0 { for i in 0..<x.rows { x[i, j] = -x[i, j] } }
        }
        return relativeError(.matrix(x), b)
    }
}

// MARK: - Agreement with numpy and scipy

@Suite struct ArrayToolsNumpyTests {
    @Test func fixturesArePresent() {
        #expect(ArrayToolsCase.all.count == 47, "run Tests/LanguageTests/Fixtures/make_array_tools.py")
    }

    @Test(arguments: ArrayToolsCase.all)
    func agreesWithNumpy(_ fixture: ArrayToolsCase) throws {
        let env = try fixture.run()
        for (name, want) in fixture.expected.sorted(by: { $0.key < $1.key }) {
            let got = try #require(env[name], "\(name) is not bound")
            switch fixture.compare {
            case "exact":
                #expect(ArrayCompare.exact(got, want.value), "\(fixture.name).\(name): got \(got), numpy \(want.value)")
            case "ulps":
                let e = ArrayCompare.ulps(got, want.value)
                #expect(e <= fixture.tol, "\(fixture.name).\(name): \(e) ulps apart")
            case "sign":
                let e = ArrayCompare.relativeErrorUpToColumnSigns(got, want.value)
                #expect(e <= fixture.tol, "\(fixture.name).\(name): relative error \(e)")
            default:
                let e = ArrayCompare.relativeError(got, want.value)
                #expect(e <= fixture.tol, "\(fixture.name).\(name): relative error \(e)")
            }
        }
    }
}

// MARK: - Behaviour beyond the fixtures

@Suite struct ArrayToolsTests {
    @Test func argmaxDefaultsToRowsAndTiesGoFirst() throws {
        #expect(try matrix("r = argmax([[1, 3, 3], [2, 2, 0]])") == Matrix(column: [1, 0]))
        #expect(try matrix("r = argmin([[1, 3, 3], [2, 2, 0]], axis: 0)") == Matrix(rowArrays: [[0, 1, 1]]))
        #expect(try number("r = argmax([[1, 3], [9, 9]], axis: none)") == 2)
    }

    @Test func argmaxOfEmptyIsALocatedError() throws {
        let d = try #require(diagnostic("r = argmax(zeros(0, 3), axis: none)"))
        #expect(d.message == "argmax() of an empty 0×3 matrix")
        #expect(d.range.start == SourceLocation(line: 1, column: 12))
        #expect(
            diagnostic("r = argmin(zeros(0, 3), axis: 0)")?.message
                == "argmin() over axis 0 of a 0×3 matrix with no rows")
        // No row to reduce: an empty result, as numpy.
        #expect(try matrix("r = argmax(zeros(0, 3))") == Matrix(rows: 0, cols: 1))
    }

    @Test func axisMustBeZeroOneOrNone() throws {
        let d = try #require(diagnostic("r = median([[1, 2]], axis: 2)"))
        #expect(d.message == "axis must be 0 (down the columns), 1 (along the rows) or none (the whole matrix), got 2")
        #expect(d.range.start == SourceLocation(line: 1, column: 28))
        #expect(diagnostic("r = argmax([[1, 2]], axis: -1)") != nil)
        #expect(try matrix("r = sort([[3, 1, 2]], axis: -1)") == Matrix(rowArrays: [[1, 2, 3]]))
    }

    @Test func argsortIsStableAndPutsNaNLast() throws {
        // Ten equal keys: a stable sort keeps them in index order.
        let order = try matrix("r = argsort([2, 1, 2, 1, 2, 1, 2, 1, 2, 1, nan, 0])")
        #expect(order.storage == [11, 1, 3, 5, 7, 9, 0, 2, 4, 6, 8, 10])
        #expect(Builtins.stableOrder([.nan, 1, .nan, -.infinity, .infinity]) == [3, 1, 4, 0, 2])
    }

    @Test func sortKeepsAVectorsShapeAndFlattensWithAxisNone() throws {
        #expect(try matrix("r = sort([3, 1, 2])") == Matrix(column: [1, 2, 3]))
        #expect(try matrix("r = sort([[3, 1, 2]])") == Matrix(rowArrays: [[1, 2, 3]]))
        #expect(try matrix("r = sort([[4, 1], [3, 2]], axis: none)") == Matrix(column: [1, 2, 3, 4]))
        #expect(try matrix("r = sort(zeros(0, 2))") == Matrix(rows: 0, cols: 2))
    }

    @Test func statisticsOfEmptyMatricesAreNaNNotCrashes() throws {
        #expect(try number("r = std(zeros(0, 3))").isNaN)
        #expect(try number("r = median(zeros(2, 0))").isNaN)
        #expect(try matrix("r = var(zeros(0, 2), axis: 0)").storage.allSatisfy(\.isNaN))
        #expect(try matrix("r = cumsum(zeros(0, 2))") == Matrix(rows: 0, cols: 1))
        #expect(
            diagnostic("r = var([[1, 2]], ddof: -1)")?.message == "argument 'ddof' of var() must be at least 0, got -1")
    }

    @Test func varianceIsComputedAboutTheMean() throws {
        // Large offset: a one-pass E[x²] − E[x]² formula would lose every digit here.
        let v = try number("r = var([1e9 + 1, 1e9 + 2, 1e9 + 3])")
        #expect(abs(v - 2.0 / 3.0) < 1e-6)
        #expect(try number("r = std([[2, 4, 4, 4, 5, 5, 7, 9]].T)") == 2)
    }

    @Test func broadcastMismatchNamesBothShapesAtTheArgument() throws {
        let d = try #require(diagnostic("A = zeros(3, 2)\nr = maximum(A, ones(4, 1))"))
        #expect(d.message == "maximum(): shapes 3×2 and 4×1 cannot be broadcast together")
        #expect(d.range.start == SourceLocation(line: 2, column: 16))
        let w = try #require(diagnostic("r = where(ones(3, 1), ones(1, 2), zeros(2, 2))"))
        #expect(w.message == "where(): shapes 3×2 and 2×2 cannot be broadcast together")
        #expect(w.range.start == SourceLocation(line: 1, column: 35))
    }

    @Test func masksAcceptBoolsAndNumbers() throws {
        #expect(try value("r = all(true)") == .bool(true))
        #expect(try value("r = any(0)") == .bool(false))
        #expect(try number("r = where(true, 1, 2)") == 1)
        #expect(try number("r = isnan(1)") == 0)
        #expect(try matrix("r = where([[1, 0]], 5, [[7, 8]])") == Matrix(rowArrays: [[5, 8]]))
        #expect(diagnostic("r = isnan(\"x\")")?.message == "argument 'x' of isnan() must be a matrix, got a string")
    }

    @Test func kronAndOuterOfEmptyMatrices() throws {
        #expect(try matrix("r = kron(zeros(0, 2), ones(3, 3))") == Matrix(rows: 0, cols: 6))
        #expect(try matrix("r = outer(zeros(0, 1), ones(3, 1))") == Matrix(rows: 0, cols: 3))
        #expect(try matrix("r = logspace(0, 1, 0)") == Matrix(rows: 0, cols: 1))
    }

    @Test func eighVectorsDiagonaliseAndHaveAFixedSign() throws {
        let env = try run(
            "A = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]\nE = eigh(A)\nv = E.vectors\nw = E.values\n"
                + "D = v.T @ A @ v"
        ).environment
        guard case .matrix(let v) = env["v"], case .matrix(let w) = env["w"], case .matrix(let d) = env["D"] else {
            Issue.record("eigh gives matrices")
            return
        }
        // The tridiagonal [-1, 2, -1] matrix has eigenvalues 2 − 2cos(kπ/4), k = 1, 2, 3.
        let exact = (1...3).map { 2 - 2 * cos(Double($0) * .pi / 4) }
        for (a, b) in zip(w.storage, exact) { #expect(abs(a - b) < 1e-14) }
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(d[i, j] - (i == j ? w.storage[i] : 0)) < 1e-14) }
            let column = (0..<3).map { v[$0, i] }
            let largest = column.map(abs).max()!
            #expect(column.first { abs($0) >= largest * (1 - 1e-10) }! > 0)
        }
        #expect(
            Builtins.withFixedSigns(Matrix(rowArrays: [[-0.6, 0.8], [-0.8, -0.6]]))
                == Matrix(rowArrays: [[0.6, 0.8], [0.8, -0.6]]))
        // Magnitudes equal up to rounding: the first entry decides, whichever is larger by an ulp.
        let h = 0.7071067811865476
        let l = 0.7071067811865475
        #expect(Builtins.withFixedSigns(Matrix(rowArrays: [[-l, h], [h, l]])) == Matrix(rowArrays: [[l, h], [-h, l]]))
    }

    @Test func eighAndExpmRejectBadInputAtTheArgument() throws {
        let d = try #require(diagnostic("r = eigh(zeros(2, 3))"))
        #expect(d.message == "eigh() needs a square matrix, got 2×3")
        #expect(d.range.start == SourceLocation(line: 1, column: 10))
        #expect(
            diagnostic("r = expm([[nan]])")?.message
                == "expm() needs finite entries, but the matrix has NaN or infinity")
        #expect(diagnostic("r = expm([[800]])")?.message.contains("overflows") == true)
        #expect(try matrix("r = expm(zeros(0, 0))") == Matrix(rows: 0, cols: 0))
        guard case .record(let r) = try value("r = eigh(zeros(0, 0))") else {
            Issue.record("a record")
            return
        }
        #expect(r.fieldNames == ["values", "vectors"])
    }

    @Test func expmSatisfiesExponentialIdentities() throws {
        // e^(A) e^(−A) = I and det(e^A) = e^trace(A), across the scaling range.
        // (Only for moderate norms: for large ones e^A e^(−A) loses all digits in floating point.)
        for scale in [0.001, 0.3, 2.0] {
            let env = try run(
                "A = randn(5, 5, seed: 4) * \(scale)\nP = expm(A) @ expm(-A)\nd = det(expm(A))\nt = exp(trace(A))"
            ).environment
            guard case .matrix(let p) = env["P"], case .number(let d) = env["d"], case .number(let t) = env["t"] else {
                Issue.record("values")
                return
            }
            let id = Matrix.identity(5)
            let err = zip(p.storage, id.storage).map { abs($0 - $1) }.max()!
            #expect(err < 1e-9 * max(1, scale * scale), "scale \(scale): \(err)")
            #expect(abs(d - t) <= 1e-10 * abs(t), "scale \(scale)")
        }
    }

    @Test func expmSquaringAsksWhetherToStop() throws {
        // ‖A‖₁ = 1e300 needs s = ⌈log2(1e300 / θ13)⌉ squarings; each asks first, so a block
        // timeout can interrupt them. A small norm needs none.
        // Nilpotent: e^A = I + A exactly, and every squaring stays finite.
        let huge = Matrix(rowArrays: [[0, 1e300], [0, 0]])
        #expect(try huge.exponential { true } == nil)
        var asked = 0
        let e = try #require(
            try huge.exponential {
                asked += 1
                return false
            })
        #expect(asked == Int((log2(1e300 / 5.371920351148152)).rounded(.up)))
        #expect(ArrayCompare.relativeError(.matrix(e), .matrix(Matrix(rowArrays: [[1, 1e300], [0, 1]]))) < 1e-15)
        var askedSmall = 0
        #expect(
            try Matrix(rowArrays: [[0.1]]).exponential {
                askedSmall += 1
                return true
            } != nil)
        #expect(askedSmall == 0)
    }

    @Test func expmOfASymmetricMatrixMatchesItsEigendecomposition() throws {
        // ‖A‖₁ ≈ 50: Padé 13 after several squarings; e^A = V diag(e^λ) Vᵀ independently.
        let env = try run(
            "B = randn(6, 6, seed: 9)\nA = (B + B.T) * 3\nE = eigh(A)\n"
                + "r = expm(A)\ns = E.vectors @ diag(exp(E.values)) @ E.vectors.T\nn = norm(A)"
        ).environment
        guard case .matrix(let r) = env["r"], case .matrix(let s) = env["s"], case .number(let n) = env["n"] else {
            Issue.record("values")
            return
        }
        #expect(n > 20)
        #expect(ArrayCompare.relativeError(.matrix(r), .matrix(s)) < 1e-12)
    }
}
