import Foundation
import Testing

@testable import NTKCore

// MARK: - Fixtures (Fixtures/nt/predict/make_predict_fixtures.py, neural-tangents 0.6.5)

/// Any JSON value; numbers are Python reprs, which `JSONDecoder` reads back exactly.
indirect enum PredictJSON: Decodable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([PredictJSON])
    case object([String: PredictJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([PredictJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: PredictJSON].self))
        }
    }

    /// The value of `key` in an object; nil when absent or null.
    subscript(key: String) -> PredictJSON? {
        guard case .object(let o) = self, let v = o[key] else { return nil }
        if case .null = v { return nil }
        return v
    }
    var number: Double? { if case .number(let x) = self { x } else { nil } }
    var list: [PredictJSON] { if case .array(let a) = self { a } else { [] } }
    var bool: Bool { if case .bool(let b) = self { b } else { false } }

    /// A 2-D list as a matrix (rows of equal length).
    var matrix: Matrix { Matrix(rowArrays: list.map { $0.list.map { $0.number ?? .nan } }) }
    /// A 3-D list (leading time axis) as one matrix per time.
    var matrices: [Matrix] { list.map(\.matrix) }

    /// An fx_*_0 entry broadcast to rows×cols: absent (zeros), a scalar, or a full matrix.
    static func initial(_ v: PredictJSON?, rows: Int, cols: Int) -> Matrix {
        guard let v else { return Matrix(rows: rows, cols: cols) }
        if let x = v.number { return Matrix(rows: rows, cols: cols, repeating: x) }
        return v.matrix
    }
}

/// One harness call: its `predict` spec and NT's results.
struct PredictFixture: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let about: String
    let spec: PredictJSON
    let results: PredictJSON

    var testDescription: String { name }

    struct Document: Decodable { let cases: [PredictFixture] }

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/nt/predict/cases.json")
    static let all: [PredictFixture] = {
        guard let data = try? Data(contentsOf: url),
            let doc = try? JSONDecoder().decode(Document.self, from: data)
        else { return [] }
        return doc.cases
    }()
    static var ensembles: [PredictFixture] { all.filter { $0.spec["ensemble"]?.bool == true } }

    // Spec fields, as nt_reference.py reads them.
    var kTrainTrain: Matrix { spec["k_train_train"]!.matrix }
    var kTestTrain: Matrix? { spec["k_test_train"]?.matrix }
    var y: Matrix { spec["y_train"]!.matrix }
    var learningRate: Double { spec["learning_rate"]?.number ?? 1 }
    var diagReg: Double { spec["diag_reg"]?.number ?? 0 }
    var absolute: Bool { spec["diag_reg_absolute_scale"]?.bool ?? false }
    /// The times, `.infinity` for "inf"; `isList` says whether NT's outputs have a time axis.
    var times: (values: [Double], isList: Bool) {
        if case .string = spec["t"]! { return ([.infinity], false) }
        if let x = spec["t"]!.number { return ([x], false) }
        return (spec["t"]!.list.map { $0.number! }, true)
    }
    /// NT's outputs for `key`, one matrix per time.
    func expected(_ v: PredictJSON) -> [Matrix] { times.isList ? v.matrices : [v.matrix] }
}

/// How PredictTests compare matrices.
enum PredictCompare {
    /// Agreement required with neural-tangents: max|a − b| / max|b|.
    static let tolerance = 1e-9

    /// max|a − b| / max|b| (absolute when b is all zeros); infinity on a shape mismatch or NaN.
    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows && a.cols == b.cols else { return .infinity }
        var d = 0.0
        var s = 0.0
        for (x, y) in zip(a.storage, b.storage) {
            d = max(d, x.isNaN || y.isNaN ? .infinity : abs(x - y))
            s = max(s, abs(y))
        }
        return s == 0 ? d : d / s
    }

    /// Prints a case's worst error when TANGENT_TEST_VERBOSE is set (for reports).
    static func report(_ what: String, _ e: Double) {
        if ProcessInfo.processInfo.environment["TANGENT_TEST_VERBOSE"] != nil {
            print("PREDICT-ERR \(what) \(e)")
        }
    }
}

// MARK: - Agreement with neural-tangents

@Suite struct PredictTests {
    @Test func fixturesArePresent() {
        #expect(PredictFixture.all.count == 18, "run make_predict_fixtures.py")
        #expect(PredictFixture.ensembles.count == 6)
    }

