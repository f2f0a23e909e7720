internal import CLinearAlgebra
import Foundation
import NTKCore

// `tangent-bench predict`: kernel regression (GradientDescentMSE) against bare LAPACK on the same
// matrices in the same process, plus neural-tangents in a subprocess when its venv is present.

/// Runs the kernel-regression benchmark and prints a markdown table.
///
/// Options: `--sizes 2000,4000` (training points n), `--test 1000` (test points m),
/// `--reps 3` (timed repetitions, median reported), `--python PATH` (NT's interpreter,
/// default /tmp/ntref/bin/python), `--no-nt`.
func runPredictBench(arguments: [String]) {
    var sizes = [2000, 4000]
    var m = 1000
    var reps = 3
    var python: String? = "/tmp/ntref/bin/python"
    var r = BenchArguments.Reader(arguments)
    while let name = r.next() {
        switch name {
        case "--sizes": r.readPositives(&sizes)
        case "--test": r.readPositive(&m)
        case "--reps": r.readPositive(&reps)
        case "--python": r.read(&python)
        case "--no-nt": python = nil
        default: r.reject()
        }
    }
    guard r.isValid else {
        print(
            "usage: tangent-bench predict [--sizes 2000,4000] [--test 1000] [--reps 3] "
                + "[--python /tmp/ntref/bin/python] [--no-nt]")
        exit(2)
    }
    python = BenchArguments.executable(python)

    let reg = 1e-4
    let tFinite = 1e3
    let times20 = (0..<20).map { pow(10, -1 + 6 * Double($0) / 19) }  // logspace(-1, 5, 20)
    print("Kernel regression: GradientDescentMSE vs bare LAPACK (same matrices, same process)")
    print(
        "K = depth-1 ReLU NTK (W_std √2, b_std 0.1) of x ~ N(0, I₁₀₀), diag_reg \(reg) relative, "
            + "m = \(m) test points, 1 output; times are medians of ≥ \(reps) interleaved runs after a warm-up "
            + "(up to 30 for fast cases), "
            + "ratios the median of the per-run ratios; "
            + "OpenBLAS threads \(openblas_get_num_threads())\n")
    print("| n | case | Tangent s | baseline | baseline s | Tangent/baseline | target | NT s | max rel diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in sizes {
        let p = PredictBenchProblem(n: n, m: m, regularization: reg)
        let nt = python.flatMap { PredictBenchNT.run(python: $0, n: n, m: m, reps: reps, t: tFinite, times: times20) }
        func ntCell(_ key: String) -> String { nt?.seconds[key].map { fmt($0) } ?? "—" }

        // t = inf: Cholesky, in double precision and (the default from 1024 points) mixed.
        var rawInf = [Double]()
        for (label, from) in [("t = inf (Cholesky, double)", Int.max), ("t = inf (default: dsposv)", 1024)] {
            var tangentInf = Matrix(rows: 0, cols: 0)
            let (ti, ri, qi) = timePair(
                reps: reps,
                { tangentInf = p.tangent(times: [.infinity], mixedPrecisionFrom: from)[0] },
                { rawInf = p.rawCholesky() })
            let ntDiffInf = nt?.inf.map { relDiff(tangentInf.storage, $0) }
            print(
                "| \(n) | \(label) | \(fmt(ti)) | dpotrf+dpotrs+dgemv | \(fmt(ri)) | \(ratio(qi)) "
                    + "| ≤ 1.10× | \(ntCell("inf")) | raw \(sci(relDiff(tangentInf.storage, rawInf)))"
                    + (ntDiffInf.map { ", NT \(sci($0))" } ?? "") + " |")
        }
        if let scipy = nt?.seconds["scipy"] {
            print("| \(n) | t = inf, scipy cho_factor+cho_solve (NT's process) | | | \(fmt(scipy)) | | | | |")
        }

        // Finite t: eigendecomposition.
        var tangentT = Matrix(rows: 0, cols: 0)
        var rawT = [Double]()
        let (tt, rt, qt) = timePair(
            reps: reps,
            { tangentT = p.tangent(times: [tFinite])[0] },
            { rawT = p.rawEigen(tau: tFinite) })
        let ntDiffT = nt?.finite.map { relDiff(tangentT.storage, $0) }
        print(
            "| \(n) | t = \(Int(tFinite)) (eigh) | \(fmt(tt)) | dsyevd+dgemv | \(fmt(rt)) | \(ratio(qt)) "
                + "| ≤ 1.05× | \(ntCell("t")) | raw \(sci(relDiff(tangentT.storage, rawT)))"
                + (ntDiffT.map { ", NT \(sci($0))" } ?? "") + " |")

        // 20 times from one factorisation vs one time.
        var many = [Matrix]()
        let (t20, t1, q20) = timePair(
            reps: reps, { many = p.tangent(times: times20) },
            { _ = p.tangent(times: [tFinite]) })
        print(
            "| \(n) | 20 t's, one factorisation | \(fmt(t20)) | Tangent, 1 t | \(fmt(t1)) | \(ratio(q20)) "
                + "| ≈ 1× | \(ntCell("t20")) | \(many.count) outputs |")
    }
    if python == nil { print("\nNT column skipped (no /tmp/ntref/bin/python, or --no-nt).") }
}

