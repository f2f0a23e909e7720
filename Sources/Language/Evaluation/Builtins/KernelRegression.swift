import NTKCore
import TangentSupport

/// Kernel regression: neural-tangents' `predict.gradient_descent_mse` and
/// `gradient_descent_mse_ensemble` (docs/language.md#builtins, docs/numerics.md#kernel-regression).
extension Builtins {
    static let kernelRegression: [Builtin] = [
        Builtin(
            "predict",
            [
                .required("k_train_train"), .required("y_train"), .optional("k_test_train"),
                .keyword("t", .number(.infinity)), .keyword("learning_rate", .number(1)),
                .keyword("diag_reg", .number(0)), .keyword("diag_reg_absolute_scale", .bool(false)),
                .keyword("fx_train_0", .number(0)), .keyword("fx_test_0", .number(0))
            ],
            "outputs at time t of gradient descent on the MSE in the kernel regime: m×k test outputs (n×k train outputs without k_test_train); t: inf is the converged solution; a list of times gives a list"
        ) { c throws(Diagnostic) in
            let k = try c.matrix("k_train_train")
            let y = try c.matrix("y_train")
            let ktd = c.isNone("k_test_train") ? nil : try c.matrix("k_test_train")
            guard k.isSquare else {
                throw c.fail("k_train_train", "k_train_train must be square (n×n), got \(k.shapeDescription)")
            }
            guard y.rows == k.rows else {
                throw c.fail(
                    "y_train",
                    "y_train is \(y.shapeDescription) but k_train_train is \(k.shapeDescription): y_train needs \(k.rows) rows"
                )
            }
            if let ktd, ktd.cols != k.rows {
                throw c.fail(
                    "k_test_train",
                    "k_test_train is \(ktd.shapeDescription) but k_train_train is \(k.shapeDescription): k_test_train needs \(k.rows) columns"
                )
            }
            let (times, isList) = try timeArgument(c)
            // Besides the kernel itself: its factorisation and one n×n work matrix.
            try c.ensureAllocatable(
                2 * k.rows * k.rows,
                what: "predict on a \(k.rows)×\(k.rows) train kernel (its factorisation and a work matrix)")
            if isList {
                try ensureResultsFit(
                    c, times: times.count, outputRows: ktd?.rows ?? k.rows, trainRows: k.rows, outputs: y.cols)
            }
            let eta = try c.number("learning_rate")
            let reg = try c.number("diag_reg")
            let predictor = try c.context.environment.predictor(
                k, y, learningRate: eta, diagReg: reg,
                absolute: try c.bool("diag_reg_absolute_scale"), call: c)
            let fx0 = try broadcastTarget(c, "fx_train_0", rows: y.rows, cols: y.cols)
            let g0 = try ktd.map { m throws(Diagnostic) in
                try broadcastTarget(c, "fx_test_0", rows: m.rows, cols: y.cols)
            }
            let results: [Matrix]
            do { results = try predictor.predict(times: times, kTestTrain: ktd, fxTrain0: fx0, fxTest0: g0) } catch {
                throw locate(error, in: c)
            }
            if predictor.usedEigenFallback {
                try c.context.emit(
                    .text(
                        "note: predict: k_train_train (with diag_reg) is not positive definite enough for Cholesky; "
                            + "solved through its eigendecomposition with the non-positive eigenvalues dropped",
                        range: c.range))
            }
            return isList ? .list(results.map(Value.matrix)) : .matrix(results[0])
        },
        Builtin(
            "predict_ensemble",
            [
                .required("net"), .required("X_train"), .required("y_train"), .required("X_test"),
                .keyword("t", .number(.infinity)), .keyword("learning_rate", .number(1)),
                .keyword("diag_reg", .number(0)), .keyword("kernel", .string("ntk")),
                .keyword("cov", .bool(true))
            ],
            "the infinite ensemble of networks trained by gradient descent (gradient_descent_mse_ensemble): a record with mean (m×k) and cov (m×m, or none with cov: false)"
        ) { c throws(Diagnostic) in
            let net = try network(c)
            let (xd, xt, shape) = try kernelInputs(c, "X_train", "X_test")
            guard let xt else { throw c.fail("X_test", "predict_ensemble() needs X_test") }
            let y = try c.matrix("y_train")
            guard y.rows == xd.rows else {
                throw c.fail(
                    "y_train",
                    "y_train is \(y.shapeDescription) but X_train has \(xd.rows) rows: y_train needs \(xd.rows) rows")
            }
            let kernelName = try c.string("kernel")
            guard let kernel = EnsembleKernel(rawValue: kernelName) else {
                throw c.fail(
                    "kernel",
                    "kernel must be \"ntk\" or \"nngp\", got \"\(kernelName)\"\(Suggestions.hint(for: kernelName, in: ["ntk", "nngp"]))"
                )
            }
            let cov = try c.bool("cov")
            // t: a number, or a list of numbers (one record each, as predict returns a list).
            var times: [Double] = []
            switch c.value("t") {
            case .number(let t): times = [t]
            case .list(let items):
                for item in items {
                    guard case .number(let t) = item else {
                        throw c.fail(
                            "t",
                            "t must be a number or a list of numbers (inf for the converged ensemble), got \(ValueFormatter.inline(item)) in the list"
                        )
                    }
                    times.append(t)
                }
            default: throw c.fail("t", "t must be a number or a list of numbers (inf for the converged ensemble)")
            }
            let dd = try analyticPair(c, net, xd, nil, .both, input: shape)
            let td = try analyticPair(c, net, xt, xd, .both, input: shape)
            let tt = cov ? try analytic(c, net, xt, nil, .nngp, input: shape) : nil
            var records: [Value] = []
            var fellBack = false
            for t in times {
                let r: EnsemblePrediction
                do {
                    r = try InfiniteEnsemble.predict(
                        kernel: kernel, nngpTrainTrain: dd.nngp, ntkTrainTrain: dd.ntk,
                        nngpTestTrain: td.nngp, ntkTestTrain: td.ntk, nngpTestTest: tt,
                        yTrain: y, t: t, learningRate: try c.number("learning_rate"),
                        diagReg: try c.number("diag_reg"), computeCovariance: cov)
                } catch {
                    throw locate(error, in: c)
                }
                fellBack = fellBack || r.usedEigenFallback
                records.append(
                    .record(Record([("mean", .matrix(r.mean)), ("cov", r.covariance.map(Value.matrix) ?? .none)])))
            }
            if fellBack {
                try c.context.emit(
                    .text(
                        "note: predict_ensemble: the train kernel is not positive definite enough for Cholesky; "
                            + "used its eigendecomposition with the non-positive eigenvalues dropped", range: c.range))
            }
            if case .list = c.value("t") { return .list(records) }
            return records[0]
        }
    ]

