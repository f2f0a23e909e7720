import Foundation

/// Softmax cross-entropy, `-mean over rows of Σ_c Y log_softmax(f)`: the classification loss of
/// neural-tangents' examples (docs/guide.md#classification). It exists beside the MSE loss so
/// `loss(..., kind: "cross_entropy")` and the softmax builtins share one stable log-softmax.
public enum CrossEntropy {
    /// `log_softmax` of one lane: `x − max − log Σ exp(x − max)`. Finite inputs give no NaN for
    /// logits of any size (an entry far below the largest may round to −inf).
    public static func logSoftmax(_ lane: [Double]) -> [Double] {
        guard let top = lane.max() else { return [] }
        // An infinite maximum cannot be subtracted; numpy and JAX give NaN there, so does this.
        let shift = top.isFinite ? top : 0
        var total = 0.0
        for x in lane { total += exp(x - shift) }
        let logTotal = log(total)
        return lane.map { $0 - shift - logTotal }
    }

    /// `softmax` of one lane: `exp(x − max) / Σ exp(x − max)`, each entry in [0, 1].
    public static func softmax(_ lane: [Double]) -> [Double] {
        guard let top = lane.max() else { return [] }
        let shift = top.isFinite ? top : 0
        let e = lane.map { exp($0 - shift) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// `-1/n Σ_i Σ_c Y_ic log_softmax(f_i)_c` for logits `f` and targets `Y` of the same n×k shape.
    /// Terms with `Y_ic = 0` are left out, so a one-hot target never multiplies 0 by −inf.
    public static func loss(logits f: Matrix, targets y: Matrix) -> Double {
        precondition(f.rows == y.rows && f.cols == y.cols, "CrossEntropy.loss: shapes differ")
        guard f.rows > 0 else { return .nan }
        var total = 0.0
        for i in 0..<f.rows {
            let row = Array(f.storage[(i * f.cols)..<((i + 1) * f.cols)])
            for (c, l) in logSoftmax(row).enumerated() where y[i, c] != 0 { total += y[i, c] * l }
        }
        return -total / Double(f.rows)
    }
}
