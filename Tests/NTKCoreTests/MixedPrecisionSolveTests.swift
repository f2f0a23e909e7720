import Testing

@testable import NTKCore

/// t = ∞ through `dsposv` (single-precision Cholesky, double-precision refinement) against the
/// double-precision Cholesky it replaces, and its fallbacks.
@Suite struct MixedPrecisionSolveTests {
    /// X·Xᵀ/d + shift·I for X n×d standard normal (numpy's default_rng(seed)).
    static func wishart(_ n: Int, _ d: Int, seed: UInt64, shift: Double = 0) -> Matrix {
        var rng = NumpyGenerator(seed: seed)
        var k = rng.standardNormal(rows: n, cols: d).gram()
        for i in 0..<n { for j in 0..<n { k[i, j] /= Double(d) } }
        for i in 0..<n { k[i, i] += shift }
        return k
    }

    static func solve(_ k: Matrix, _ b: Matrix, mixedFrom: Int, diagReg: Double = 0) throws -> (
        Matrix, RegularizedKernel
    ) {
        let a = try RegularizedKernel(
            k, name: "k_train_train", diagReg: diagReg, absoluteScale: true, mixedPrecisionFrom: mixedFrom)
        return (try a.solve(b), a)
    }

    /// cond(A) ≈ 34: refinement converges, and the answer is the double solve's to the
    /// tolerance `predict` is held to against a fresh solve (docs/numerics.md).
    @Test func wellConditionedKernelRefinesToTheDoubleSolve() throws {
        // One OpenBLAS thread throughout: the second solve must repeat the first bit for bit,
        // and another suite changing the thread count in between changed its last bits (a
        // clean-clone CI run, 2026-12-05).
        try BLASThreads.limited(to: 1) { _ in try wellConditionedSolves() }
    }

    private func wellConditionedSolves() throws {
        let k = Self.wishart(300, 600, seed: 3)
        var rng = NumpyGenerator(seed: 4)
        let b = rng.standardNormal(rows: 300, cols: 3)
        let (mixed, m) = try Self.solve(k, b, mixedFrom: 1)
        let (double, d) = try Self.solve(k, b, mixedFrom: .max)
        #expect(m.usedMixedPrecision)
        #expect(!d.usedMixedPrecision)
        #expect(!m.usedEigenFallback)
        #expect(PredictCompare.relativeError(mixed, double) <= 1e-13)
        // A is untouched, so a second solve refines again and gives the same answer.
        #expect(try m.solve(b) == mixed)
        #expect(m.usedMixedPrecision)
        // The residual is at double-precision level, not single.
        let r = k.matmul(mixed)
        #expect(PredictCompare.relativeError(r, b) <= 1e-12)
    }

    /// X·Xᵀ of rank n/2 plus 1e-9·I: cond(A) ≈ 6e9, beyond single precision. `dsposv` falls back
    /// to the double factor, which is then kept; the result is the double solve's.
    @Test func illConditionedKernelFallsBackToDoublePrecision() throws {
        // One OpenBLAS thread throughout: at cond ≈ 6e9, solves made with different thread
        // counts (other suites change the count while they run) differ by ~1e-7, not 1e-13.
        try BLASThreads.limited(to: 1) { _ in try illConditionedSolves() }
    }

    private func illConditionedSolves() throws {
        let k = Self.wishart(200, 100, seed: 5)
        var rng = NumpyGenerator(seed: 6)
        let b = rng.standardNormal(rows: 200, cols: 2)
        let (mixed, m) = try Self.solve(k, b, mixedFrom: 1, diagReg: 1e-9)
        let (double, _) = try Self.solve(k, b, mixedFrom: .max, diagReg: 1e-9)
        #expect(!m.usedMixedPrecision)
        #expect(!m.usedEigenFallback)
        #expect(PredictCompare.relativeError(mixed, double) <= 1e-13)
        let b2 = rng.standardNormal(rows: 200, cols: 1)
        let (double2, _) = try Self.solve(k, b2, mixedFrom: .max, diagReg: 1e-9)
        #expect(PredictCompare.relativeError(try m.solve(b2), double2) <= 1e-13)
        #expect(!m.usedMixedPrecision, "the double factor is reused")
    }

    /// Eigenvalues 3 … −1: neither precision can factor A; the clipped eigendecomposition is used,
    /// from the A that the failed factorisations left behind, exactly as on the double route.
    @Test func indefiniteKernelFallsBackToTheEigendecomposition() throws {
        let k = try PredictSamples.withEigenvalues([3, 2, 1, 0.5, 0.25, -0.2, -1.0])
        let b = PredictSamples.dense(7, 2, seed: 0.9)
        let (mixed, m) = try Self.solve(k, b, mixedFrom: 1)
        let (double, d) = try Self.solve(k, b, mixedFrom: .max)
        #expect(m.usedEigenFallback && d.usedEigenFallback)
        #expect(!m.usedMixedPrecision)
        #expect(mixed == double)
    }

    /// The public predictor switches to mixed precision at 1024 training points and agrees with
    /// the double-precision one there.
    @Test func predictorUsesMixedPrecisionFromTheThreshold() throws {
        let n = RegularizedKernel.mixedPrecisionMinimumSize
        let k = Self.wishart(n, 2 * n, seed: 7)
        var rng = NumpyGenerator(seed: 8)
        let y = rng.standardNormal(rows: n, cols: 1)
        let ktd = rng.standardNormal(rows: 5, cols: n)
        let f0 = Matrix(rows: n, cols: 1)
        let fast = try GradientDescentMSE(kernelTrainTrain: k, yTrain: y, diagReg: 1e-4)
        let slow = try GradientDescentMSE(
            kernelTrainTrain: k, yTrain: y, learningRate: 1, diagReg: 1e-4, diagRegAbsoluteScale: false,
            mixedPrecisionFrom: .max)
        let got = try fast.predict(t: .infinity, kTestTrain: ktd, fxTrain0: f0, fxTest0: nil)
        let want = try slow.predict(t: .infinity, kTestTrain: ktd, fxTrain0: f0, fxTest0: nil)
        #expect(fast.usedMixedPrecision)
        #expect(!slow.usedMixedPrecision)
        #expect(PredictCompare.relativeError(got, want) <= 1e-13)

        let small = try GradientDescentMSE(
            kernelTrainTrain: k.submatrix(rows: 0..<(n - 1), cols: 0..<(n - 1)),
            yTrain: y.submatrix(rows: 0..<(n - 1), cols: 0..<1), diagReg: 1e-4)
        _ = try small.predict(
            t: .infinity, kTestTrain: ktd.submatrix(rows: 0..<5, cols: 0..<(n - 1)),
            fxTrain0: Matrix(rows: n - 1, cols: 1), fxTest0: nil)
        #expect(!small.usedMixedPrecision)
    }
}