    /// A prediction error, pointing at the argument it names when the call wrote it.
    static func locate(_ error: any Error, in c: BuiltinCall) -> Diagnostic {
        let message = "\(c.name): \(error)"
        if let a = (error as? PredictError)?.argument, c.has(a) { return c.fail(a, message) }
        return .error(message, at: c.range)
    }

    /// Refuses a list of times whose results cannot fit: one m×k matrix per time, made from an
    /// (n + m)×(k·times) work space of all times side by side (`GradientDescentMSE`), so about
    /// 2·(m + n)·k doubles per time. Located at `t:`.
    static func ensureResultsFit(_ c: BuiltinCall, times: Int, outputRows m: Int, trainRows n: Int, outputs k: Int)
        throws(Diagnostic)
    {
        let perTime = 2.0 * Double(m + n) * Double(k)
        let doubles = perTime * Double(times)
        let count = doubles < 9e18 ? Int(doubles) : .max
        try MemoryGuard.check(
            doubles: count, what: "predict at \(times) times (a \(m)×\(k) result for each, and its work space)",
            at: c.range("t"))
    }

    /// `t:` as a list of times (and whether a list was given). Times must be ≥ 0; inf is allowed.
    static func timeArgument(_ c: BuiltinCall) throws(Diagnostic) -> ([Double], Bool) {
        var times: [Double] = []
        var isList = false
        switch c.value("t") {
        case .number(let t): times = [t]
        case .list(let items):
            isList = true
            for item in items {
                guard case .number(let t) = item else { throw c.fail("t", "t must be a number or a list of numbers") }
                times.append(t)
            }
        case .matrix(let m) where m.cols == 1 || m.rows == 1:
            isList = true
            times = m.storage
        case let v: throw c.fail("t", "t must be a number or a list of numbers, got \(v.typeDescription)")
        }
        for t in times where !(t >= 0) {
            throw c.fail("t", "t must be ≥ 0 (inf for the converged solution), got \(ValueFormatter.number(t))")
        }
        return (times, isList)
    }

    /// A number broadcast to rows×cols, or a matrix of exactly that shape.
    static func broadcastTarget(_ c: BuiltinCall, _ p: String, rows: Int, cols: Int) throws(Diagnostic) -> Matrix {
        switch c.value(p) {
        case .number(let x): return Matrix(rows: rows, cols: cols, repeating: x)
        default:
            let m = try c.matrix(p)
            if m.rows == rows && m.cols == cols { return m }
            guard Matrix.broadcastShape((m.rows, m.cols), (rows, cols)).map({ $0 == (rows, cols) }) == true else {
                throw c.fail(p, "\(p) is \(m.shapeDescription) but the outputs are \(rows)×\(cols)")
            }
            return Matrix.broadcast(m, Matrix(rows: rows, cols: cols)) { a, _ in a }
        }
    }
}

/// A factorised predictor and what it was made from.
struct PredictorMemo {
    let predictor: GradientDescentMSE
    let kernel: Matrix
    let targets: Matrix
    let learningRate: Double
    let diagReg: Double
    let absolute: Bool
}

extension Environment {
    /// The factorised predictor for this kernel and targets, reused across calls in a notebook
    /// (one factorisation serves every time and test set, as neural-tangents' closure does).
    func predictor(
        _ k: Matrix, _ y: Matrix, learningRate: Double, diagReg: Double, absolute: Bool,
        call c: BuiltinCall
    ) throws(Diagnostic) -> GradientDescentMSE {
        // No hash of K: a call passing the same matrices (the usual case) compares their storage
        // in O(1), another kernel differs within its first entries, and only an equal copy is
        // compared in full, O(n²) beside the O(n³) factorisation it saves. (Hashing a 4000×4000
        // K on every call cost more than the rest of the call around the solve.)
        if let hit = predictors.last(where: {
            $0.learningRate == learningRate && $0.diagReg == diagReg && $0.absolute == absolute
                && $0.kernel == k && $0.targets == y
        }) {
            return hit.predictor
        }
        do {
            let p = try GradientDescentMSE(
                kernelTrainTrain: k, yTrain: y, learningRate: learningRate,
                diagReg: diagReg, diagRegAbsoluteScale: absolute)
            if predictors.count >= 8 { predictors.removeFirst() }
            predictors.append(
                PredictorMemo(
                    predictor: p, kernel: k, targets: y, learningRate: learningRate, diagReg: diagReg,
                    absolute: absolute))
            return p
        } catch {
            throw Builtins.locate(error, in: c)
        }
    }
}