    @Test(arguments: PredictFixture.all)
    func gradientDescentMSEMatchesNT(_ c: PredictFixture) throws {
        let y = c.y
        let gd = try GradientDescentMSE(
            kernelTrainTrain: c.kTrainTrain, yTrain: y, learningRate: c.learningRate,
            diagReg: c.diagReg, diagRegAbsoluteScale: c.absolute)
        let f0 = PredictJSON.initial(c.spec["fx_train_0"], rows: y.rows, cols: y.cols)
        let times = c.times.values
        let train = try gd.predict(times: times, kTestTrain: nil, fxTrain0: f0, fxTest0: nil)
        let wantTrain = c.expected(try #require(c.results["fx_train_t"]))
        #expect(train.count == wantTrain.count)
        var worst = 0.0
        for (t, (got, want)) in zip(times, zip(train, wantTrain)) {
            let e = PredictCompare.relativeError(got, want)
            worst = max(worst, e)
            #expect(e <= PredictCompare.tolerance, "train t=\(t): relative error \(e)")
            if t == .infinity { #expect(got == y, "t = inf train outputs must be y exactly") }
        }
        if let ktd = c.kTestTrain {
            let g0 = PredictJSON.initial(c.spec["fx_test_0"], rows: ktd.rows, cols: y.cols)
            let test = try gd.predict(times: times, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
            let wantTest = c.expected(try #require(c.results["fx_test_t"]))
            #expect(test.count == wantTest.count)
            for (t, (got, want)) in zip(times, zip(test, wantTest)) {
                let e = PredictCompare.relativeError(got, want)
                worst = max(worst, e)
                #expect(e <= PredictCompare.tolerance, "test t=\(t): relative error \(e)")
            }
        }
        #expect(!gd.usedEigenFallback)
        PredictCompare.report("gd \(c.name)", worst)
    }

    @Test(arguments: PredictFixture.ensembles, EnsembleKernel.allCases)
    func ensembleMatchesNT(_ c: PredictFixture, _ kernel: EnsembleKernel) throws {
        let s = c.spec
        let want = try #require(c.results["ensemble"]?[kernel.rawValue])
        let wantMean = c.expected(try #require(want["mean"]))
        let wantCov = c.expected(try #require(want["cov"]))
        var worst = 0.0
        for (i, t) in c.times.values.enumerated() {
            let p = try InfiniteEnsemble.predict(
                kernel: kernel, nngpTrainTrain: s["nngp_train_train"]!.matrix,
                ntkTrainTrain: s["ntk_train_train"]!.matrix, nngpTestTrain: s["nngp_test_train"]!.matrix,
                ntkTestTrain: s["ntk_test_train"]!.matrix, nngpTestTest: s["nngp_test_test"]!.matrix,
                yTrain: c.y, t: t, learningRate: c.learningRate, diagReg: c.diagReg,
                diagRegAbsoluteScale: c.absolute, computeCovariance: true)
            let em = PredictCompare.relativeError(p.mean, wantMean[i])
            let ec = p.covariance.map { PredictCompare.relativeError($0, wantCov[i]) } ?? .infinity
            worst = max(worst, em, ec)
            #expect(em <= PredictCompare.tolerance, "mean t=\(t): relative error \(em)")
            #expect(ec <= PredictCompare.tolerance, "covariance t=\(t): relative error \(ec)")
            #expect(!p.usedEigenFallback)
            // Mean only gives the same mean.
            let meanOnly = try InfiniteEnsemble.predict(
                kernel: kernel, nngpTrainTrain: s["nngp_train_train"]!.matrix,
                ntkTrainTrain: s["ntk_train_train"]!.matrix, nngpTestTrain: s["nngp_test_train"]!.matrix,
                ntkTestTrain: s["ntk_test_train"]!.matrix, nngpTestTest: nil, yTrain: c.y, t: t,
                learningRate: c.learningRate, diagReg: c.diagReg, diagRegAbsoluteScale: c.absolute,
                computeCovariance: false)
            #expect(meanOnly.covariance == nil)
            #expect(PredictCompare.relativeError(meanOnly.mean, p.mean) <= 1e-14)
        }
        PredictCompare.report("ensemble \(kernel) \(c.name)", worst)
    }
}

// MARK: - Independent checks

/// Deterministic test matrices (no fixture needed).
enum PredictSamples {
    /// B·Bᵀ + shift·I for a fixed n×(n+3) B: symmetric positive definite, exactly symmetric.
    static func spd(_ n: Int, seed: Double = 0, shift: Double = 0.5) -> Matrix {
        var k = Matrix(rows: n, cols: n + 3) { i, j in sin(Double(7 * i + 3 * j) + seed) }.gram()
        for i in 0..<n { k[i, i] += shift }
        return k
    }

    static func dense(_ r: Int, _ c: Int, seed: Double) -> Matrix {
        Matrix(rows: r, cols: c) { i, j in cos(Double(5 * i + 11 * j) * 0.37 + seed) }
    }

    /// V·diag(λ)·Vᵀ with V orthogonal (from `spd`) and the given eigenvalues, symmetrised.
    static func withEigenvalues(_ lambdas: [Double]) throws -> Matrix {
        let n = lambdas.count
        let v = try spd(n, seed: 1).symmetricEigen().vectors
        var scaled = v
        for i in 0..<n { for j in 0..<n { scaled[i, j] *= lambdas[j] } }
        let k = scaled.matmulTransposed(v)
        return Matrix(rows: n, cols: n) { i, j in 0.5 * (k[i, j] + k[j, i]) }
    }
}

extension PredictError {
    /// The case name, for matching without the message.
    var kind: String {
        switch self {
        case .shapeMismatch: "shapeMismatch"
        case .emptyInput: "emptyInput"
        case .notSymmetric: "notSymmetric"
        case .notFinite: "notFinite"
        case .negativeTime: "negativeTime"
        case .nonPositiveLearningRate: "nonPositiveLearningRate"
        case .negativeDiagReg: "negativeDiagReg"
        case .missingArgument: "missingArgument"
        case .factorizationFailed: "factorizationFailed"
        }
    }
}

/// Checks that need no neural-tangents fixture.
extension PredictTests {
    @Suite struct Properties {
        let n = 9, m = 4, k = 2
        var kdd: Matrix { PredictSamples.spd(n) }
        var ktd: Matrix { PredictSamples.dense(m, n, seed: 0.3) }
        var y: Matrix { PredictSamples.dense(n, k, seed: 1.1) }
        var f0: Matrix { PredictSamples.dense(n, k, seed: 2.2).map { 0.1 * $0 } }
        var g0: Matrix { PredictSamples.dense(m, k, seed: 3.3).map { 0.1 * $0 } }

        @Test func diagRegIsScaledByMeanTrace() throws {
            let trace = (0..<n).reduce(0.0) { $0 + kdd[$1, $1] }
            let rel = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, diagReg: 0.01)
            let abs = try GradientDescentMSE(
                kernelTrainTrain: kdd, yTrain: y, diagReg: 0.01, diagRegAbsoluteScale: true)
            #expect(Swift.abs(rel.regularizer - 0.01 * trace / Double(n)) <= 1e-15 * trace)
            #expect(abs.regularizer == 0.01)
        }

        @Test(arguments: [0.0, 1e-3])
        func largeFiniteTimeEqualsInfinity(diagReg: Double) throws {
            let gd = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, learningRate: 0.5, diagReg: diagReg)
            for ktd in [nil, ktd] {
                let fx = ktd == nil ? nil : g0
                let late = try gd.predict(t: 1e12, kTestTrain: ktd, fxTrain0: f0, fxTest0: fx)
                let inf = try gd.predict(t: .infinity, kTestTrain: ktd, fxTrain0: f0, fxTest0: fx)
                #expect(PredictCompare.relativeError(late, inf) <= 1e-9)
            }
            #expect(!gd.usedEigenFallback)
        }

        @Test func timeZeroReturnsInitialOutputs() throws {
            let gd = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, learningRate: 3, diagReg: 0.1)
            #expect(try gd.predict(t: 0, kTestTrain: nil, fxTrain0: f0, fxTest0: nil) == f0)
            #expect(try gd.predict(t: 0, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0) == g0)
            #expect(try gd.predict(t: 0, kTestTrain: ktd, fxTrain0: f0, fxTest0: nil) == Matrix(rows: m, cols: k))
        }

        @Test func twentyTimesFromOneObjectEqualTwentyObjects() throws {
            let times = (0..<20).map { pow(10, Double($0) / 3 - 2) }
            let one = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, learningRate: 0.7, diagReg: 1e-2)
            let train = try one.predict(times: times, kTestTrain: nil, fxTrain0: f0, fxTest0: nil)
            let test = try one.predict(times: times, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
            for (i, t) in times.enumerated() {
                let fresh = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, learningRate: 0.7, diagReg: 1e-2)
                #expect(
                    PredictCompare.relativeError(
                        train[i], try fresh.predict(t: t, kTestTrain: nil, fxTrain0: f0, fxTest0: nil)) <= 1e-13)
                #expect(
                    PredictCompare.relativeError(
                        test[i], try fresh.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)) <= 1e-13)
            }
        }

