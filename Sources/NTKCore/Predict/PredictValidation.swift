/// Input checks shared by `GradientDescentMSE` and `InfiniteEnsemble`.
///
/// Arguments are named as neural-tangents names them (`k_train_train`, `y_train`, …), since that
/// is what notebook users read in the tutorials. Entries are reported 0-based, numpy style.
enum PredictValidation {
    /// Throws `.notFinite` naming the first NaN/infinite entry of `m`.
    static func requireFinite(_ m: Matrix, _ name: String) throws(PredictError) {
        // x·0 is 0 for finite x and NaN otherwise; four sums keep the loop from serialising.
        let poison = m.storage.withUnsafeBufferPointer { p -> Double in
            var s0 = 0.0
            var s1 = 0.0
            var s2 = 0.0
            var s3 = 0.0
            var i = 0
            while i + 4 <= p.count {
                s0 += p[i] * 0
                s1 += p[i + 1] * 0
                s2 += p[i + 2] * 0
                s3 += p[i + 3] * 0
                i += 4
            }
            while i < p.count {
                s0 += p[i] * 0
                i += 1
            }
            return (s0 + s1) + (s2 + s3)
        }
        guard poison != 0, let bad = m.storage.firstIndex(where: { !$0.isFinite }) else { return }
        throw .notFinite(
            "\(name) has a non-finite entry \(m.storage[bad]) at "
                + "[\(bad / max(m.cols, 1)), \(bad % max(m.cols, 1))]")
    }

    /// Throws `.shapeMismatch` unless `m` is `rows`×`cols`; `why` says where the expected shape comes from.
    static func requireShape(_ m: Matrix, rows: Int, cols: Int, _ name: String, _ why: String) throws(PredictError) {
        guard m.rows == rows && m.cols == cols else {
            throw .shapeMismatch("\(name) is \(m.shapeDescription) but must be \(rows)×\(cols) (\(why))")
        }
    }

    /// n×k targets with n ≥ 1, k ≥ 1, all finite, matching an n×n train kernel.
    static func requireTargets(_ y: Matrix, trainKernel k: Matrix, kernelName: String) throws(PredictError) {
        guard y.rows > 0 && y.cols > 0 else {
            throw .emptyInput(
                "y_train is \(y.shapeDescription); it needs at least one row (training point) "
                    + "and one column (output)")
        }
        guard y.rows == k.rows else {
            throw .shapeMismatch(
                "y_train is \(y.shapeDescription) but \(kernelName) is \(k.shapeDescription): "
                    + "y_train needs one row per training point (\(k.rows))")
        }
        try requireFinite(y, "y_train")
    }

    /// An m×n test-train kernel for n training points, all finite.
    static func requireTestTrain(_ ktd: Matrix, n: Int, _ name: String) throws(PredictError) {
        guard ktd.cols == n else {
            throw .shapeMismatch(
                "\(name) is \(ktd.shapeDescription) but must have one column per training "
                    + "point: m×\(n) (test points × training points)")
        }
        try requireFinite(ktd, name)
    }

    /// t ≥ 0, not NaN; +infinity is allowed.
    static func requireTime(_ t: Double) throws(PredictError) {
        if t.isNaN { throw .notFinite("time t is NaN") }
        if t < 0 { throw .negativeTime(t) }
    }

    static func requireLearningRate(_ lr: Double) throws(PredictError) {
        guard lr.isFinite else { throw .notFinite("learning rate is \(lr); it must be a finite number > 0") }
        guard lr > 0 else { throw .nonPositiveLearningRate(lr) }
    }

    static func requireDiagReg(_ r: Double) throws(PredictError) {
        guard r.isFinite else { throw .notFinite("diag_reg is \(r); it must be a finite number ≥ 0") }
        guard r >= 0 else { throw .negativeDiagReg(r) }
    }
}
