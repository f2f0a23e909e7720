/// neural-tangents 0.6.5 `nt.predict.gradient_descent_mse`: the outputs of a linearised network
/// trained by gradient flow on the MSE loss (1/(2·N_y))·Σ‖f − y‖², N_y = y.size, at any time t.
///
/// With A = K + r·I (r = diagReg·trace(K)/n, or diagReg when `diagRegAbsoluteScale`),
/// (λ, V) = eigh(A), λ⁺ = max(λ, 0), τ = learningRate·t and eᵢ = expm1(−λ⁺ᵢτ/N_y):
/// * finite t: f_train = f₀ + V·diag(e)·Vᵀ(f₀ − y), f_test = g₀ + K_td·V·diag(e/|λ|)·Vᵀ(f₀ − y);
/// * t = ∞ (NT's t=None): f_train = y exactly, f_test = g₀ + K_td·A⁻¹(y − f₀) through Cholesky
///   (from 1024 training points, a single-precision Cholesky refined to double-precision accuracy,
///   falling back to the double-precision one when refinement does not converge).
///
/// One object factors A at most twice — the eigendecomposition on the first finite t, Cholesky on
/// the first t = ∞ — and reuses the factors for every later call, from any thread. t = 0 returns
/// the initial outputs without factorising.
///
/// Where neural-tangents returns NaN, this returns numbers: an eigenvalue exactly 0 uses the limit
/// −τ/N_y of e/|λ| (NT computes 0/0), and when Cholesky fails at t = ∞ (NT's `cho_factor` gives
/// NaN) the clipped eigendecomposition is used instead and `usedEigenFallback` is set.
public final class GradientDescentMSE: Sendable {
    /// Number of training points n.
    public let trainCount: Int
    /// Number of outputs k (columns of y).
    public let outputCount: Int
    public let learningRate: Double
    /// The r actually added to the diagonal of K.
    public var regularizer: Double { kernel.regularizer }
    /// True when t = ∞ could not use Cholesky (A not positive definite enough for `dpotrf`) and
    /// used A⁺ = Σ_{λᵢ > c} vᵢvᵢᵀ/λᵢ, c = n·ε·λ_max, instead: the t → ∞ limit of the finite-t
    /// formula, with eigenvalues ≤ c frozen like the negative ones. Show this to the user.
    public var usedEigenFallback: Bool { kernel.usedEigenFallback }
    /// True when the last t = ∞ solve converged in mixed precision (single-precision Cholesky,
    /// double-precision refinement) rather than using a double-precision factor.
    package var usedMixedPrecision: Bool { kernel.usedMixedPrecision }

    private let kernel: RegularizedKernel
    private let yTrain: Matrix

    /// Checks the inputs (K square, symmetric within 1e-10·max|K|, finite; y n×k, finite;
    /// learningRate > 0; diagReg ≥ 0) and regularises K. No factorisation happens yet.
    public convenience init(
        kernelTrainTrain: Matrix, yTrain: Matrix, learningRate: Double = 1, diagReg: Double = 0,
        diagRegAbsoluteScale: Bool = false
    ) throws(PredictError) {
        try self.init(
            kernelTrainTrain: kernelTrainTrain, yTrain: yTrain, learningRate: learningRate, diagReg: diagReg,
            diagRegAbsoluteScale: diagRegAbsoluteScale,
            mixedPrecisionFrom: RegularizedKernel.mixedPrecisionMinimumSize)
    }

    /// As the public initialiser, solving t = ∞ in mixed precision from `mixedPrecisionFrom`
    /// training points on (`Int.max`: always double precision; for benchmarks and tests).
    package init(
        kernelTrainTrain: Matrix, yTrain: Matrix, learningRate: Double, diagReg: Double,
        diagRegAbsoluteScale: Bool, mixedPrecisionFrom: Int
    ) throws(PredictError) {
        try PredictValidation.requireLearningRate(learningRate)
        kernel = try RegularizedKernel(
            kernelTrainTrain, name: "k_train_train", diagReg: diagReg,
            absoluteScale: diagRegAbsoluteScale, mixedPrecisionFrom: mixedPrecisionFrom)
        try PredictValidation.requireTargets(yTrain, trainKernel: kernelTrainTrain, kernelName: "k_train_train")
        self.yTrain = yTrain
        self.trainCount = yTrain.rows
        self.outputCount = yTrain.cols
        self.learningRate = learningRate
    }