        @Test func concurrentCallsAgreeWithSequentialOnes() async throws {
            let gd = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, diagReg: 1e-3)
            let times: [Double] = [0, 0.5, 2, 8, 32, .infinity, 1e3, 4]
            let (ktd, f0, g0) = (ktd, f0, g0)
            let parallel = try await withThrowingTaskGroup(of: (Int, Matrix).self) { group in
                for (i, t) in times.enumerated() {
                    group.addTask { (i, try gd.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)) }
                }
                var out = [Int: Matrix]()
                for try await (i, r) in group { out[i] = r }
                return out
            }
            // Not bit for bit: OpenBLAS's thread count is one setting for the process, which other
            // suites running at the same time change, and a factorisation made with another
            // count rounds differently in the last bits. A race would be far off.
            for (i, t) in times.enumerated() {
                let fresh = try GradientDescentMSE(kernelTrainTrain: kdd, yTrain: y, diagReg: 1e-3)
                let sequential = try fresh.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
                #expect(PredictCompare.relativeError(parallel[i]!, sequential) <= 1e-12, "t = \(t)")
            }
        }

        /// Cholesky factors A in place; a later eigendecomposition must still see A (passing and failing dpotrf).
        @Test(arguments: [false, true])
        func eigenAfterCholeskySeesTheOriginalKernel(indefinite: Bool) throws {
            let kernel = indefinite ? try PredictSamples.withEigenvalues([2, 1, 0.5, -0.3, 0.1, 4, 3, 0.7, 1.5]) : kdd
            let first = try GradientDescentMSE(kernelTrainTrain: kernel, yTrain: y, diagReg: 1e-3)
            _ = try first.predict(t: .infinity, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
            #expect(first.usedEigenFallback == indefinite)
            let fresh = try GradientDescentMSE(kernelTrainTrain: kernel, yTrain: y, diagReg: 1e-3)
            for t in [0.5, 7.0] {
                #expect(
                    try first.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
                        == (try fresh.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)))
            }
        }

        /// A has eigenvalues 3, 2, 1, 0.5, 0.25, −0.2, −1 (diag_reg 0): `dpotrf` must fail.
        @Test func choleskyFailureFallsBackToClippedEigenvalues() throws {
            let lambdas = [3, 2, 1, 0.5, 0.25, -0.2, -1.0]
            let kind = try PredictSamples.withEigenvalues(lambdas)
            let n = lambdas.count
            let y = PredictSamples.dense(n, 2, seed: 0.9)
            let f0 = PredictSamples.dense(n, 2, seed: 4.4)
            let ktd = PredictSamples.dense(3, n, seed: 0.6)
            let g0 = PredictSamples.dense(3, 2, seed: 5.5)
            let gd = try GradientDescentMSE(kernelTrainTrain: kind, yTrain: y)
            // The finite formula with negative directions frozen: at t = 1e6·N_y every positive one has converged.
            let late = try gd.predict(t: 1e6, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
            #expect(!gd.usedEigenFallback)
            #expect(try gd.predict(t: .infinity, kTestTrain: nil, fxTrain0: f0, fxTest0: nil) == y)
            #expect(!gd.usedEigenFallback, "train outputs at t = inf are y; no factorisation")
            let inf = try gd.predict(t: .infinity, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
            #expect(gd.usedEigenFallback)
            #expect(inf.isFinite)
            #expect(PredictCompare.relativeError(inf, late) <= 1e-9)

            // The ensemble reports the same fallback.
            let p = try InfiniteEnsemble.predict(
                kernel: .nngp, nngpTrainTrain: kind, ntkTrainTrain: kind,
                nngpTestTrain: ktd, ntkTestTrain: ktd,
                nngpTestTest: PredictSamples.spd(3), yTrain: y, t: .infinity)
            #expect(p.usedEigenFallback)
            #expect(p.mean.isFinite && p.covariance?.isFinite == true)
        }

        @Test func ensembleLargeFiniteTimeEqualsInfinity() throws {
            let nngp = PredictSamples.spd(n, seed: 0.5)
            let nngpTd = PredictSamples.dense(m, n, seed: 7)
            let ntt = PredictSamples.spd(m, seed: 2.5, shift: 4)
            for kernel in EnsembleKernel.allCases {
                let p = { (t: Double) throws(PredictError) in
                    try InfiniteEnsemble.predict(
                        kernel: kernel, nngpTrainTrain: nngp, ntkTrainTrain: kdd,
                        nngpTestTrain: nngpTd, ntkTestTrain: ktd, nngpTestTest: ntt,
                        yTrain: y, t: t, learningRate: 0.3, diagReg: 1e-3)
                }
                let late = try p(1e13)
                let inf = try p(.infinity)
                #expect(PredictCompare.relativeError(late.mean, inf.mean) <= 1e-9)
                #expect(PredictCompare.relativeError(late.covariance!, inf.covariance!) <= 1e-9)
                let zero = try p(0)
                #expect(zero.mean == Matrix(rows: m, cols: k) && zero.covariance == ntt)
            }
        }
    }
}

