/// The loss `train` descends (LANGUAGE.md §11): its value on a batch of outputs and its gradient
/// with respect to them. It exists so the MLP and layer-network training loops, the recorded
/// losses and the `loss` builtin all compute the same two formulas.
public enum TrainingLoss: String, CaseIterable, Sendable {
    /// `1/(2·b·k) Σ (f − Y)²` over a batch of b rows and k outputs (`0.5 * jnp.mean((f - y)**2)`).
    case mse
    /// `−1/b Σ_i Σ_c Y_ic log_softmax(f_i)_c` (`CrossEntropy.loss`).
    case crossEntropy = "cross_entropy"

    /// The loss of outputs `f` against targets `y` of the same shape.
    public func value(_ f: Matrix, _ y: Matrix) -> Double {
        switch self {
        case .mse: return MLP.meanSquaredError(f, y)
        case .crossEntropy: return CrossEntropy.loss(logits: f, targets: y)
        }
    }

    /// ∂L/∂f: `(f − Y)/(b·k)` for MSE; `(softmax(f_i)·Σ_c Y_ic − Y_i)/b` for cross-entropy (which is
    /// `(softmax(f_i) − Y_i)/b` for one-hot rows).
    public func gradient(_ f: Matrix, _ y: Matrix) -> Matrix {
        precondition(f.rows == y.rows && f.cols == y.cols, "TrainingLoss.gradient: shapes differ")
        var g = f
        switch self {
        case .mse:
            let scale = 1 / Double(y.count)
            for i in 0..<g.count { g.storage[i] = (f.storage[i] - y.storage[i]) * scale }
        case .crossEntropy:
            let scale = 1 / Double(f.rows)
            let k = f.cols
            for i in 0..<f.rows {
                let row = i * k
                let p = CrossEntropy.softmax(Array(f.storage[row..<(row + k)]))
                var mass = 0.0
                for c in 0..<k { mass += y.storage[row + c] }
                for c in 0..<k { g.storage[row + c] = (p[c] * mass - y.storage[row + c]) * scale }
            }
        }
        return g
    }
}
