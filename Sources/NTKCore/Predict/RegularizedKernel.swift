import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The regularised train kernel A = (K + Kᵀ)/2 + r·I with its factorisations, each computed on
/// first use and then kept (thread-safe: concurrent callers wait for the one factorisation).
///
/// Symmetrising matches `jnp.linalg.eigh`, which averages A with its transpose before calling
/// LAPACK; inputs are already checked to be symmetric within 1e-10·max|K|.
///
/// Memory: A is held once. Cholesky factors it in place — `dpotrf` overwrites only the row-major
/// upper triangle and the diagonal, so the strict lower triangle plus the saved diagonal still
/// describe A, and that is all `dsyevd` reads (`SymmetricLAPACK.eigen`). The eigenvectors take a
/// second n×n array.
///
/// From `mixedPrecisionFrom` training points on (default `mixedPrecisionMinimumSize`), t = ∞
/// solves through `dsposv`: a single-precision Cholesky refined to double-precision accuracy,
/// about twice as fast as `dpotrf`, leaving A untouched. A kernel too ill-conditioned for that
/// (refinement does not converge) is factored in double precision as before, in the same call.
final class RegularizedKernel: Sendable {
    /// The smallest n solved in mixed precision. Below it a factorisation takes milliseconds and
    /// the double-precision factor, kept for later calls, is worth more than the saving.
    static let mixedPrecisionMinimumSize = 1024

    let n: Int
    /// The diagonal regulariser r that was added.
    let regularizer: Double
    /// The smallest n solved by `dsposv` (`Int.max`: always double precision).
    let mixedPrecisionFrom: Int
    /// A's diagonal, to restore after an in-place Cholesky.
    private let diagonal: [Double]

    /// Eigenvalues (ascending) and Vᵀ (row i = eigenvector i).
    struct Eigen: Sendable {
        let values: [Double]
        let vt: Matrix
    }

    /// `refined`: the last solve converged in mixed precision and A is untouched (the single
    /// precision factor is not kept, so a later solve runs `dsposv` again).
    private enum CholeskyState: Sendable { case notTried, refined, factored, failed }
    private struct Cache: Sendable {
        /// A; once Cholesky has run, its row-major upper triangle and diagonal hold the factor.
        var storage: [Double]
        var eigen: Eigen?
        var cholesky = CholeskyState.notTried
        var usedEigenFallback = false
    }
    private let cache: Mutex<Cache>

    /// Validates `k` (named `name` in messages) and regularises it.
    init(
        _ k: Matrix, name: String, diagReg: Double, absoluteScale: Bool,
        mixedPrecisionFrom: Int = RegularizedKernel.mixedPrecisionMinimumSize
    ) throws(PredictError) {
        try PredictValidation.requireDiagReg(diagReg)
        let (a, r) = try PredictValidation.regularizedSymmetric(
            k, name, diagReg: diagReg,
            absoluteScale: absoluteScale)
        let n = k.rows
        self.n = n
        self.regularizer = r
        self.mixedPrecisionFrom = mixedPrecisionFrom
        self.diagonal = (0..<n).map { a[$0 * n + $0] }
        self.cache = Mutex(Cache(storage: a))
    }

    /// True once a solve had to fall back from Cholesky to the clipped eigendecomposition.
    var usedEigenFallback: Bool { cache.withLock { $0.usedEigenFallback } }

    /// True when the last t = ∞ solve converged in mixed precision (`dsposv` without falling back).
    var usedMixedPrecision: Bool { cache.withLock { $0.cholesky == .refined } }

    /// The eigendecomposition of A (`dsyevd`), computed once.
    func eigen() throws(PredictError) -> Eigen {
        try cache.withLock { (c: inout Cache) throws(PredictError) -> Eigen in
            if let e = c.eigen { return e }
            var z = c.storage  // one copy: A stays for Cholesky, z becomes the eigenvectors
            if c.cholesky != .notTried { for i in 0..<n { z[i * n + i] = diagonal[i] } }
            let (values, vt) = try SymmetricLAPACK.eigen(&z, n: n)
            let e = Eigen(values: values, vt: vt)
            c.eigen = e
            return e
        }
    }

