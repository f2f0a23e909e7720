import Dispatch
import Foundation
import NTKCore
import TangentSupport

// `tangent-bench layers`: networks built from layers (docs/language.md#builtins, issue 19), beside
// neural-tangents 0.6.5 in the same run. The network is §9's residual example,
//   block = serial(FanOut(2), parallel(serial(Relu(), Dense(512, W_std: 1.1)), Identity()), FanInSum())
//   net = serial(Dense(512, W_std: 1.5, b_std: 0.05), block, block, Relu(), Dense(1, W_std: 1.5))
// on d = 100 standard normal inputs (`default_rng(0)`), float64. Three tables: the analytic
// NNGP + NTK K(X, X) over N; the empirical NTK at width 512 over N; `tangent run` (the
// release binary beside this one, default settings) of a notebook computing the analytic
// kernels at N = 4000, with a cold `.tangent/` in a temporary folder and with `--no-cache`.
//
// Tangent: median of `reps` calls in this process after one warm-up call, wall-clock and CPU
// seconds (the process's, all threads; `time.process_time()` in Python). NT: a separate
// Python process per row (JAX on the CPU, 20 GiB address-space limit): jit-compiled, one
// warm-up call, then the median of `reps` timed calls; the empirical NTK by
// `empirical_ntk_fn(implementation=3)` (STRUCTURED_DERIVATIVES, as `finite`), parameters from
// JAX's PRNG (not Tangent's, which does not change the work).

/// The `layers` benchmark, in a namespace so it cannot clash with the other benchmarks.
enum LayerBench {
    struct Options {
        var python: String? = "/tmp/ntref/bin/python"
        var sizes = [1000, 2000, 4000]
        var empiricalSizes = [512, 1024, 2048]
        var runN = 4000
        var reps = 3
        var tangent: String? = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tangent").path

        init?(_ args: [String]) {
            var r = BenchArguments.Reader(args)
            while let name = r.next() {
                switch name {
                case "--nt": r.read(&python)
                case "--no-nt": python = nil
                case "--sizes": r.readPositives(&sizes)
                case "--empirical-sizes": r.readPositives(&empiricalSizes)
                case "--run-n": r.readPositive(&runN)
                case "--reps": r.readPositive(&reps)
                case "--tangent": r.read(&tangent)
                case "--no-run": tangent = nil
                case "--no-empirical": empiricalSizes = []
                default: r.reject()
                }
            }
            guard r.isValid else { return nil }
            python = BenchArguments.executable(python)
            tangent = BenchArguments.executable(tangent)
        }
    }

    static let inputWidth = 100

    /// §9's residual network with hidden width `width`.
    static func network(width: Int) -> Layer {
        let block = Layer.serial([
            .fanOut(2),
            .parallel([.serial([.activation(.relu), .dense(DenseLayer(outDim: width, wStd: 1.1))]), .identity]),
            .fanInSum
        ])
        return .serial([
            .dense(DenseLayer(outDim: width, wStd: 1.5, bStd: 0.05)), block, block, .activation(.relu),
            .dense(DenseLayer(outDim: 1, wStd: 1.5))
        ])
    }

    static func inputs(_ n: Int) -> Matrix {
        var rng = NumpyGenerator(seed: 0)
        return rng.standardNormal(rows: n, cols: inputWidth)
    }

