/// Why a kernel-regression prediction (`GradientDescentMSE`, `InfiniteEnsemble`) was refused.
///
/// Every case names the argument at fault; `description` is a sentence a user can act on.
public enum PredictError: Error, Equatable, CustomStringConvertible {
    /// Shapes that do not chain (n×n train kernel, n×k targets, m×n test kernel, …).
    case shapeMismatch(String)
    /// A matrix with no rows or no columns where at least one is needed.
    case emptyInput(String)
    /// A kernel that should be symmetric differs from its transpose by more than
    /// `tolerance` = 1e-10·max|K|.
    case notSymmetric(argument: String, maxAsymmetry: Double, tolerance: Double)
    /// NaN or ±infinity in an input (the message names the argument and the entry).
    case notFinite(String)
    /// t < 0. (t = +infinity is allowed: it is neural-tangents' `t=None`.)
    case negativeTime(Double)
    /// A learning rate that is not > 0.
    case nonPositiveLearningRate(Double)
    /// A diagonal regulariser that is < 0.
    case negativeDiagReg(Double)
    /// An argument that this combination of options needs was nil.
    case missingArgument(String)
    /// LAPACK could not factor the regularised train kernel.
    case factorizationFailed(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let s), .emptyInput(let s), .notFinite(let s), .missingArgument(let s),
            .factorizationFailed(let s):
            return s
        case .notSymmetric(let arg, let asym, let tol):
            return "\(arg) is not symmetric: max |K[i,j] − K[j,i]| = \(asym) exceeds 1e-10·max|K| = \(tol); "
                + "pass a symmetric kernel (for example (K + Kᵀ)/2)"
        case .negativeTime(let t):
            return "time t must be ≥ 0 (use inf for the fully trained limit), got \(t)"
        case .nonPositiveLearningRate(let lr):
            return "learning rate must be > 0, got \(lr)"
        case .negativeDiagReg(let r):
            return "diag_reg must be ≥ 0, got \(r)"
        }
    }

    /// The argument the error is about (`y_train`, `learning_rate`, …), when it names one, so
    /// a diagnostic can point at it.
    public var argument: String? {
        switch self {
        case .notSymmetric(let arg, _, _): return arg
        case .notFinite(let s): return s.split(separator: " ").first.map(String.init)
        case .negativeTime: return "t"
        case .nonPositiveLearningRate: return "learning_rate"
        case .negativeDiagReg: return "diag_reg"
        case .shapeMismatch, .emptyInput, .missingArgument, .factorizationFailed: return nil
        }
    }
}
