// tangent-bench: timing tables for Tangent, with neural-tangents beside them.
//
//   swift run -c release tangent-bench analytic [--nt /tmp/ntref/bin/python | --no-nt]
//                                               [--sizes 1000,2000,...] [--reps 3]
//   swift run -c release tangent-bench predict ...   (PredictBench.swift)
//   swift run -c release tangent-bench finite ...    (FiniteBench.swift)
//   swift run -c release tangent-bench layers ...    (LayerBench.swift)
//   swift run -c release tangent-bench conv ...      (ConvBench.swift)
//   swift run -c release tangent-bench notebooks ... (NotebookBench.swift: through `tangent run`)
//   swift run -c release tangent-bench training ...  (TrainingBench.swift: gradient descent beside JAX)
//
// `analytic`: K(X, X) NNGP + NTK of a ReLU MLP, depth 3, d = 100, W_std = √2, b_std = 0.1.
// Tangent's time is the median of `reps` calls in this process after one warm-up call.
// neural-tangents' time is measured in a separate Python process (one per N, under a
// 20 GiB address-space limit, as /work/shared/reference/bench_nt.py does): jit-compiled,
// one warm-up call, then the median of `reps` timed calls. Its failures print as OOM.
import Dispatch
import Foundation
import NTKCore
import TangentSupport

/// The `analytic` benchmark, in a namespace so it cannot clash with the other benchmarks.
enum AnalyticBench {
    struct Options {
        var command = ""
        var python: String? = "/tmp/ntref/bin/python"
        var sizes = [1000, 2000, 4000, 8000, 16000, 32000]
        var reps = 3

        static func parse(_ args: [String]) -> Options? {
            var o = Options()
            guard let command = args.first else { return nil }
            o.command = command
            var r = BenchArguments.Reader(Array(args.dropFirst()))
            while let name = r.next() {
                switch name {
                case "--nt": r.read(&o.python)
                case "--no-nt": o.python = nil
                case "--sizes": r.readPositives(&o.sizes)
                case "--reps": r.readPositive(&o.reps)
                default: r.reject()
                }
            }
            guard r.isValid else { return nil }
            o.python = BenchArguments.executable(o.python)
            return o
        }
    }

    /// The benchmark network: Dense(512) → ReLU ×3 → Dense(1), σ_w = √2, σ_b = 0.1.
    static let network = MLP(widths: [512, 512, 512], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1)