/// One benchmark problem: K (n×n), K_td (m×n), y (n×1), from numpy-compatible random inputs.
struct PredictBenchProblem {
    let n: Int, m: Int, regularization: Double
    let ktt: Matrix, ktd: Matrix, y: Matrix

    init(n: Int, m: Int, regularization: Double) {
        var rng = NumpyGenerator(seed: 0)
        let x = rng.standardNormal(rows: n + m, cols: 100)
        let k = Self.reluNTK(x)
        self.n = n
        self.m = m
        self.regularization = regularization
        ktt = k.submatrix(rows: 0..<n, cols: 0..<n)
        ktd = k.submatrix(rows: n..<(n + m), cols: 0..<n)
        y = rng.standardNormal(rows: n, cols: 1)
    }

    /// Depth-1 ReLU NTK in NTK parameterisation, W_std = √2, b_std = 0.1
    /// (docs/numerics.md#analytic-kernels).
    static func reluNTK(_ x: Matrix) -> Matrix {
        let d = Double(x.cols)
        let sw2 = 2.0
        let sb2 = 0.01
        var k = x.gram()
        let n = k.rows
        let q = (0..<n).map { sw2 * k[$0, $0] / d + sb2 }
        for i in 0..<n {
            for j in 0..<n {
                let q12 = i == j ? q[i] : sw2 * k[i, j] / d + sb2
                let s = i == j ? 0 : (max(q[i] * q[j] - q12 * q12, 0)).squareRoot()
                let theta = atan2(s, q12)
                let sigma = (s + (Double.pi - theta) * q12) / (2 * Double.pi)
                let tdot = (Double.pi - theta) / (2 * Double.pi)
                k[i, j] = (sw2 * sigma + sb2) + sw2 * q12 * tdot
            }
        }
        return k
    }

    /// Tangent: validate, regularise, factor, predict test outputs.
    func tangent(times: [Double], mixedPrecisionFrom: Int = 1024) -> [Matrix] {
        do {
            let gd = try GradientDescentMSE(
                kernelTrainTrain: ktt, yTrain: y, learningRate: 1, diagReg: regularization,
                diagRegAbsoluteScale: false, mixedPrecisionFrom: mixedPrecisionFrom)
            return try gd.predict(
                times: times, kTestTrain: ktd, fxTrain0: Matrix(rows: n, cols: 1),
                fxTest0: Matrix(rows: m, cols: 1))
        } catch {
            print("GradientDescentMSE failed: \(error)")
            return []
        }
    }

    /// K + r·I, r = reg·trace/n (the copy every baseline needs, since LAPACK overwrites A).
    private func regularized() -> [Double] {
        var a = ktt.storage
        let r = regularization * (0..<n).reduce(0.0) { $0 + ktt[$1, $1] } / Double(n)
        a.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i * n + i] += r } }
        return a
    }

    /// Bare LAPACK t = inf: dpotrf, dpotrs, dgemv (column-major calls on the symmetric array).
    func rawCholesky() -> [Double] {
        var a = regularized()
        var x = y.storage
        var out = [Double](repeating: 0, count: m)
        let n32 = Int32(n)
        let lo = Int8(UInt8(ascii: "L"))
        a.withUnsafeMutableBufferPointer { pa in
            _ = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, lo, n32, pa.baseAddress, n32)
            _ = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, lo, n32, 1, pa.baseAddress, n32, &x, n32)
        }
        ktd.storage.withUnsafeBufferPointer { pk in
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), n32, 1, pk.baseAddress, n32, x, 1, 0, &out, 1)
        }
        return out
    }

    /// Bare LAPACK finite t: dsyevd, then K_td·V·diag(expm1(−λ⁺τ/n)/|λ|)·Vᵀ(0 − y) by dgemv.
    func rawEigen(tau: Double) -> [Double] {
        var a = regularized()
        let n32 = Int32(n)
        var w = [Double](repeating: 0, count: n)
        var lwork = 0.0
        var liwork: Int32 = 0
        _ = LAPACKE_dsyevd_work(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), n32,
            nil, n32, nil, &lwork, -1, &liwork, -1)
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        a.withUnsafeMutableBufferPointer { pa in
            _ = LAPACKE_dsyevd_work(
                LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), n32,
                pa.baseAddress, n32, &w, &work, Int32(work.count), &iwork, Int32(iwork.count))
        }
        let minusY = y.storage.map { -$0 }
        var c = [Double](repeating: 0, count: n)
        var v = c
        var out = [Double](repeating: 0, count: m)
        cblas_dgemv(CblasColMajor, CblasTrans, n32, n32, 1, a, n32, minusY, 1, 0, &c, 1)  // Vᵀ(f₀ − y)
        for i in 0..<n { c[i] *= expm1(-max(w[i], 0) * tau / Double(n)) / abs(w[i]) }
        cblas_dgemv(CblasColMajor, CblasNoTrans, n32, n32, 1, a, n32, c, 1, 0, &v, 1)
        ktd.storage.withUnsafeBufferPointer { pk in
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), n32, 1, pk.baseAddress, n32, v, 1, 0, &out, 1)
        }
        return out
    }
}

