import Dispatch
import Foundation
import NTKCore

// `tangent-bench conv`: the analytic NNGP + NTK K(X, X) of convolutional networks (issue 21,
// docs/language.md#images-and-convolutions) beside neural-tangents 0.6.5 in the same run:
//   serial([Conv(16, [3, 3], padding: "SAME", W_std: √2, b_std: 0.1), Relu()] × depth,
//          GlobalAvgPool(), Dense(1, W_std: √2))
// on N images of 8×8×1 (`default_rng(0).standard_normal((N, 8, 8, 1))`), float64, over N and
// depth. Pooling makes both keep the full (h·w)² spatial covariance of every pair.
//
// Tangent: median of `reps` calls in this process after one warm-up call (wall-clock and
// process CPU seconds), and the process's peak resident memory after the row (a running
// maximum: rows run in increasing N per depth). NT: a separate Python process per row (JAX on
// the CPU, 20 GiB address-space limit): jit-compiled, one warm-up call, the median of `reps`
// timed calls, and that process's peak resident memory.

/// The `conv` benchmark, in a namespace so it cannot clash with the other benchmarks.
enum ConvBench {
    struct Options {
        var python: String? = "/tmp/ntref/bin/python"
        var sizes = [50, 100, 200, 400]
        var depths = [1, 2, 3]
        var reps = 3

        init?(_ args: [String]) {
            var r = BenchArguments.Reader(args)
            while let name = r.next() {
                switch name {
                case "--nt": r.read(&python)
                case "--no-nt": python = nil
                case "--sizes": r.readPositives(&sizes)
                case "--depths": r.readPositives(&depths)
                case "--reps": r.readPositive(&reps)
                default: r.reject()
                }
            }
            guard r.isValid else { return nil }
            python = BenchArguments.executable(python)
        }
    }

    static let shape = FeatureShape.image(height: 8, width: 8, channels: 1)

    /// `depth` SAME 3×3 Conv + ReLU layers, global average pooling, a Dense read-out.
    static func network(depth: Int) -> Layer {
        var layers: [Layer] = []
        for _ in 0..<depth {
            layers.append(
                .conv(
                    ConvLayer(
                        affine: DenseLayer(outDim: 16, wStd: 2.0.squareRoot(), bStd: 0.1), filterHeight: 3,
                        filterWidth: 3, padding: .same)))
            layers.append(.activation(.relu))
        }
        return .serial(layers + [.globalAvgPool, .dense(DenseLayer(outDim: 1, wStd: 2.0.squareRoot()))])
    }

    static func run(arguments: [String]) {
        guard let o = Options(arguments) else {
            print(
                "usage: tangent-bench conv [--nt PYTHON | --no-nt] [--sizes 50,100,200,400] [--depths 1,2,3] [--reps 3]"
            )
            exit(2)
        }
        let nt = o.python.map { "neural-tangents 0.6.5 via \($0)" } ?? "neural-tangents not run (no venv, or --no-nt)"
        print(
            "Analytic NNGP + NTK K(X, X) of [Conv(3×3, SAME) + ReLU] × depth + GlobalAvgPool + Dense on 8×8×1 images, "
                + "float64; \(ProcessInfo.processInfo.activeProcessorCount) cores; median of \(o.reps) after a warm-up; \(nt)\n"
        )
        print(
            """
            | depth | N | NT s | Tangent s | NT / Tangent | NT CPU s | Tangent CPU s | NT peak MiB | Tangent peak MiB |
            |---|---|---|---|---|---|---|---|---|
            """)
        let f = FiniteBench.format
        for depth in o.depths {
            let net = network(depth: depth)
            for n in o.sizes {
                var rng = NumpyGenerator(seed: 0)
                let x = rng.standardNormal(rows: n, cols: shape.size)
                let reference = o.python.flatMap {
                    FiniteBench.runPython(
                        $0, ["-c", ntScript, String(depth), String(n), String(o.reps)],
                        label: "NT conv depth \(depth) N=\(n)")
                }
                let ntWall = reference?["median_s"] as? Double
                let ntCPU = reference?["median_cpu_s"] as? Double
                let ntPeak = reference?["peak_mib"] as? Double
                do {
                    var corner = 0.0
                    let t = try LayerBench.measure(reps: o.reps) {
                        let k = try LayerKernel.compute(net, x, nil, input: shape, .both)
                        corner = k.nngp[n - 1, 0] + k.ntk[0, n - 1]
                    }
                    precondition(corner.isFinite, "non-finite kernel")
                    print(
                        "| \(depth) | \(n) | \(ntWall.map(f) ?? "—") | \(f(t.wall)) | \(LayerBench.ratio(ntWall, t.wall)) | "
                            + "\(ntCPU.map(f) ?? "—") | \(f(t.cpu)) | \(ntPeak.map { String(format: "%.0f", $0) } ?? "—") | "
                            + "\(String(format: "%.0f", peakMiB())) |")
                } catch {
                    print("| \(depth) | \(n) | \(ntWall.map(f) ?? "—") | refused: \(error) | — | — | — | — | — |")
                }
                fflush(nil)
            }
        }
    }

    /// This process's peak resident memory so far (Linux reports ru_maxrss in KiB).
    static func peakMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static let ntScript = #"""
        import json, resource, statistics, sys, time, warnings
        resource.setrlimit(resource.RLIMIT_AS, (20 << 30, 20 << 30))
        import jax
        jax.config.update("jax_enable_x64", True)
        import numpy as np
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from neural_tangents import stax
        depth, N, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        X = np.random.default_rng(0).standard_normal((N, 8, 8, 1))
        layers = []
        for _ in range(depth):
            layers += [stax.Conv(16, (3, 3), padding="SAME", W_std=2 ** 0.5, b_std=0.1), stax.Relu()]
        _, _, kernel_fn = stax.serial(*layers, stax.GlobalAvgPool(), stax.Dense(1, W_std=2 ** 0.5))
        f = jax.jit(lambda x: kernel_fn(x, None, ("nngp", "ntk")))
        jax.block_until_ready(f(X))
        times, cpus = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            jax.block_until_ready(f(X))
            cpus.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"median_s": statistics.median(times), "median_cpu_s": statistics.median(cpus), "peak_mib": peak}))
        """#
}
