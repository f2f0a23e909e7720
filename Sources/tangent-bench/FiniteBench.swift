import Dispatch
import Foundation
import NTKCore

// `tangent-bench empirical`: the empirical NTK and gradient-descent training of the finite
// network Dense(W)-ReLU-Dense(W)-ReLU-Dense(1) (σ_w = √2, σ_b = 0.1, 'ntk'), d = 100, float64,
// with neural-tangents / JAX timed in subprocesses beside it.

/// Runs the finite-network benchmark and prints two markdown tables.
///
/// Options: `--sizes 1024x256,4096x1024` (N×W for the NTK), `--train-widths 256,1024`,
/// `--train-steps 100`, `--reps 3` (Tangent: median of that many calls after a warm-up),
/// `--python PATH` (default /tmp/ntref/bin/python), `--nt-bench PATH` (default
/// /work/shared/reference/bench_nt.py), `--no-nt`, `--no-train`.
///
/// NT's time is `bench_nt.py --child` with implementation 3 (STRUCTURED_DERIVATIVES, its
/// fastest here; 1 and 2 need N×P Jacobians): jit-compiled, one warm-up, median of its timed
/// calls. The inputs are the same (`default_rng(0).standard_normal((N, 100))`); the
/// parameters are not (JAX's PRNG vs numpy's), which does not change the work.
func runFiniteBench(arguments: [String]) {
    guard var options = FiniteBench.Options(arguments) else {
        print(
            "usage: tangent-bench empirical [--sizes 1024x256,4096x1024] [--train-widths 256,1024] "
                + "[--train-steps 100] [--reps 3] [--python PATH] [--nt-bench PATH] [--no-nt] [--no-train]")
        exit(2)
    }
    options.python = BenchArguments.executable(options.python)
    if !FileManager.default.fileExists(atPath: options.ntBench) { options.python = nil }
    FiniteBench.runKernel(options)
    if options.train { FiniteBench.runTraining(options) }
    if options.python == nil { print("\nNT columns skipped (no Python venv or bench_nt.py, or --no-nt).") }
}

/// The pieces of `runFiniteBench`, in a namespace so they cannot clash with other benchmarks.
enum FiniteBench {
    struct Options {
        var sizes = [(1024, 256), (1024, 1024), (4096, 256), (4096, 1024)]
        var trainWidths = [256, 1024]
        var trainN = 1024
        var trainSteps = 100
        var reps = 3
        var python: String? = "/tmp/ntref/bin/python"
        var ntBench = "/work/shared/reference/bench_nt.py"
        var train = true

        init?(_ args: [String]) {
            var r = BenchArguments.Reader(args)
            while let name = r.next() {
                switch name {
                case "--sizes":
                    guard let v = r.value() else { break }
                    let pairs = v.split(separator: ",").map { $0.split(separator: "x").compactMap { Int($0) } }
                    guard !pairs.isEmpty, pairs.allSatisfy({ $0.count == 2 && $0[0] > 0 && $0[1] > 0 }) else {
                        r.reject()
                        break
                    }
                    sizes = pairs.map { ($0[0], $0[1]) }
                case "--train-widths":
                    guard let v = r.value() else { break }
                    trainWidths = v.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                case "--train-steps": r.readPositive(&trainSteps)
                case "--reps": r.readPositive(&reps)
                case "--python": r.read(&python)
                case "--nt-bench": r.read(&ntBench)
                case "--no-nt": python = nil
                case "--no-train": train = false
                default: r.reject()
                }
            }
            guard r.isValid else { return nil }
        }
    }

    static let inputWidth = 100

    static func network(width: Int) -> MLP {
        MLP(widths: [width, width], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1)
    }