// MARK: - Bad inputs

struct BadPredictInput: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: String
    /// Substrings the message must contain (the argument and the shapes involved).
    let mentions: [String]
    let run: @Sendable () throws(PredictError) -> Void
    var testDescription: String { name }

    static let k = PredictSamples.spd(4), y = Matrix(rows: 4, cols: 1, repeating: 1)
    static let ktd = PredictSamples.dense(2, 4, seed: 0), f0 = Matrix(rows: 4, cols: 1)

    static func gd(_ kernel: Matrix = k, _ y: Matrix = y, lr: Double = 1, reg: Double = 0)
        -> @Sendable () throws(PredictError) -> Void
    {
        { () throws(PredictError) in
            _ = try GradientDescentMSE(kernelTrainTrain: kernel, yTrain: y, learningRate: lr, diagReg: reg)
        }
    }

    static func predict(t: Double = 1, ktd: Matrix? = ktd, f0: Matrix = f0, g0: Matrix? = nil)
        -> @Sendable () throws(PredictError) -> Void
    {
        { () throws(PredictError) in
            _ = try GradientDescentMSE(kernelTrainTrain: k, yTrain: y).predict(
                t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: g0)
        }
    }

    static func ensemble(
        _ kernel: EnsembleKernel, nngpDd: Matrix = k, nngpTd: Matrix = ktd, tt: Matrix? = PredictSamples.spd(2),
        cov: Bool = true
    ) -> @Sendable () throws(PredictError) -> Void {
        { () throws(PredictError) in
            _ = try InfiniteEnsemble.predict(
                kernel: kernel, nngpTrainTrain: nngpDd, ntkTrainTrain: k, nngpTestTrain: nngpTd,
                ntkTestTrain: ktd, nngpTestTest: tt, yTrain: y, t: 1, computeCovariance: cov)
        }
    }

    static let all: [BadPredictInput] = {
        var asym = k
        asym[0, 3] += 1e-6
        var nanK = k
        nanK[2, 1] = .nan
        var nanY = y
        nanY[3, 0] = .infinity
        var nanKtd = ktd
        nanKtd[1, 1] = .nan
        return [
            .init(
                name: "K not square", kind: "shapeMismatch", mentions: ["k_train_train", "4×3"],
                run: gd(Matrix(rows: 4, cols: 3))),
            .init(
                name: "K empty", kind: "emptyInput", mentions: ["k_train_train"],
                run: gd(Matrix(rows: 0, cols: 0), Matrix(rows: 0, cols: 1))),
            .init(name: "K asymmetric", kind: "notSymmetric", mentions: ["k_train_train"], run: gd(asym)),
            .init(name: "K NaN", kind: "notFinite", mentions: ["k_train_train", "[2, 1]"], run: gd(nanK)),
            .init(
                name: "y rows", kind: "shapeMismatch", mentions: ["y_train", "5×1", "4×4"],
                run: gd(k, Matrix(rows: 5, cols: 1))),
            .init(
                name: "y no columns", kind: "emptyInput", mentions: ["y_train", "4×0"],
                run: gd(k, Matrix(rows: 4, cols: 0))),
            .init(name: "y infinite", kind: "notFinite", mentions: ["y_train", "[3, 0]"], run: gd(k, nanY)),
            .init(
                name: "learning rate 0", kind: "nonPositiveLearningRate", mentions: ["learning rate"], run: gd(lr: 0)),
            .init(name: "learning rate < 0", kind: "nonPositiveLearningRate", mentions: ["-1"], run: gd(lr: -1)),
            .init(name: "learning rate NaN", kind: "notFinite", mentions: ["learning rate"], run: gd(lr: .nan)),
            .init(name: "diag_reg < 0", kind: "negativeDiagReg", mentions: ["diag_reg"], run: gd(reg: -0.1)),
            .init(name: "diag_reg infinite", kind: "notFinite", mentions: ["diag_reg"], run: gd(reg: .infinity)),
            .init(name: "t < 0", kind: "negativeTime", mentions: ["-2"], run: predict(t: -2)),
            .init(name: "t NaN", kind: "notFinite", mentions: ["NaN"], run: predict(t: .nan)),
            .init(
                name: "k_test_train columns", kind: "shapeMismatch", mentions: ["k_test_train", "2×3"],
                run: predict(ktd: Matrix(rows: 2, cols: 3))),
            .init(name: "k_test_train NaN", kind: "notFinite", mentions: ["k_test_train"], run: predict(ktd: nanKtd)),
            .init(
                name: "fx_train_0 shape", kind: "shapeMismatch", mentions: ["fx_train_0", "4×2", "4×1"],
                run: predict(f0: Matrix(rows: 4, cols: 2))),
            .init(
                name: "fx_test_0 shape", kind: "shapeMismatch", mentions: ["fx_test_0", "3×1", "2×1"],
                run: predict(g0: Matrix(rows: 3, cols: 1))),
            .init(
                name: "fx_test_0 without k_test_train", kind: "missingArgument", mentions: ["k_test_train"],
                run: predict(ktd: nil, g0: Matrix(rows: 2, cols: 1))),
            .init(
                name: "ensemble covariance without nngp_test_test", kind: "missingArgument",
                mentions: ["nngp_test_test"], run: ensemble(.nngp, tt: nil)),
            .init(
                name: "ensemble nngp_test_test shape", kind: "shapeMismatch", mentions: ["nngp_test_test", "3×3"],
                run: ensemble(.ntk, tt: PredictSamples.spd(3))),
            .init(
                name: "ensemble NTK covariance, nngp_test_train shape", kind: "shapeMismatch",
                mentions: ["nngp_test_train", "3×4", "2×4"],
                run: ensemble(.ntk, nngpTd: PredictSamples.dense(3, 4, seed: 1))),
            .init(
                name: "ensemble NTK covariance, nngp_train_train asymmetric", kind: "notSymmetric",
                mentions: ["nngp_train_train"], run: ensemble(.ntk, nngpDd: asym)),
            .init(
                name: "ensemble NNGP, nngp_train_train NaN", kind: "notFinite", mentions: ["nngp_train_train"],
                run: ensemble(.nngp, nngpDd: nanK, cov: false))
        ]
    }()
}

