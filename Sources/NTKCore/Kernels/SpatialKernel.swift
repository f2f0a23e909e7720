import Dispatch
import Synchronization
import TangentSupport

/// The analytic NNGP and NTK of a network on images (docs/language.md#images-and-convolutions),
/// following neural-tangents 0.6.5's `kernel_fn` layer by layer, but pair by pair: NT holds the
/// covariances of all n1·n2 pairs between all positions at once (n1·n2·(h·w)² numbers when the
/// network pools), where here each pair walks the network on its own (`SpatialKernelWalk`) on
/// one core, only its read-out number is stored, and the pairs are spread over all cores.
/// The per-position variances each pair needs (NT's `cov1`, `cov2`) come from one walk of each
/// image with itself, done first; those walks also throw NT's refusals before any pair.
enum SpatialKernel {
    /// K(X1, X2) (X2 nil: K(X1, X1)) for inputs that are images of `input`'s shape, one per row
    /// of X1 and X2 in NHWC order. The state holds every position pair when the network pools
    /// (AvgPool, GlobalAvgPool), only same-position entries otherwise, as NT decides.
    static func compute(
        _ net: Layer, _ x1: Matrix, _ x2: Matrix?, input: FeatureShape, _ which: KernelSelection
    ) throws(KernelError) -> KernelPair {
        if let x2, x2.cols != x1.cols { throw .inputWidthMismatch(x1.cols, x2.cols) }
        guard x1.cols == input.size else {
            throw .invalidNetwork("images of \(input) need \(input.size) columns per sample, got \(x1.cols)")
        }
        guard x1.isFinite, x2?.isFinite ?? true else { throw .notFinite }
        try LayerKernel.check(net)
        do { _ = try LayerShapes(net, input: input) } catch { throw .invalidNetwork(error.description) }
        let n1 = x1.rows
        let n2 = x2?.rows ?? n1
        let needed = estimatedBytes(net, n1: n1, n2: n2, input: input, which)
        let available = MemoryBudget.availableBytes(for: needed) ?? Int.max
        if needed > available || needed == Int.max { throw .tooLarge(neededBytes: needed, availableBytes: available) }

        let full = needsFullCovariance(net)
        let wantNTK = which.wantsNTK
        let parallel = isPure(net)
        let cancellation = Cancellation.current
        // The walk of each image with itself: its variances, and K(x, x).
        func own(_ x: Matrix) throws(KernelError) -> [Own] {
            guard x.rows > 0 else {
                // Still walk once (on a blank image), so that the refusals hold for no inputs.
                let blank = [Double](repeating: 0, count: input.size)
                _ = try blank.withUnsafeBufferPointer { b throws(KernelError) in
                    try selfWalk(net, b.baseAddress!, input, full: full, wantNTK: wantNTK)
                }
                return []
            }
            var result = [Own?](repeating: nil, count: x.rows)
            var failure: KernelError?
            try x.storage.withUnsafeBufferPointer { xs throws(KernelError) in
                let base = xs.baseAddress!
                result[0] = try selfWalk(net, base, input, full: full, wantNTK: wantNTK)  // refusals first
                result.withUnsafeMutableBufferPointer { out in
                    let out = UnsafeSendable(out.baseAddress!)
                    let shared = UnsafeSendable(base)
                    var errors = [KernelError?](repeating: nil, count: x.rows)
                    errors.withUnsafeMutableBufferPointer { e in
                        let e = UnsafeSendable(e.baseAddress!)
                        run(x.rows - 1, parallel: parallel) { i in
                            do throws(KernelError) {
                                out.value[i + 1] = try selfWalk(
                                    net, shared.value + (i + 1) * input.size, input, full: full, wantNTK: wantNTK)
                            } catch { e.value[i + 1] = error }
                        }
                    }
                    failure = errors.compactMap { $0 }.first
                }
            }
            if let failure { throw failure }
            return result.map { $0! }
        }
        let side1 = try own(x1)
        let side2 = x2 == nil ? side1 : try own(x2!)

        var nngp = [Double](repeating: 0, count: n1 * n2)
        var ntk = [Double](repeating: 0, count: wantNTK ? n1 * n2 : 0)
        // K(X, X) of maps symmetric in (x, x′): the upper triangle, mirrored, and the diagonal
        // from the walks of each image with itself.
        let symmetric = x2 == nil && TiledKernel.isSymmetric(net)
        if symmetric {
            for i in 0..<n1 {
                nngp[i * n1 + i] = side1[i].nngp
                if wantNTK { ntk[i * n1 + i] = side1[i].ntk }
            }
        }
        let rowsStart: [Int] = {
            // Pairs of row i start at rowsStart[i] (upper triangle without the diagonal when symmetric).
            var s = [0]
            for i in 0..<n1 { s.append(s[i] + (symmetric ? n1 - 1 - i : n2)) }
            return s
        }()
        let pairs = rowsStart[n1]
        // Pairs walked so far, for the progress line of a long kernel (every 32 pairs a chunk
        // adds what it did and reports the total).
        let progress = ProgressReporter.current
        let walked = PairCount()
        var failure: KernelError?
        let slots = max(NetworkKernels.cores * 8, 1)
        var errors = [KernelError?](repeating: nil, count: slots)
        x1.storage.withUnsafeBufferPointer { a in
            (x2 ?? x1).storage.withUnsafeBufferPointer { b in
                nngp.withUnsafeMutableBufferPointer { q in
                    ntk.withUnsafeMutableBufferPointer { t in
                        errors.withUnsafeMutableBufferPointer { e in
                            let a = UnsafeSendable(a.baseAddress!)
                            let b = UnsafeSendable(b.baseAddress!)
                            let q = UnsafeSendable(q.baseAddress!)
                            let t = UnsafeSendable(t.baseAddress)
                            let e = UnsafeSendable(e.baseAddress!)
                            let chunks = min(slots, max(pairs, 1))
                            run(chunks, parallel: parallel) { chunk in
                                let range = (chunk * pairs / chunks)..<((chunk + 1) * pairs / chunks)
                                guard !range.isEmpty else { return }
                                // The row of the chunk's first pair.
                                var i = 0
                                var lo = 0
                                var hi = n1
                                while lo < hi {
                                    let mid = (lo + hi) / 2
                                    if rowsStart[mid + 1] <= range.lowerBound { lo = mid + 1 } else { hi = mid }
                                }
                                i = lo
                                var unreported = 0
                                defer {
                                    if let progress, unreported > 0 { progress.pair(walked.add(unreported), of: pairs) }
                                }
                                for k in range {
                                    while rowsStart[i + 1] <= k { i += 1 }
                                    let j = symmetric ? i + 1 + (k - rowsStart[i]) : k - rowsStart[i]
                                    if k & 31 == 0 {
                                        if cancellation?.isDue == true { return }
                                        if let progress, unreported > 0 {
                                            progress.pair(walked.add(unreported), of: pairs)
                                            unreported = 0
                                        }
                                    }
                                    unreported += 1
                                    do throws(KernelError) {
                                        let r = try pairWalk(
                                            net, a.value + i * input.size, b.value + j * input.size, input,
                                            side1[i].variances, side2[j].variances, full: full, wantNTK: wantNTK)
                                        q.value[i * n2 + j] = r.nngp
                                        if wantNTK { t.value![i * n2 + j] = r.ntk }
                                        if symmetric {
                                            q.value[j * n2 + i] = r.nngp
                                            if wantNTK { t.value![j * n2 + i] = r.ntk }
                                        }
                                    } catch {
                                        e.value[chunk] = error
                                        return
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        failure = errors.compactMap { $0 }.first
        if cancellation?.stopped == true { throw .cancelled }
        if let failure { throw failure }
        guard nngp.allSatisfy(\.isFinite), ntk.allSatisfy(\.isFinite) else { throw .overflow }
        return KernelPair(
            nngp: Matrix(rows: n1, cols: n2, storage: nngp),
            ntk: wantNTK ? Matrix(rows: n1, cols: n2, storage: ntk) : Matrix(rows: 0, cols: 0))
    }

    /// One image walked with itself: the variances its pairs read, and its K(x, x).
    struct Own: Sendable {
        var variances: [[Double]]
        var nngp: Double
        var ntk: Double
    }

    static func selfWalk(
        _ net: Layer, _ x: UnsafePointer<Double>, _ input: FeatureShape, full: Bool, wantNTK: Bool
    ) throws(KernelError) -> Own {
        var states = [SpatialKernelState.input(x, x, shape: input, full: full, wantNTK: wantNTK)]
        var sides = SpatialSides.recorder
        try SpatialKernelWalk.walk(net, &states, &sides)
        let out = try readOut(states)
        return Own(variances: sides.recorded, nngp: out.nngp, ntk: out.ntk)
    }

    static func pairWalk(
        _ net: Layer, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ input: FeatureShape,
        _ v1: [[Double]], _ v2: [[Double]], full: Bool, wantNTK: Bool
    ) throws(KernelError) -> (nngp: Double, ntk: Double) {
        var states = [SpatialKernelState.input(a, b, shape: input, full: full, wantNTK: wantNTK)]
        var sides = SpatialSides.pair(v1, v2)
        try SpatialKernelWalk.walk(net, &states, &sides)
        return try readOut(states)
    }

    private static func readOut(_ states: [SpatialKernelState]) throws(KernelError) -> (nngp: Double, ntk: Double) {
        guard states.count == 1 else {
            throw .refused(
                layer: "the network",
                rule:
                    "it ends with \(states.count) branches; join them with FanInSum(), FanInProd() or FanInConcat()")
        }
        let s = states[0]
        guard !s.isSpatial, s.nngp.count == 1 else {
            throw .invalidNetwork(
                "the network's output still has spatial axes; put Flatten() or GlobalAvgPool() before the read-out")
        }
        return (s.nngp[0], s.ntk?[0] ?? 0)
    }

    /// Runs `body(0..<count)`, spread over the cores when `parallel` (work items are independent).
    private static func run(_ count: Int, parallel: Bool, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        guard parallel, count > 1, NetworkKernels.cores > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        BLASThreads.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: count) { body($0) }
        }
    }

    /// NT keeps the whole spatial covariance when a layer pools it (`Diagonal(input: MAYBE)` of
    /// AvgPool and GlobalAvgPool composes to "not diagonal"); otherwise the same-position entries.
    static func needsFullCovariance(_ net: Layer) -> Bool {
        switch net {
        case .serial(let ls), .parallel(let ls): return ls.contains(where: needsFullCovariance)
        case .avgPool, .globalAvgPool: return true
        default: return false
        }
    }

    /// Whether every activation may run on worker threads (user functions may not).
    static func isPure(_ net: Layer) -> Bool {
        switch net {
        case .serial(let ls), .parallel(let ls): return ls.allSatisfy(isPure)
        case .activation(let a): return a.rule.isPure
        default: return true
        }
    }

    /// The working set of `compute` (saturates): the two n1×n2 outputs, on each core one pair's
    /// covariances for every branch alive at once plus a layer's new ones ((h·w)² numbers per
    /// kernel when the network pools, h·w otherwise), and each image's recorded variances.
    static func estimatedBytes(
        _ net: Layer, n1: Int, n2: Int, input: FeatureShape, _ which: KernelSelection = .both
    ) -> Int {
        func copies(_ l: Layer) -> Int {
            switch l {
            case .serial(let ls), .parallel(let ls): return ls.reduce(0) { $0 + copies($1) }
            case .fanOut(let n): return n
            default: return 0
            }
        }
        func maps(_ l: Layer) -> Int {
            switch l {
            case .serial(let ls), .parallel(let ls): return ls.reduce(0) { $0 + maps($1) }
            case .activation, .layerNorm: return 1
            default: return 0
            }
        }
        let kernels = Double(which.matrixCount)
        let positions = Double(input.positions)
        let entries = needsFullCovariance(net) ? positions * positions : positions
        let perPair = 8 * entries * kernels * Double(copies(net) + 3)
        let outputs = 8 * Double(n1) * Double(n2) * kernels
        let sides = 8 * Double(n1 + n2) * Double(maps(net)) * positions
        let total = outputs + Double(NetworkKernels.cores) * perPair + sides
        return total >= Double(Int.max) ? Int.max : Int(total)
    }
}

/// A pointer shared with Dispatch's worker threads, which touch disjoint parts of it.
private struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The pairs of images an image kernel's workers have walked so far.
private final class PairCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds `n` and returns the new total.
    func add(_ n: Int) -> Int { value.wrappingAdd(n, ordering: .relaxed).newValue }
}
