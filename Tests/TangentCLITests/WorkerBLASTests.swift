import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// `tangent`'s parent process hands OpenBLAS to its workers (it ends its own idle threads and
/// only records thread counts), and each worker starts with `OPENBLAS_THREAD_TIMEOUT=4` so that
/// OpenBLAS's idle threads sleep instead of spinning. Neither may change a number.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct WorkerBLASTests {
    @Test func theWorkerEnvironmentIsThisOneWithOpenBLASThreadsThatSleep() {
        let entries = KernelProcess.workerEnvironment()
        defer {
            for entry in entries { free(entry) }
        }
        let strings = entries.map { String(cString: $0!) }
        let mine = ProcessInfo.processInfo.environment
        for (key, value) in mine { #expect(strings.contains("\(key)=\(value)")) }
        let timeouts = strings.filter { $0.hasPrefix("OPENBLAS_THREAD_TIMEOUT=") }
        #expect(timeouts == ["OPENBLAS_THREAD_TIMEOUT=\(mine["OPENBLAS_THREAD_TIMEOUT"] ?? "4")"])
        #expect(strings.count == mine.count + (mine["OPENBLAS_THREAD_TIMEOUT"] == nil ? 1 : 0))
    }

    /// Kernels (single-threaded BLAS tiles), a LAPACK solve (threaded) and a product, in two
    /// notebooks side by side: the same printed values in worker processes under `-j 2` as in
    /// this process's own kind of run (`TANGENT_IN_PROCESS=1`), where OpenBLAS is not handed on.
    @Test func numbersAreTheSameWithWorkersSideBySideAsInProcess() throws {
        let sandbox = try TemporaryFolder("worker-blas")
        defer { sandbox.remove() }
        for (name, width) in [("a.md", 64), ("b.md", 96)] {
            try """
            # \(name)

            ```ntk
            X = randn(300, 7, seed: 3)
            y = randn(300, 1, seed: 4)
            net = mlp(depth: 2, width: \(width), activation: "relu", W_std: sqrt(2), b_std: 0.1)
            p = init(net, X, seed: 5)
            E = empirical_ntk(net, p, X)
            K = ntk(net, X)
            f = predict(K, y, k_test_train: K[0:10, :], diag_reg: 1e-3)
            print(E[3, 7], K[5, 2], f[4, 0], sum(X @ X.T))
            ```

            """.write(to: sandbox.root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let arguments = ["run", "a.md", "b.md", "--no-cache", "-j", "2"]
        let workers = try TangentBinary.run(arguments, in: sandbox.root, scratch: sandbox)
        let inProcess = try TangentBinary.run(
            arguments, in: sandbox.root, scratch: sandbox, environment: ["TANGENT_IN_PROCESS": "1"])
        #expect(workers.status == 0, "\(workers.err)")
        #expect(inProcess.status == 0, "\(inProcess.err)")
        // Numbers, not text: a threaded LAPACK factorisation may round differently in the last
        // digit with another thread count, and `-j 2` gives a notebook that finishes last the
        // freed core.
        let values = { (out: String) -> [Double] in
            out.split(separator: "\n").filter {
                !$0.hasPrefix("---") && !$0.hasPrefix("===") && !$0.contains("notebooks")
            }
            .flatMap { $0.split(separator: " ").compactMap { Double($0) } }
        }
        let a = values(workers.out)
        let b = values(inProcess.out)
        #expect(a.count == 8 && b.count == 8)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12 * abs(y), "\(x) vs \(y)") }
    }
}