    /// The outputs at time `t` (`.infinity` is NT's t=None). With `kTestTrain` nil these are the
    /// train outputs (n×k); otherwise the test outputs (m×k). `fxTrain0` (n×k) and `fxTest0` (m×k)
    /// are the outputs at t = 0, already broadcast to full shape; `fxTest0` nil means zeros.
    public func predict(t: Double, kTestTrain: Matrix?, fxTrain0: Matrix, fxTest0: Matrix?)
        throws(PredictError) -> Matrix
    {
        try predict(times: [t], kTestTrain: kTestTrain, fxTrain0: fxTrain0, fxTest0: fxTest0)[0]
    }

    /// The outputs at each of `times`, in order, from one factorisation (see `predict(t:…)`).
    public func predict(times: [Double], kTestTrain: Matrix?, fxTrain0: Matrix, fxTest0: Matrix?)
        throws(PredictError) -> [Matrix]
    {
        let n = trainCount
        let k = outputCount
        for t in times { try PredictValidation.requireTime(t) }
        try PredictValidation.requireShape(
            fxTrain0, rows: n, cols: k, "fx_train_0",
            "training points × outputs, like y_train")
        try PredictValidation.requireFinite(fxTrain0, "fx_train_0")
        var g0: Matrix?
        if let ktd = kTestTrain {
            try PredictValidation.requireTestTrain(ktd, n: n, "k_test_train")
            let fx = fxTest0 ?? Matrix(rows: ktd.rows, cols: k)
            try PredictValidation.requireShape(
                fx, rows: ktd.rows, cols: k, "fx_test_0",
                "test points (rows of k_test_train) × outputs (columns of y_train)")
            try PredictValidation.requireFinite(fx, "fx_test_0")
            g0 = fx
        } else if fxTest0 != nil {
            throw .missingArgument(
                "fx_test_0 was given without k_test_train; pass k_test_train to get "
                    + "test-set outputs, or drop fx_test_0 to get train-set outputs")
        }

        var out = [Matrix?](repeating: nil, count: times.count)
        let f0 = g0 ?? fxTrain0
        // t = 0: the initial outputs, without factorising.
        for (i, t) in times.enumerated() where t * learningRate == 0 { out[i] = f0 }
        // t = ∞: Cholesky.
        if times.contains(.infinity) {
            let inf: Matrix
            if let ktd = kTestTrain, let g0 {
                let x = try kernel.solve(Matrix.broadcast(yTrain, fxTrain0, -))
                inf = Matrix.broadcast(g0, ktd.matmul(x), +)
            } else {
                inf = yTrain
            }
            for (i, t) in times.enumerated() where t == .infinity { out[i] = inf }
        }
        // Finite t > 0: all times at once in the eigenbasis.
        let finite = times.indices.filter { out[$0] == nil }
        if !finite.isEmpty {
            let results = try finiteTimes(
                finite.map { times[$0] * learningRate }, kTestTrain: kTestTrain,
                fxTrain0: fxTrain0, f0: f0)
            for (i, r) in zip(finite, results) { out[i] = r }
        }
        return out.map { $0 ?? f0 }
    }

    /// f₀ + V·diag(wₜ)·Vᵀ(f₀ − y) (train) or g₀ + K_td·V·diag(wₜ)·Vᵀ(f₀ − y) (test) for each τ,
    /// with the weight columns of all times side by side so that each product is one GEMM.
    private func finiteTimes(_ taus: [Double], kTestTrain: Matrix?, fxTrain0: Matrix, f0: Matrix)
        throws(PredictError) -> [Matrix]
    {
        let e = try kernel.eigen()
        let n = trainCount
        let k = outputCount
        let count = taus.count
        let nY = Double(n * k)
        let r = e.vt.matmul(Matrix.broadcast(fxTrain0, yTrain, -))  // Vᵀ(f₀ − y), n×k
        // S = [diag(w_τ₁)·R | diag(w_τ₂)·R | …], n × (k·count).
        var s = Matrix(rows: n, cols: k * count)
        for (c, tau) in taus.enumerated() {
            let w =
                kTestTrain == nil
                ? FlowWeights.decay(e.values, tau: tau, normalization: nY)
                : FlowWeights.inverseDecay(e.values, tau: tau, normalization: nY)
            for i in 0..<n {
                for j in 0..<k { s[i, c * k + j] = w[i] * r[i, j] }
            }
        }
        var d = e.vt.transposedMatmul(s)  // V·S
        if let ktd = kTestTrain { d = ktd.matmul(d) }
        if count == 1 { return [Matrix.broadcast(f0, d, +)] }
        return (0..<count).map { c in
            Matrix.broadcast(f0, d.submatrix(rows: 0..<d.rows, cols: (c * k)..<((c + 1) * k)), +)
        }
    }
}