    static func run(arguments: [String]) {
        guard let o = Options(arguments) else {
            print(
                "usage: tangent-bench layers [--nt PYTHON | --no-nt] [--sizes 1000,2000,4000] "
                    + "[--empirical-sizes 512,1024,2048 | --no-empirical] [--run-n 4000] [--reps 3] [--tangent PATH | --no-run]"
            )
            exit(2)
        }
        let nt = o.python.map { "neural-tangents 0.6.5 via \($0)" } ?? "neural-tangents not run (no venv, or --no-nt)"
        print(
            "Residual ReLU network of LANGUAGE.md §9 (two residual blocks, width 512), d = \(inputWidth), float64; "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores; median of \(o.reps) after a warm-up; \(nt)\n")
        analytic(o)
        if !o.empiricalSizes.isEmpty { empirical(o) }
        notebookRun(o)
    }

    /// Medians over `reps` timed calls after one warm-up call: wall-clock seconds, and CPU
    /// seconds of the whole process (all threads, user and system), which the other users of
    /// a shared machine disturb much less.
    static func measure(reps: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        try body()
        var walls = [Double]()
        var cpus = [Double]()
        for _ in 0..<reps {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let c0 = cpuSeconds()
            try body()
            cpus.append(cpuSeconds() - c0)
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return (AnalyticBench.median(walls), AnalyticBench.median(cpus))
    }

    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// neural-tangents' medians (wall, CPU) from `ntScript`, nil on failure.
    static func ntTimes(_ python: String, _ arguments: [String], label: String) -> (wall: Double, cpu: Double)? {
        guard let json = FiniteBench.runPython(python, ["-c", ntScript] + arguments, label: label),
            let wall = json["median_s"] as? Double, let cpu = json["median_cpu_s"] as? Double
        else { return nil }
        return (wall, cpu)
    }

    static let header = """
        | N | NT s | Tangent s | NT / Tangent | NT CPU s | Tangent CPU s | NT / Tangent (CPU) |
        |---|---|---|---|---|---|---|
        """

    static func row(_ n: Int, nt: (wall: Double, cpu: Double)?, tangent: (wall: Double, cpu: Double)) -> String {
        let f = FiniteBench.format
        return "| \(n) | \(nt.map { f($0.wall) } ?? "—") | \(f(tangent.wall)) | \(ratio(nt?.wall, tangent.wall)) | "
            + "\(nt.map { f($0.cpu) } ?? "—") | \(f(tangent.cpu)) | \(ratio(nt?.cpu, tangent.cpu)) |"
    }

    static func ratio(_ nt: Double?, _ t: Double) -> String { nt.map { String(format: "%.1f×", $0 / t) } ?? "—" }

    static func analytic(_ o: Options) {
        print("Analytic NNGP + NTK, K(X, X):\n")
        print(header)
        let net = network(width: 512)
        for n in o.sizes {
            let nt = o.python.flatMap {
                ntTimes($0, ["analytic", String(n), String(o.reps)], label: "NT analytic N=\(n)")
            }
            let x = inputs(n)
            do {
                var corner = 0.0
                let t = try measure(reps: o.reps) {
                    let k = try LayerKernel.compute(net, x, nil, .both)
                    corner = k.nngp[n - 1, 0] + k.ntk[0, n - 1]
                }
                precondition(corner.isFinite, "non-finite kernel")
                print(row(n, nt: nt, tangent: t))
            } catch {
                print("| \(n) | \(nt.map { FiniteBench.format($0.wall) } ?? "—") | refused: \(error) | — | — | — | — |")
            }
            fflush(nil)
        }
    }

    static func empirical(_ o: Options) {
        print("\nEmpirical NTK Θ(X, X) at width 512:\n")
        print(header)
        let net = network(width: 512)
        for n in o.empiricalSizes {
            let nt = o.python.flatMap {
                ntTimes($0, ["empirical", String(n), String(o.reps)], label: "NT empirical N=\(n)")
            }
            let x = inputs(n)
            guard let shapes = try? LayerShapes(net, inputWidth: inputWidth) else {
                fatalError("the benchmark network is invalid")
            }
            var generator = NumpyGenerator(seed: 1)
            let p = shapes.initialize(generator: &generator)
            var corner = 0.0
            let t = measure(reps: o.reps) { corner = net.empiricalNTK(p, x, nil)[n - 1, 0] }
            precondition(corner.isFinite, "non-finite empirical NTK")
            print(row(n, nt: nt, tangent: t))
            fflush(nil)
        }
    }

    /// The notebook of the `tangent run` row: the same network and inputs, both kernels.
    static func notebook(n: Int) -> String {
        """
        ---
        title: Residual network kernels
        ---

        ```ntk {#kernels}
        X = randn(\(n), \(inputWidth), seed: 0)
        block = serial(FanOut(2), parallel(serial(Relu(), Dense(512, W_std: 1.1)), Identity()), FanInSum())
        net = serial(Dense(512, W_std: 1.5, b_std: 0.05), block, block, Relu(), Dense(1, W_std: 1.5))
        K = nngp(net, X)
        T = ntk(net, X)
        expect min(T) > -1e9
        ```

        """
    }

    static func notebookRun(_ o: Options) {
        print(
            "\n`tangent run` of a notebook computing nngp(net, X) and ntk(net, X), N = \(o.runN) "
                + "(release binary, default settings; process start to exit):\n")
        print("| run | median s |")
        print("|---|---|")
        guard let tangent = o.tangent else {
            print("| (no tangent binary beside tangent-bench, or --no-run) | — |")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tangent-bench-layers-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try notebook(n: o.runN).write(
                to: folder.appendingPathComponent("residual.md"), atomically: true, encoding: .utf8)
        } catch {
            print("| could not write the notebook: \(error) | — |")
            return
        }
        for (label, extra) in [("cold `.tangent/`", [String]()), ("`--no-cache`", ["--no-cache"])] {
            var failed: String? = nil
            let t = measure(reps: o.reps) {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(".tangent"))
                let p = Process()
                p.executableURL = URL(fileURLWithPath: tangent)
                p.arguments = ["run", "residual.md", "--quiet"] + extra
                p.currentDirectoryURL = folder
                p.standardOutput = FileHandle.nullDevice
                let err = Pipe()
                p.standardError = err
                let waitForExit: () -> Void
                do { waitForExit = try p.runAndWaiter() } catch {
                    failed = "\(error)"
                    return
                }
                let errData = err.fileHandleForReading.readDataToEndOfFile()
                waitForExit()
                if p.terminationStatus != 0 {
                    failed = "exit \(p.terminationStatus): \(String(decoding: errData, as: UTF8.self).suffix(300))"
                }
            }
            print("| \(label) | \(failed.map { "failed: \($0)" } ?? FiniteBench.format(t.wall)) |")
            fflush(nil)
        }
    }

    static let ntScript = #"""
        import json, resource, statistics, sys, time, warnings
        resource.setrlimit(resource.RLIMIT_AS, (20 << 30, 20 << 30))
        import jax
        jax.config.update("jax_enable_x64", True)
        import numpy as np
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import neural_tangents as nt
            from neural_tangents import stax
        mode, N, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        X = np.random.default_rng(0).standard_normal((N, 100))
        block = stax.serial(stax.FanOut(2), stax.parallel(stax.serial(stax.Relu(), stax.Dense(512, W_std=1.1)), stax.Identity()), stax.FanInSum())
        init_fn, apply_fn, kernel_fn = stax.serial(stax.Dense(512, W_std=1.5, b_std=0.05), block, block, stax.Relu(), stax.Dense(1, W_std=1.5))
        if mode == "analytic":
            f = jax.jit(lambda x: kernel_fn(x, None, ("nngp", "ntk")))
            args = (X,)
        else:
            _, params = init_fn(jax.random.PRNGKey(0), (-1, 100))
            fn = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=3)
            f = jax.jit(lambda x, p: fn(x, None, p))
            args = (X, params)
        jax.block_until_ready(f(*args))
        times, cpus = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            jax.block_until_ready(f(*args))
            cpus.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"median_s": statistics.median(times), "median_cpu_s": statistics.median(cpus)}))
        """#
}