/// neural-tangents timings on the same matrices (numpy's default_rng(0) draws the same x and y).
struct PredictBenchNT {
    var seconds: [String: Double]
    var inf: [Double]?
    var finite: [Double]?

    static let script = #"""
        import json, os, statistics, sys, time, warnings
        os.environ.setdefault("JAX_PLATFORMS", "cpu"); os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import numpy as np, jax
        jax.config.update("jax_enable_x64", True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import neural_tangents as nt
        n, m, reps, tf = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
        times = np.asarray(json.loads(sys.argv[5]))
        rng = np.random.default_rng(0)
        X = rng.standard_normal((n + m, 100)); y = rng.standard_normal((n, 1))
        G = X @ X.T; d = 100.0
        q = 2 * np.diag(G) / d + 0.01
        q12 = 2 * G / d + 0.01
        s = np.sqrt(np.maximum(np.outer(q, q) - q12 ** 2, 0)); np.fill_diagonal(s, 0); np.fill_diagonal(q12, q)
        th = np.arctan2(s, q12)
        K = (2 * (s + (np.pi - th) * q12) / (2 * np.pi) + 0.01) + 2 * q12 * (np.pi - th) / (2 * np.pi)
        Ktt, Ktd = jax.device_put(np.ascontiguousarray(K[:n, :n])), jax.device_put(np.ascontiguousarray(K[n:, :n]))
        yj = jax.device_put(y)
        def run(t):
            pf = nt.predict.gradient_descent_mse(Ktt, yj, learning_rate=1.0, diag_reg=1e-4)
            return pf(t=t, fx_train_0=0., fx_test_0=0., k_test_train=Ktd)
        out = {"seconds": {}}
        import scipy.linalg as sl
        def scipy_inf():
            A = K[:n, :n] + (1e-4 * np.trace(K[:n, :n]) / n) * np.eye(n)
            c = sl.cho_factor(A, lower=False, overwrite_a=True, check_finite=False)
            return K[n:, :n] @ sl.cho_solve(c, y, check_finite=False)
        scipy_inf()
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter(); scipy_inf(); ts.append(time.perf_counter() - t0)
        out["seconds"]["scipy"] = statistics.median(ts)
        for key, t in (("inf", None), ("t", tf), ("t20", times)):
            r = jax.block_until_ready(run(t))
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter(); jax.block_until_ready(run(t)); ts.append(time.perf_counter() - t0)
            out["seconds"][key] = statistics.median(ts)
            if key != "t20":
                out["finite" if key == "t" else "inf"] = np.asarray(r[1]).ravel().tolist()
        print(json.dumps(out))
        """#

    /// Runs the script; nil when the interpreter or neural-tangents is unusable.
    static func run(python: String, n: Int, m: Int, reps: Int, t: Double, times: [Double]) -> PredictBenchNT? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        let timesJSON = "[" + times.map { "\($0)" }.joined(separator: ",") + "]"
        p.arguments = ["-c", script, "\(n)", "\(m)", "\(reps)", "\(t)", timesJSON]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
            let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let secs = obj["seconds"] as? [String: Double]
        else { return nil }
        return PredictBenchNT(seconds: secs, inf: obj["inf"] as? [Double], finite: obj["finite"] as? [Double])
    }
}

// MARK: - Timing and formatting

/// Timings of `a` and `b`, interleaved (a, b, a, b, …) after one warm-up of each: the median
/// seconds of each, and the median of the per-repetition ratios a/b (back-to-back runs see the
/// same machine load, so the ratio is steadier than either time on a shared machine). Fast
/// cases get more repetitions: at least `reps`, and up to 30 while they fit in about 3 s.
private func timePair(reps: Int, _ a: () -> Void, _ b: () -> Void) -> (a: Double, b: Double, ratio: Double) {
    let first = seconds(a)
    b()
    let count = max(reps, min(30, Int(3 / max(first, 1e-3))))
    var ta = [Double]()
    var tb = [Double]()
    for _ in 0..<count {
        ta.append(seconds(a))
        tb.append(seconds(b))
    }
    return (median(ta), median(tb), median(zip(ta, tb).map { $0 / $1 }))
}

private func seconds(_ f: () -> Void) -> Double {
    let start = ContinuousClock.now
    f()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

private func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

private func relDiff(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return .nan }
    let d = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    return d / max(b.map { abs($0) }.max() ?? 0, .leastNormalMagnitude)
}

private func fmt(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : String(format: "%.3g", x) }
private func sci(_ x: Double) -> String { String(format: "%.1e", x) }
private func ratio(_ q: Double) -> String { String(format: "%.3f×", q) }