    /// Standard normal N × d inputs from a fixed seed (SplitMix64 + Box–Muller).
    static func gaussianInputs(_ n: Int, _ d: Int, seed: UInt64 = 0) -> Matrix {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) / Double(1 << 53)
        }
        var values = [Double]()
        values.reserveCapacity(n * d)
        while values.count < n * d {
            let r = (-2 * log(next())).squareRoot()
            let t = 2 * Double.pi * next()
            values.append(r * cos(t))
            values.append(r * sin(t))
        }
        return Matrix(rows: n, cols: d, storage: Array(values.prefix(n * d)))
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    /// Tangent's median time over `reps` calls after one warm-up call, or why it refused.
    static func timeTangent(n: Int, reps: Int) -> Result<Double, KernelError> {
        let x = gaussianInputs(n, 100)
        var times = [Double]()
        for rep in 0...reps {
            do {
                var corner = 0.0
                let t = try seconds {
                    let k = try AnalyticKernel.compute(network, x, nil, .both)
                    corner = k.ntk[n - 1, 0] + k.nngp[0, n - 1]  // keep the result alive
                }
                guard corner.isFinite else { fatalError("non-finite kernel") }
                if rep > 0 { times.append(t) }
            } catch let error as KernelError {
                return .failure(error)
            } catch {
                fatalError("\(error)")
            }
        }
        return .success(median(times))
    }

    static let ntScript = #"""
        import json, math, os, resource, statistics, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (20 << 30, 20 << 30))
        import jax
        jax.config.update("jax_enable_x64", True)
        import numpy as np
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from neural_tangents import stax
        N, reps = int(sys.argv[1]), int(sys.argv[2])
        X = np.random.default_rng(0).standard_normal((N, 100))
        layers = []
        for _ in range(3):
            layers += [stax.Dense(512, W_std=math.sqrt(2.0), b_std=0.1), stax.Relu()]
        layers += [stax.Dense(1, W_std=math.sqrt(2.0), b_std=0.1)]
        _, _, kernel_fn = stax.serial(*layers)
        compiled = jax.jit(lambda x: kernel_fn(x, None, ("nngp", "ntk"))).lower(X).compile()
        jax.block_until_ready(compiled(X))
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            jax.block_until_ready(compiled(X))
            times.append(time.perf_counter() - t0)
        print(json.dumps({"median_s": statistics.median(times)}))
        """#

    enum NTOutcome {
        case seconds(Double)
        case oom
        case error(String)
    }

    /// neural-tangents' median time for N, in a fresh Python process.
    static func timeNT(python: String, n: Int, reps: Int) -> NTOutcome {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("tangent-bench-nt.py")
        do { try ntScript.write(to: script, atomically: true, encoding: .utf8) } catch { return .error("\(error)") }
        let (p, out, err) = neuralTangentsProcess(python: python, arguments: [script.path, String(n), String(reps)])
        do { try p.run() } catch { return .error("\(error)") }
        // Drain stderr concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        group.wait()
        let stderr = String(decoding: errData, as: UTF8.self)
        if p.terminationStatus == 0,
            let line = String(decoding: outData, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }
            ),
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let s = json["median_s"] as? Double
        {
            return .seconds(s)
        }
        let oomMarkers = [
            "RESOURCE_EXHAUSTED", "MemoryError", "Out of memory", "std::bad_alloc", "Cannot allocate memory"
        ]
        if oomMarkers.contains(where: stderr.contains) || p.terminationReason == .uncaughtSignal {
            return .oom
        }
        return .error(String(stderr.suffix(300)))
    }

    static func format(_ s: Double) -> String { s < 10 ? String(format: "%.3f", s) : String(format: "%.1f", s) }

    static func runAnalytic(_ o: Options) {
        print("Analytic NNGP + NTK, K(X, X): ReLU MLP depth 3, d = 100, W_std = √2, b_std = 0.1, float64")
        print(
            "median of \(o.reps) after a warm-up; \(ProcessInfo.processInfo.activeProcessorCount) cores; "
                + (o.python.map { "neural-tangents 0.6.5 via \($0)" } ?? "neural-tangents not run (no venv, or --no-nt)")
        )
        print("")
        print("| N | NT s | Tangent s | NT / Tangent |")
        print("|---|---|---|---|")
        var ntFailedAt: (Int, String)? = nil
        for n in o.sizes {
            var ntCell = "—"
            var ntSeconds: Double? = nil
            if let python = o.python {
                if let (m, why) = ntFailedAt {
                    ntCell = "\(why) (as at \(m))"
                } else {
                    switch timeNT(python: python, n: n, reps: o.reps) {
                    case .seconds(let s):
                        ntSeconds = s
                        ntCell = format(s)
                    case .oom:
                        ntCell = "OOM"
                        ntFailedAt = (n, "OOM")
                    case .error(let e):
                        ntCell = "ERROR"
                        FileHandle.standardError.write(Data("NT N=\(n): \(e)\n".utf8))
                    }
                }
            }
            let tangentCell: String
            let ratio: String
            switch timeTangent(n: n, reps: o.reps) {
            case .success(let s):
                tangentCell = format(s)
                ratio = ntSeconds.map { String(format: "%.1f×", $0 / s) } ?? "—"
            case .failure(let e):
                tangentCell = "refused: \(e)"
                ratio = "—"
            }
            print("| \(n) | \(ntCell) | \(tangentCell) | \(ratio) |")
            fflush(nil)
        }
    }

    static func run(arguments: [String]) {
        guard let options = Options.parse(["analytic"] + arguments) else {
            print("usage: tangent-bench analytic [--nt PYTHON | --no-nt] [--sizes 1000,2000,...] [--reps 3]")
            exit(2)
        }
        runAnalytic(options)
    }
}

// NTKCore runs here as it runs in a kernel worker: freed large buffers are kept for the next
// computation (TANGENT_RETAIN_MEMORY=0 measures without).
MemoryRetention.enable()
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "analytic": AnalyticBench.run(arguments: Array(arguments.dropFirst()))
case "predict": runPredictBench(arguments: Array(arguments.dropFirst()))
case "finite": runFiniteBench(arguments: Array(arguments.dropFirst()))
case "layers": LayerBench.run(arguments: Array(arguments.dropFirst()))
case "conv": ConvBench.run(arguments: Array(arguments.dropFirst()))
case "notebooks": runNotebookBench(arguments: Array(arguments.dropFirst()))
case "training": runTrainingBench(arguments: Array(arguments.dropFirst()))
default:
    print("usage: tangent-bench analytic|predict|finite|layers|conv|notebooks|training [options]")
    exit(2)
}
