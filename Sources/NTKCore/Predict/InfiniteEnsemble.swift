/// The kernel an infinite ensemble is trained with: `nngp` (Bayesian / last-layer training) or
/// `ntk` (all layers trained by gradient descent).
public enum EnsembleKernel: String, CaseIterable, Sendable {
    case nngp, ntk
}

/// Test-set mean (m×k) and, when requested, covariance (m×m, shared by all k outputs) of an
/// infinite ensemble of networks.
public struct EnsemblePrediction: Equatable, Sendable {
    public var mean: Matrix
    public var covariance: Matrix?
    /// True when t = ∞ fell back from Cholesky to the clipped eigendecomposition.
    public var usedEigenFallback: Bool

    public init(mean: Matrix, covariance: Matrix?, usedEigenFallback: Bool = false) {
        self.mean = mean
        self.covariance = covariance
        self.usedEigenFallback = usedEigenFallback
    }
}

/// neural-tangents 0.6.5 `nt.predict.gradient_descent_mse_ensemble`, from kernel matrices: the
/// distribution of outputs of infinitely many infinitely wide networks (zero-mean initialisation)
/// trained by gradient flow on MSE for time t.
///
/// For kernel g, A_g = K_g,dd + r·I with its own r (diagReg·trace(K_g,dd)/n unless absolute),
/// (λ, V) = eigh(A_g), τ = learningRate·t, N_y = y.size and M(τ) = V·diag(−expm1(−λ⁺τ/N_y)/|λ|)·Vᵀ
/// (M = A_g⁻¹ through Cholesky at t = ∞):
/// * mean = K_g,td·M(τ)·y;
/// * NNGP covariance = K_tt − K_td·M(2τ)·K_tdᵀ (all NNGP blocks);
/// * NTK covariance = K_tt + Θ_td·M·K_dd·M·Θ_tdᵀ − (B + Bᵀ) with B = Θ_td·M·K_tdᵀ, where K is the
///   NNGP (K_dd unregularised) and M comes from the NTK's A.
public enum InfiniteEnsemble {
    /// The ensemble's test outputs at time `t` (`.infinity` is NT's t=None).
    ///
    /// Only the matrices the request needs are read and checked: for `.nngp` the three NNGP
    /// blocks; for `.ntk` the two NTK blocks, plus all three NNGP blocks when `computeCovariance`.
    /// `nngpTestTest` may be nil when no covariance is requested.
    public static func predict(
        kernel: EnsembleKernel, nngpTrainTrain: Matrix, ntkTrainTrain: Matrix,
        nngpTestTrain: Matrix, ntkTestTrain: Matrix, nngpTestTest: Matrix?,
        yTrain: Matrix, t: Double, learningRate: Double = 1, diagReg: Double = 0,
        diagRegAbsoluteScale: Bool = false,
        computeCovariance: Bool = true
    ) throws(PredictError) -> EnsemblePrediction {
        try PredictValidation.requireLearningRate(learningRate)
        try PredictValidation.requireTime(t)
        let (kdd, ktd) = kernel == .ntk ? (ntkTrainTrain, ntkTestTrain) : (nngpTrainTrain, nngpTestTrain)
        let name = kernel.rawValue
        let a = try RegularizedKernel(
            kdd, name: "\(name)_train_train", diagReg: diagReg,
            absoluteScale: diagRegAbsoluteScale)
        try PredictValidation.requireTargets(yTrain, trainKernel: kdd, kernelName: "\(name)_train_train")
        let n = a.n
        let m = ktd.rows
        try PredictValidation.requireTestTrain(ktd, n: n, "\(name)_test_train")
        var ktt = Matrix(rows: 0, cols: 0)
        if computeCovariance {
            guard let tt = nngpTestTest else {
                throw .missingArgument(
                    "the ensemble covariance needs nngp_test_test (test × test NNGP "
                        + "kernel); pass it, or ask for the mean only")
            }
            try PredictValidation.requireSymmetric(
                tt, side: m, "nngp_test_test",
                "test points × test points, from \(name)_test_train")
            ktt = tt
            if kernel == .ntk {
                try PredictValidation.requireSymmetric(
                    nngpTrainTrain, side: n, "nngp_train_train",
                    "training points × training points")
                try PredictValidation.requireShape(
                    nngpTestTrain, rows: m, cols: n, "nngp_test_train",
                    "the shape of ntk_test_train")
                try PredictValidation.requireFinite(nngpTestTrain, "nngp_test_train")
            }
        }

        // M(τ)·B for the mean and the NTK covariance, M(2τ)·B for the NNGP covariance.
        let tau = t * learningRate
        let apply: (Matrix) throws(PredictError) -> Matrix
        let applyDouble: (Matrix) throws(PredictError) -> Matrix
        if t == .infinity {
            apply = { (b: Matrix) throws(PredictError) in try a.solve(b) }
            applyDouble = apply
        } else {
            let e = try a.eigen()
            let nY = Double(yTrain.count)
            let w = FlowWeights.inverseDecay(e.values, tau: tau, normalization: nY).map { -$0 }
            let w2 = FlowWeights.inverseDecay(e.values, tau: 2 * tau, normalization: nY).map { -$0 }
            apply = { (b: Matrix) in RegularizedKernel.spectral(e, weights: w, b) }
            applyDouble = { (b: Matrix) in RegularizedKernel.spectral(e, weights: w2, b) }
        }

        let mean = ktd.matmul(try apply(yTrain))
        var covariance: Matrix?
        if computeCovariance {
            switch kernel {
            case .nngp:
                covariance = Matrix.broadcast(ktt, ktd.matmul(try applyDouble(ktd.transposed)), -)
            case .ntk:
                let term1 = try apply(ktd.transposed)  // M·Θ_tdᵀ, n×m
                let quad = term1.transposedMatmul(nngpTrainTrain.matmul(term1))  // Θ_td·M·K_dd·M·Θ_tdᵀ
                let b = term1.transposedMatmul(nngpTestTrain.transposed)  // Θ_td·M·K_tdᵀ
                var cov = Matrix.broadcast(quad, ktt, +)
                for i in 0..<m { for j in 0..<m { cov[i, j] -= b[i, j] + b[j, i] } }
                covariance = cov
            }
        }
        return EnsemblePrediction(mean: mean, covariance: covariance, usedEigenFallback: a.usedEigenFallback)
    }
}