    /// A⁻¹B through Cholesky (`dpotrf` once, then `dpotrs`), as neural-tangents' t = None path does.
    ///
    /// When A is not positive definite enough for `dpotrf`, this instead returns
    /// Σ_{λᵢ > c} vᵢvᵢᵀB/λᵢ with the cutoff c = n·ε·λ_max: the t → ∞ limit of the finite-t formula
    /// (where directions with λ ≤ 0 are frozen), with eigenvalues in (0, c] also treated as frozen
    /// instead of being inverted into noise. `usedEigenFallback` then becomes true.
    ///
    /// From `mixedPrecisionFrom` points on, the first solve (and every later one while A stays
    /// unfactored) goes through `SymmetricLAPACK.mixedPrecisionSolve` under the lock.
    func solve(_ b: Matrix) throws(PredictError) -> Matrix {
        enum Route {
            case factor([Double])
            case solved(Matrix)
            case eigen
        }
        let route = cache.withLock { (c: inout Cache) -> Route in
            if (c.cholesky == .notTried || c.cholesky == .refined) && n >= mixedPrecisionFrom {
                switch SymmetricLAPACK.mixedPrecisionSolve(&c.storage, n: n, b) {
                case .refined(let x):
                    c.cholesky = .refined
                    return .solved(x)
                case .double(let x):
                    c.cholesky = .factored
                    return .solved(x)
                case .notPositiveDefinite:
                    c.cholesky = .failed
                }
            }
            if c.cholesky == .notTried || c.cholesky == .refined {
                c.cholesky = SymmetricLAPACK.choleskyInPlace(&c.storage, n: n) ? .factored : .failed
            }
            if c.cholesky == .factored { return .factor(c.storage) }
            c.usedEigenFallback = true
            return .eigen
        }
        switch route {
        case .solved(let x): return x
        case .factor(let factor): return SymmetricLAPACK.choleskySolve(factor: factor, n: n, b)
        case .eigen: break
        }
        let e = try eigen()
        let lambdaMax = e.values.last ?? 0
        let cutoff = Double(n) * Double.ulpOfOne * max(lambdaMax, 0)
        let g = e.values.map { $0 > cutoff ? 1 / $0 : 0 }
        return Self.spectral(e, weights: g, b)
    }

    /// V·diag(w)·Vᵀ·B for B n×c.
    static func spectral(_ e: Eigen, weights w: [Double], _ b: Matrix) -> Matrix {
        var r = e.vt.matmul(b)  // Vᵀ B
        let c = r.cols
        r.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<e.values.count { for j in 0..<c { p[i * c + j] *= w[i] } }
        }
        return e.vt.transposedMatmul(r)
    }
}

/// Functions of the eigenvalues used by gradient flow (neural-tangents `_make_expm1_fn`,
/// `_make_inv_expm1_fn`), with λ⁺ = max(λ, 0), τ = learning rate · t and N_y = y.size.
/// The argument is formed as NT forms it, (−λ⁺·τ)/N_y, so the rounding matches.
enum FlowWeights {
    /// expm1(−λ⁺τ/N_y) for each eigenvalue: the train-set decay.
    static func decay(_ values: [Double], tau: Double, normalization: Double) -> [Double] {
        values.map { expm1(-max($0, 0) * tau / normalization) }
    }

    /// expm1(−λ⁺τ/N_y)/|λ|: the test-set weight. Negative eigenvalues give 0 (frozen directions).
    /// For λ exactly 0 neural-tangents computes 0/0 = NaN; this returns the limit −τ/N_y instead.
    static func inverseDecay(_ values: [Double], tau: Double, normalization: Double) -> [Double] {
        values.map { l in
            l == 0 ? -tau / normalization : expm1(-max(l, 0) * tau / normalization) / abs(l)
        }
    }
}
