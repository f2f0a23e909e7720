import Foundation
import NTKCore
import TangentSupport

// `tangent-bench notebooks`: the work of the analytic, empirical and predict benchmarks as a user
// gets it, through `tangent run` of generated notebooks (issue 20), beside neural-tangents and
// scipy in separate Python processes.

/// Runs the notebook-path benchmark and prints a markdown table.
///
/// Options: `--tangent PATH` (default: the `tangent` next to this program), `--reps 3` (median
/// of that many runs per setting, interleaved), `--cases analytic,empirical,predict`,
/// `--python PATH` (default /tmp/ntref/bin/python), `--nt-bench PATH`, `--no-nt`, `--pause S`
/// (seconds of idle before each timed run: 3 or more measures a user who runs a notebook now
/// and then, whose fresh memory the VM has already handed back to its host; see
/// docs/benchmarks.md#fresh-pages).
func runNotebookBench(arguments: [String]) {
    guard var o = NotebookBench.Options(arguments) else {
        print(
            "usage: tangent-bench notebooks [--tangent PATH] [--reps 3] [--cases analytic,empirical,predict] "
                + "[--python PATH] [--nt-bench PATH] [--no-nt] [--pause SECONDS]")
        exit(2)
    }
    o.python = BenchArguments.executable(o.python)
    guard FileManager.default.isExecutableFile(atPath: o.tangent) else {
        print("tangent-bench notebooks: no tangent binary at \(o.tangent) (build with swift build -c release)")
        return
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "tangent-bench-notebooks-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? FileManager.default.removeItem(at: folder) }
    NotebookBench.run(o, in: folder)
}

/// The pieces of `runNotebookBench`, in a namespace so they cannot clash with other benchmarks.
enum NotebookBench {
    struct Options {
        var tangent =
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("tangent").path ?? ""
        var reps = 3
        var cases = ["analytic", "empirical", "predict"]
        var python: String? = "/tmp/ntref/bin/python"
        var ntBench = "/work/shared/reference/bench_nt.py"
        var pause = 0.0

        init?(_ args: [String]) {
            var r = BenchArguments.Reader(args)
            while let name = r.next() {
                switch name {
                case "--tangent": r.read(&tangent)
                case "--reps": r.readPositive(&reps)
                case "--cases":
                    guard let v = r.value() else { break }
                    cases = v.split(separator: ",").map(String.init)
                case "--python": r.read(&python)
                case "--nt-bench": r.read(&ntBench)
                case "--no-nt": python = nil
                case "--pause":
                    guard let v = r.value() else { break }
                    guard let seconds = Double(v), seconds >= 0, seconds <= 600 else {
                        r.reject()
                        break
                    }
                    pause = seconds
                default: r.reject()
                }
            }
            guard r.isValid else { return nil }
        }
    }

    /// One timed `tangent run`: wall seconds, the timed block's seconds and the notebook's peak
    /// resident memory (KiB; its kernel worker's) from `--json`, and the size of `.tangent/` after.
    struct Run {
        var wall: Double
        var block: Double?
        var peakKiB: Int?
        var cacheBytes: Int
    }

    /// Predict at n = 4000: the depth-1 ReLU NTK of `tangent-bench predict`, m = 1000 test points.
    static let predictN = 4000
    static let predictM = 1000

    static func notebook(_ name: String) -> (text: String, block: String)? {
        switch name {
        case "analytic":
            return (
                """
                ---
                title: analytic NTK, N = 8000
                ---

                ```ntk {#data}
                X = randn(8000, 100, seed: 0)
                net = mlp(depth: 3, width: 512, activation: "relu", W_std: sqrt(2), b_std: 0.1)
                ```

                ```ntk {#kernel}
                K = ntk(net, X)
                print(K[0, 0])
                ```

                """, "kernel"
            )
        case "empirical":
            return (
                """
                ---
                title: empirical NTK, 4096 × 1024
                ---

                ```ntk {#data}
                X = randn(4096, 100, seed: 0)
                net = mlp(depth: 2, width: 1024, activation: "relu", W_std: sqrt(2), b_std: 0.1)
                p = init(net, X, seed: 1)
                ```

                ```ntk {#kernel}
                K = empirical_ntk(net, p, X)
                print(K[0, 0])
                ```

                """, "kernel"
            )
        case "predict":
            return (
                """
                ---
                title: predict at t = inf, n = \(predictN)
                ---

                ```ntk {#data}
                K = load("K.npy")
                y = load("y.npy")
                Ktd = load("Ktd.npy")
                ```

                ```ntk {#predict}
                f = predict(K, y, k_test_train: Ktd, diag_reg: 1e-4)
                print(f[0, 0])
                ```

                """, "predict"
            )
        default: return nil
        }
    }

    static func run(_ o: Options, in folder: URL) {
        let fm = FileManager.default
        try? fm.removeItem(at: folder)
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            print("cannot create \(folder.path): \(error)")
            return
        }
        print(
            "`tangent run` of generated notebooks (release build, each in a fresh temp folder): "
                + "default settings with an empty `.tangent/` (cold), the same again (warm, restored from the cache), "
                + "and `--no-cache`; median wall of \(o.reps) interleaved runs (the settings take turns at going first); `block` is the timed block's "
                + "seconds and peak RSS (the kernel worker's) from `--json`. NT and scipy in separate Python processes, "
                + "same run. \(ProcessInfo.processInfo.activeProcessorCount) cores."
                + (o.pause > 0 ? " \(o.pause) s of idle before each timed run." : "") + "\n")
        print(
            "| notebook | setting | wall s | block s | peak RSS | `.tangent/` | reference | reference s | wall / reference |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name in o.cases {
            guard let (text, block) = notebook(name) else {
                print("| \(name) | unknown case | | | | | | | |")
                continue
            }
            let dir = folder.appendingPathComponent(name)
            try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
            if name == "predict" { writePredictInputs(dir) }
            let nb = dir.appendingPathComponent("nb.md")
            try? Data(text.utf8).write(to: nb)

            let reference: (label: String, seconds: Double?)
            var extra: (label: String, seconds: Double?)?
            switch name {
            case "analytic":
                reference = ("NT (jit)", o.python.flatMap { ntAnalytic(python: $0, reps: o.reps) })
            case "empirical":
                let nt = o.python.flatMap {
                    FiniteBench.ntEmpirical(python: $0, script: o.ntBench, n: 4096, width: 1024)
                }
                reference = ("NT (jit, impl 3)", nt)
            default:
                let py = o.python.flatMap { predictReference(python: $0, dir: dir, reps: o.reps) }
                reference = ("scipy cho_factor + cho_solve", py?["scipy"])
                extra = ("NT gradient_descent_mse", py?["nt"])
            }

            var cold = [Run]()
            var warm = [Run]()
            var noCache = [Run]()
            let idle = { if o.pause > 0 { Thread.sleep(forTimeInterval: o.pause) } }
            // The settings take turns at going first: the first run after another program
            // (NT, or the previous case) meets memory in another state than the next two,
            // and a fixed order put that on the cold row every time. Warm always follows cold.
            enum Setting { case cold, warm, noCache }
            let orders: [[Setting]] = [[.cold, .warm, .noCache], [.noCache, .cold, .warm], [.cold, .noCache, .warm]]
            for rep in 0..<o.reps {
                for setting in orders[rep % orders.count] {
                    if setting == .cold { try? fm.removeItem(at: dir.appendingPathComponent(".tangent")) }
                    idle()
                    let extra = setting == .noCache ? ["--no-cache"] : []
                    guard let r = tangentRun(o.tangent, nb, in: dir, block: block, extra: extra) else { continue }
                    switch setting {
                    case .cold: cold.append(r)
                    case .warm: warm.append(r)
                    case .noCache: noCache.append(r)
                    }
                }
            }
            for (label, runs) in [("default, cold", cold), ("default, warm", warm), ("`--no-cache`", noCache)] {
                guard !runs.isEmpty else {
                    print("| \(name) | \(label) | failed | | | | | | |")
                    continue
                }
                let wall = median(runs.map(\.wall))
                let blockCell = runs.compactMap(\.block).isEmpty ? "—" : format(median(runs.compactMap(\.block)))
                let peak = runs.compactMap(\.peakKiB).max().map { "\($0 / 1024) MB" } ?? "—"
                let cache = runs.last!.cacheBytes == 0 ? "—" : "\(runs.last!.cacheBytes / 1_000_000) MB"
                let ratio = reference.seconds.map { String(format: "%.2f×", wall / $0) } ?? "—"
                print(
                    "| \(name) | \(label) | \(format(wall)) | \(blockCell) | \(peak) | \(cache) | \(reference.label) | "
                        + "\(reference.seconds.map(format) ?? "—") | \(ratio) |")
            }
            if let extra {
                print("| \(name) | | | | | | \(extra.label) | \(extra.seconds.map(format) ?? "—") | |")
            }
            fflush(nil)
        }
        if o.python == nil { print("\nReference columns skipped (no Python venv, or --no-nt).") }
    }

    /// K (n×n), y (n×1) and K_td (m×n) of `PredictBenchProblem` as .npy files in `dir`.
    static func writePredictInputs(_ dir: URL) {
        let p = PredictBenchProblem(n: predictN, m: predictM, regularization: 1e-4)
        for (file, m) in [("K.npy", p.ktt), ("y.npy", p.y), ("Ktd.npy", p.ktd)] {
            do { try NPY.write(m, to: dir.appendingPathComponent(file)) } catch {
                print("cannot write \(file): \(error)")
            }
        }
    }

    /// One `tangent run NB --json report.json --quiet` in `dir`.
    static func tangentRun(_ tangent: String, _ nb: URL, in dir: URL, block: String, extra: [String]) -> Run? {
        let report = dir.appendingPathComponent("report.json")
        try? FileManager.default.removeItem(at: report)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tangent)
        process.arguments = ["run", nb.lastPathComponent, "--json", report.path, "--quiet"] + extra
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        // Not `waitUntilExit`: it polls every 50 ms, which added 0–50 ms to every wall time here.
        guard let waitForExit = try? process.runAndWaiter() else { return nil }
        waitForExit()
        let d = ContinuousClock.now - start
        guard process.terminationStatus == 0 else {
            print("tangent run \(nb.path) \(extra.joined(separator: " ")) exited \(process.terminationStatus)")
            return nil
        }
        let wall = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        var blockSeconds: Double?
        var peak: Int?
        if let data = try? Data(contentsOf: report),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let notebook = (json["notebooks"] as? [[String: Any]])?.first
        {
            let blocks = notebook["blocks"] as? [[String: Any]]
            blockSeconds = blocks?.first(where: { $0["id"] as? String == block })?["seconds"] as? Double
            peak = (notebook["peak_memory_bytes"] as? Double).map { Int($0) / 1024 }
        }
        return Run(
            wall: wall, block: blockSeconds, peakKiB: peak,
            cacheBytes: folderBytes(dir.appendingPathComponent(".tangent")))
    }

    static func folderBytes(_ url: URL) -> Int {
        guard let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey]) else {
            return 0
        }
        var total = 0
        for case let f as URL in e { total += (try? f.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 }
        return total
    }

    /// NT's analytic K(X, X) at N = 8000 (the `analytic` benchmark's script and network).
    static func ntAnalytic(python: String, reps: Int) -> Double? {
        if case .seconds(let s) = AnalyticBench.timeNT(python: python, n: 8000, reps: reps) { return s }
        return nil
    }

    /// scipy's `cho_factor`/`cho_solve` and NT's `gradient_descent_mse` at t = None on the same
    /// .npy files: medians of `reps` after a warm-up, K_td·x included in both.
    static func predictReference(python: String, dir: URL, reps: Int) -> [String: Double]? {
        let json = FiniteBench.runPython(
            python, ["-c", predictScript, dir.path, String(reps)], label: "scipy/NT predict")
        return json?.compactMapValues { $0 as? Double }
    }

    static let predictScript = #"""
        import json, os, statistics, sys, time, warnings
        import numpy as np, scipy.linalg as sl
        d, reps = sys.argv[1], int(sys.argv[2])
        K = np.load(os.path.join(d, "K.npy")); y = np.load(os.path.join(d, "y.npy")); Ktd = np.load(os.path.join(d, "Ktd.npy"))
        n = K.shape[0]
        def scipy_run():
            A = K + (1e-4 * np.trace(K) / n) * np.eye(n)
            c = sl.cho_factor(A, lower=False, overwrite_a=True, check_finite=False)
            return Ktd @ sl.cho_solve(c, y, check_finite=False)
        def median(f):
            f()
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
            return statistics.median(ts)
        out = {"scipy": median(scipy_run)}
        try:
            import jax
            jax.config.update("jax_enable_x64", True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import neural_tangents as nt
            Kj, yj, Ktdj = jax.device_put(K), jax.device_put(y), jax.device_put(Ktd)
            def nt_run():
                pf = nt.predict.gradient_descent_mse(Kj, yj, learning_rate=1.0, diag_reg=1e-4)
                return jax.block_until_ready(pf(t=None, fx_train_0=0., fx_test_0=0., k_test_train=Ktdj))
            out["nt"] = median(nt_run)
        except Exception as e:
            print(e, file=sys.stderr)
        print(json.dumps(out))
        """#

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    static func format(_ s: Double) -> String { s < 10 ? String(format: "%.3f", s) : String(format: "%.1f", s) }
}
