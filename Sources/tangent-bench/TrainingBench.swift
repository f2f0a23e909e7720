import Foundation
import NTKCore

// `tangent-bench training` (issue 22 item 4): gradient-descent training of a finite ReLU network,
// Tangent beside JAX in the same run.
//
// (a) full batch: Dense(W)-ReLU-Dense(W)-ReLU-Dense(10), σ_w = √2, σ_b = 0.1, 'ntk', on N = 64
//     inputs of dimension 64 (the digits' shape) with one-hot targets, MSE, η = 1, S = 1000 steps:
//     NTKCore in this process, `tangent run` of the same notebook (`--no-cache`), and JAX with a
//     jitted `value_and_grad` step called S times from Python and with the S steps in one jitted
//     `lax.fori_loop`.
// (b) an ensemble of E = 100 such networks on 5 points, each trained S steps: Tangent as a list
//     comprehension of `train` calls in a notebook and as a loop over NTKCore in this process,
//     against JAX's `vmap` of the step over the E parameter sets (Python loop of jitted steps, and
//     one jitted `fori_loop`).
// JAX's times exclude compilation (one warm-up call first). Tangent's and JAX's parameters are
// drawn differently (numpy's and JAX's generators), which does not change the work.

/// Runs the training benchmark and prints two markdown tables.
///
/// Options: `--width 512`, `--steps 1000`, `--nets 100`, `--n 64`, `--dim 64`, `--reps 3` (median
/// of that many runs of (a); (b) runs once), `--tangent PATH`, `--python PATH`, `--no-jax`,
/// `--only full|ensemble`.
func runTrainingBench(arguments: [String]) {
    guard var o = TrainingBench.Options(arguments) else {
        print(
            "usage: tangent-bench training [--width 512] [--steps 1000] [--nets 100] [--n 64] [--dim 64] [--reps 3] "
                + "[--tangent PATH] [--python PATH] [--no-jax] [--only full|ensemble]")
        exit(2)
    }
    o.python = BenchArguments.executable(o.python)
    if !FileManager.default.isExecutableFile(atPath: o.tangent) {
        print("(no tangent binary at \(o.tangent): the notebook rows are skipped; build with swift build -c release)\n")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "tangent-bench-training-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? FileManager.default.removeItem(at: folder) }
    if o.only != "ensemble" { TrainingBench.runFullBatch(o, in: folder.appendingPathComponent("full")) }
    if o.only != "full" { TrainingBench.runEnsemble(o, in: folder.appendingPathComponent("ensemble")) }
    if o.python == nil { print("\nJAX rows skipped (no Python venv, or --no-jax).") }
}

/// The pieces of `runTrainingBench`, in a namespace so they cannot clash with other benchmarks.
enum TrainingBench {
    struct Options {
        var width = 512
        var steps = 1000
        var nets = 100
        var n = 64
        var dim = 64
        var outputs = 10
        var ensemblePoints = 5
        var reps = 3
        var tangent =
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("tangent").path ?? ""
        var python: String? = "/tmp/ntref/bin/python"
        var only = ""

        init?(_ args: [String]) {
            var r = BenchArguments.Reader(args)
            while let name = r.next() {
                switch name {
                case "--width": r.readPositive(&width)
                case "--steps": r.readPositive(&steps)
                case "--nets": r.readPositive(&nets)
                case "--n": r.readPositive(&n)
                case "--dim":
                    r.readPositive(&dim)
                    if dim < outputs { r.reject() }
                case "--reps": r.readPositive(&reps)
                case "--tangent": r.read(&tangent)
                case "--python": r.read(&python)
                case "--no-jax": python = nil
                case "--only":
                    r.read(&only)
                    if !["full", "ensemble"].contains(only) { r.reject() }
                default: r.reject()
                }
            }
            guard r.isValid else { return nil }
        }
    }

    static let learningRate = 1.0

    static func network(_ o: Options) -> MLP {
        MLP(widths: [o.width, o.width], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1, outDim: o.outputs)
    }

    /// `randn(n, dim, seed: 0)` and the one-hot rows of the argmax of its first `outputs` columns,
    /// as the notebooks and the JAX script make them.
    static func data(_ o: Options, rows: Int) -> (x: Matrix, y: Matrix) {
        var rng = NumpyGenerator(seed: 0)
        let x = rng.standardNormal(rows: rows, cols: o.dim)
        var y = Matrix(rows: rows, cols: o.outputs)
        for i in 0..<rows {
            var best = 0
            for c in 1..<o.outputs where x[i, c] > x[i, best] { best = c }
            y[i, best] = 1
        }
        return (x, y)
    }

    static func notebookSetup(_ o: Options, rows: Int) -> String {
        """
        X = randn(\(rows), \(o.dim), seed: 0)
        Y = one_hot(argmax(X[:, 0:\(o.outputs)]), \(o.outputs))
        net = mlp(depth: 2, width: \(o.width), W_std: sqrt(2), b_std: 0.1, out_dim: \(o.outputs))
        """
    }

    // MARK: (a) full batch

    static func runFullBatch(_ o: Options, in dir: URL) {
        print(
            "Full-batch gradient descent: Dense(\(o.width))-ReLU-Dense(\(o.width))-ReLU-Dense(\(o.outputs)), "
                + "σ_w = √2, σ_b = 0.1, N = \(o.n), d = \(o.dim), MSE on one-hot targets, η = \(learningRate), "
                + "\(o.steps) steps, float64; median of \(o.reps); "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores.\n")
        print("| what | seconds | per step ms | JAX jit step / this |")
        print("|---|---|---|---|")
        let jax = o.python.flatMap { jaxTimes(python: $0, mode: "full", o, rows: o.n, nets: 1) }
        let reference = jax?["step_loop_s"]
        func row(_ label: String, _ s: Double?) {
            guard let s else {
                print("| \(label) | — | — | — |")
                return
            }
            let ratio = reference.map { String(format: "%.2f×", $0 / s) } ?? "—"
            print(
                "| \(label) | \(FiniteBench.format(s)) | \(String(format: "%.3f", s * 1000 / Double(o.steps))) | \(ratio) |"
            )
            fflush(nil)
        }
        let net = network(o)
        let (x, y) = data(o, rows: o.n)
        var g = NumpyGenerator(seed: 1)
        let p = net.initialize(inputWidth: o.dim, generator: &g)
        var final = 0.0
        let core = FiniteBench.medianSeconds(reps: o.reps, warmUp: false) {
            do { final = try net.trainingRun(p, x, y, steps: o.steps, learningRate: learningRate).losses.last! } catch {
                print("training failed: \(error)")
            }
        }
        row("Tangent, NTKCore `MLP.trainingRun`", core)
        row("Tangent, `tangent run` (block)", notebookSeconds(o, in: dir, rows: o.n, train: fullBatchBlock(o)))
        row("JAX, jitted value_and_grad step × \(o.steps) from Python", reference)
        row("JAX, \(o.steps) steps in one jitted fori_loop", jax?["scan_s"])
        print("\nfinal loss (Tangent): \(String(format: "%.6f", final))\n")
    }

    static func fullBatchBlock(_ o: Options) -> String {
        """
        p = init(net, X, seed: 1)
        q = train(net, p, X, Y, steps: \(o.steps), learning_rate: \(learningRate))
        print(loss(net, q, X, Y))
        """
    }

    // MARK: (b) ensemble

    static func runEnsemble(_ o: Options, in dir: URL) {
        let k = o.ensemblePoints
        print(
            "Ensemble: \(o.nets) networks Dense(\(o.width))-ReLU-Dense(\(o.width))-ReLU-Dense(\(o.outputs)) on "
                + "\(k) points (d = \(o.dim)), each trained \(o.steps) full-batch steps, η = \(learningRate); one run.\n"
        )
        print("| what | seconds | per network-step µs | JAX vmap step / this |")
        print("|---|---|---|---|")
        let jax = o.python.flatMap { jaxTimes(python: $0, mode: "ensemble", o, rows: k, nets: o.nets) }
        let reference = jax?["step_loop_s"]
        func row(_ label: String, _ s: Double?) {
            guard let s else {
                print("| \(label) | — | — | — |")
                return
            }
            let ratio = reference.map { String(format: "%.2f×", $0 / s) } ?? "—"
            let per = s * 1e6 / Double(o.steps * o.nets)
            print("| \(label) | \(FiniteBench.format(s)) | \(String(format: "%.1f", per)) | \(ratio) |")
            fflush(nil)
        }
        let net = network(o)
        let (x, y) = data(o, rows: k)
        let core = FiniteBench.medianSeconds(reps: 1, warmUp: false) {
            for s in 0..<o.nets {
                var g = NumpyGenerator(seed: UInt64(s))
                let p = net.initialize(inputWidth: o.dim, generator: &g)
                do { _ = try net.train(p, x, y, steps: o.steps, learningRate: learningRate) } catch {
                    print("training failed: \(error)")
                }
            }
        }
        row("Tangent, NTKCore loop over \(o.nets) `MLP.train`", core)
        let block = """
            qs = [train(net, init(net, X, seed: s), X, Y, steps: \(o.steps), learning_rate: \(learningRate)) for s in range(\(o.nets))]
            print(len(qs))
            """
        row("Tangent, `tangent run` (comprehension block)", notebookSeconds(o, in: dir, rows: k, train: block))
        row("JAX, jitted vmap step × \(o.steps) from Python", reference)
        row("JAX, vmap of \(o.steps) steps in one jitted fori_loop", jax?["scan_s"])
        print("")
    }

    // MARK: Notebook and Python

    /// The median seconds of the `train` block of `tangent run --no-cache` over `reps` runs.
    static func notebookSeconds(_ o: Options, in dir: URL, rows: Int, train: String) -> Double? {
        guard FileManager.default.isExecutableFile(atPath: o.tangent) else { return nil }
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text =
            "---\ntitle: training benchmark\n---\n\n```ntk {#data}\n\(notebookSetup(o, rows: rows))\n```\n\n"
            + "```ntk {#train}\n\(train)\n```\n"
        let nb = dir.appendingPathComponent("nb.md")
        do { try Data(text.utf8).write(to: nb) } catch { return nil }
        var times: [Double] = []
        for _ in 0..<(train.contains("range(") ? 1 : o.reps) {
            guard
                let run = NotebookBench.tangentRun(o.tangent, nb, in: dir, block: "train", extra: ["--no-cache"]),
                let s = run.block
            else { return nil }
            times.append(s)
        }
        return NotebookBench.median(times)
    }

    static func jaxTimes(python: String, mode: String, _ o: Options, rows: Int, nets: Int) -> [String: Double]? {
        let reps = mode == "full" ? o.reps : 1
        let args = [mode, rows, o.dim, o.width, o.outputs, o.steps, nets, reps].map { "\($0)" }
        return FiniteBench.runPython(python, ["-c", jaxScript] + args, label: "JAX training \(mode)")?
            .compactMapValues { $0 as? Double }
    }

    static let jaxScript = #"""
        import json, math, statistics, sys, time, warnings
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        import numpy as np
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from neural_tangents import stax
        mode = sys.argv[1]
        N, d, W, K, steps, nets, reps = map(int, sys.argv[2:9])
        X = np.random.default_rng(0).standard_normal((N, d))
        Y = np.eye(K)[np.argmax(X[:, :K], axis=1)]
        init_fn, apply_fn, _ = stax.serial(
            stax.Dense(W, W_std=math.sqrt(2.0), b_std=0.1), stax.Relu(),
            stax.Dense(W, W_std=math.sqrt(2.0), b_std=0.1), stax.Relu(),
            stax.Dense(K, W_std=math.sqrt(2.0), b_std=0.1))
        lr = 1.0
        loss = lambda p: 0.5 * jnp.mean((apply_fn(p, X) - Y) ** 2)
        def step(p):
            g = jax.grad(loss)(p)
            return jax.tree_util.tree_map(lambda a, b: a - lr * b, p, g)
        if mode == "full":
            _, params = init_fn(jax.random.PRNGKey(0), (-1, d))
            one = step
        else:
            keys = jax.random.split(jax.random.PRNGKey(0), nets)
            params = jax.vmap(lambda k: init_fn(k, (-1, d))[1])(keys)
            one = jax.vmap(step)
        jstep = jax.jit(one)
        run_all = jax.jit(lambda p: jax.lax.fori_loop(0, steps, lambda i, q: one(q), p))
        jax.block_until_ready(jstep(params))
        jax.block_until_ready(run_all(params))
        def timed(f):
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter()
                jax.block_until_ready(f())
                ts.append(time.perf_counter() - t0)
            return statistics.median(ts)
        def loop():
            p = params
            for _ in range(steps):
                p = jstep(p)
            return p
        print(json.dumps({"step_loop_s": timed(loop), "scan_s": timed(lambda: run_all(params))}))
        """#
}