    static func runKernel(_ o: Options) {
        print(
            "Empirical NTK Θ(X, X) (trace = mean over outputs), Dense(W)-ReLU-Dense(W)-ReLU-Dense(1), "
                + "d = \(inputWidth), σ_w = √2, σ_b = 0.1, float64; \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
        print(
            "Tangent: median of \(o.reps) after a warm-up. NT: neural-tangents 0.6.5 implementation 3 "
                + "(STRUCTURED_DERIVATIVES), jit, bench_nt.py protocol.\n")
        print("| N | W | NT s | Tangent s | NT / Tangent |")
        print("|---|---|---|---|---|")
        for (n, w) in o.sizes {
            let nt = o.python.flatMap { ntEmpirical(python: $0, script: o.ntBench, n: n, width: w) }
            let net = network(width: w)
            var rng = NumpyGenerator(seed: 0)
            let x = rng.standardNormal(rows: n, cols: inputWidth)
            var init_ = NumpyGenerator(seed: 1)
            let p = net.initialize(inputWidth: inputWidth, generator: &init_)
            var checksum = 0.0
            let t = medianSeconds(reps: o.reps) { checksum = net.empiricalNTK(p, x, nil)[n - 1, 0] }
            precondition(checksum.isFinite, "empirical NTK is not finite")
            print(
                "| \(n) | \(w) | \(nt.map(format) ?? "—") | \(format(t)) | "
                    + "\(nt.map { String(format: "%.2f×", $0 / t) } ?? "—") |")
            fflush(nil)
        }
    }

    static func runTraining(_ o: Options) {
        print(
            "\nFull-batch gradient descent, \(o.trainSteps) steps, N = \(o.trainN), MSE loss, η = 0.5 "
                + "(same network). JAX: jit-compiled value_and_grad step, compile and one warm-up step excluded.\n")
        print("| N | W | JAX s | Tangent s | JAX / Tangent | loss₀ → loss_end (Tangent) |")
        print("|---|---|---|---|---|---|")
        for w in o.trainWidths {
            let n = o.trainN
            let jax = o.python.flatMap { jaxTraining(python: $0, n: n, width: w, steps: o.trainSteps) }
            let net = network(width: w)
            var rng = NumpyGenerator(seed: 0)
            let x = rng.standardNormal(rows: n, cols: inputWidth)
            var yRng = NumpyGenerator(seed: 1)
            let y = yRng.standardNormal(rows: n, cols: 1)
            var init_ = NumpyGenerator(seed: 1)
            let p = net.initialize(inputWidth: inputWidth, generator: &init_)
            var losses = [Double]()
            let t = medianSeconds(reps: o.reps, warmUp: false) {
                do {
                    losses = try net.trainingRun(p, x, y, steps: o.trainSteps, learningRate: 0.5).losses
                } catch {
                    print("training failed: \(error)")
                }
            }
            let lossCell =
                losses.isEmpty
                ? "—"
                : String(format: "%.4f → %.4f", losses.first!, losses.last!)
            print(
                "| \(n) | \(w) | \(jax.map(format) ?? "—") | \(format(t)) | "
                    + "\(jax.map { String(format: "%.2f×", $0 / t) } ?? "—") | \(lossCell) |")
            fflush(nil)
        }
    }

    // MARK: Timing

    static func medianSeconds(reps: Int, warmUp: Bool = true, _ body: () -> Void) -> Double {
        if warmUp { body() }
        var times = [Double]()
        for _ in 0..<reps {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        times.sort()
        return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }

    static func format(_ s: Double) -> String { s < 10 ? String(format: "%.3f", s) : String(format: "%.1f", s) }

    // MARK: Subprocesses

    /// NT's median seconds from `bench_nt.py --child` (nil on failure, reported on stderr).
    static func ntEmpirical(python: String, script: String, n: Int, width: Int) -> Double? {
        let job = #"{"section": "empirical", "dtype": "float64", "N": \#(n), "W": \#(width), "impl": 3, "mem_gib": 20}"#
        guard let json = runPython(python, [script, "--child", job], label: "NT N=\(n) W=\(width)") else { return nil }
        return json["median_s"] as? Double
    }

    /// JAX's median seconds for `steps` jitted GD steps of the same network (nil on failure).
    static func jaxTraining(python: String, n: Int, width: Int, steps: Int) -> Double? {
        runPython(
            python, ["-c", jaxTrainingScript, String(n), String(width), String(steps)],
            label: "JAX train W=\(width)")?["median_s"] as? Double
    }

    static let jaxTrainingScript = #"""
        import json, math, statistics, sys, time, warnings
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        import numpy as np
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from neural_tangents import stax
        N, W, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        X = np.random.default_rng(0).standard_normal((N, 100))
        Y = np.random.default_rng(1).standard_normal((N, 1))
        layers = []
        for _ in range(2):
            layers += [stax.Dense(W, W_std=math.sqrt(2.0), b_std=0.1), stax.Relu()]
        layers += [stax.Dense(1, W_std=math.sqrt(2.0), b_std=0.1)]
        init_fn, apply_fn, _ = stax.serial(*layers)
        _, params = init_fn(jax.random.PRNGKey(0), (-1, 100))
        loss = lambda p: 0.5 * jnp.mean((apply_fn(p, X) - Y) ** 2)
        @jax.jit
        def step(p):
            l, g = jax.value_and_grad(loss)(p)
            return jax.tree_util.tree_map(lambda a, b: a - 0.5 * b, p, g), l
        jax.block_until_ready(step(params))
        times = []
        for _ in range(3):
            p = params
            t0 = time.perf_counter()
            for _ in range(steps):
                p, l = step(p)
            jax.block_until_ready(p)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"median_s": statistics.median(times)}))
        """#

    /// Runs Python and returns the last JSON object line of its stdout.
    static func runPython(_ python: String, _ arguments: [String], label: String) -> [String: Any]? {
        let (process, out, err) = neuralTangentsProcess(python: python, arguments: arguments)
        do { try process.run() } catch {
            FileHandle.standardError.write(Data("\(label): \(error)\n".utf8))
            return nil
        }
        // Drain stderr concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        if process.terminationStatus == 0,
            let line = String(decoding: outData, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }
            ),
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        {
            return json
        }
        FileHandle.standardError.write(
            Data("\(label) failed: \(String(decoding: errData, as: UTF8.self).suffix(400))\n".utf8))
        return nil
    }
}