/// Each bad input throws the right `PredictError`, with a message naming the argument.
extension PredictTests {
    @Suite struct BadInputs {
        @Test(arguments: BadPredictInput.all)
        func badInputThrows(_ b: BadPredictInput) {
            do {
                try b.run()
                Issue.record("\(b.name): no error thrown")
            } catch {
                #expect(error.kind == b.kind, "\(error)")
                for s in b.mentions { #expect(error.description.contains(s), "\(error) should mention \(s)") }
            }
        }

        /// Within tolerance the kernel is used as (K + Kᵀ)/2, as `jnp.linalg.eigh` symmetrises it.
        @Test func notSymmetricWithinToleranceIsSymmetrised() throws {
            var k = PredictSamples.spd(4)
            k[0, 3] += 1e-12 * k[0, 3]
            let sym = Matrix(rows: 4, cols: 4) { i, j in
                let (a, b) = (min(i, j), max(i, j))
                return k[a, b] + 0.5 * (k[b, a] - k[a, b])
            }
            let y = Matrix(rows: 4, cols: 1, repeating: 1)
            let ktd = BadPredictInput.ktd
            let f0 = Matrix(rows: 4, cols: 1)
            let a = try GradientDescentMSE(kernelTrainTrain: k, yTrain: y, diagReg: 1e-3)
            let b = try GradientDescentMSE(kernelTrainTrain: sym, yTrain: y, diagReg: 1e-3)
            for t in [1.0, .infinity] {
                #expect(
                    try a.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: nil)
                        == (try b.predict(t: t, kTestTrain: ktd, fxTrain0: f0, fxTest0: nil)))
            }
        }
    }
}
