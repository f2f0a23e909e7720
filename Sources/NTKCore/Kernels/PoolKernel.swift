/// NT's pooling and read-out layers on one pair's `SpatialKernelState`: `AvgPool` (the mean
/// over each window on both sides, divided by the full window even where it reads `SAME`
/// padding), `GlobalAvgPool` (the mean of the whole spatial covariance) and `Flatten` (the
/// mean of its diagonal: the spatial cross terms of a flattened infinite-width layer vanish).
enum PoolKernel {
    /// `AvgPool`: out(o, o′) = Σ_{p ∈ window(o), p′ ∈ window(o′)} q(p, p′) / window²; on a
    /// same-position state (never made by `SpatialKernel`, kept for completeness) the window
    /// mean of q(p, p).
    static func average(_ pool: PoolLayer, _ k: inout SpatialKernelState) {
        guard
            let rows = SpatialWindows(
                size: k.height, window: pool.windowHeight, stride: pool.strideHeight, padding: pool.padding),
            let cols = SpatialWindows(
                size: k.width, window: pool.windowWidth, stride: pool.strideWidth, padding: pool.padding)
        else { return }  // LayerShapes refused it before any walk
        let outP = rows.count * cols.count
        // The input positions of each output's window (repeated where CIRCULAR wraps twice).
        var windows: [[Int]] = []
        for y in 0..<rows.count {
            for x in 0..<cols.count {
                var ps: [Int] = []
                for kh in 0..<rows.window {
                    let a = rows.source[y * rows.window + kh]
                    if a < 0 { continue }
                    for kw in 0..<cols.window {
                        let b = cols.source[x * cols.window + kw]
                        if b >= 0 { ps.append(a * k.width + b) }
                    }
                }
                windows.append(ps)
            }
        }
        let size = Double(rows.window * cols.window)
        let positions = k.positions
        func pooled(_ q: [Double]) -> [Double] {
            guard k.full else {
                return windows.map { ps in ps.reduce(0.0) { $0 + q[$1] } / size }
            }
            // Rows, then columns: t = R·q, out = t·Rᵀ, R the (sparse) window-mean matrix.
            var t = [Double](repeating: 0, count: outP * positions)
            for (o, ps) in windows.enumerated() {
                for p in ps {
                    for j in 0..<positions { t[o &* positions &+ j] += q[p &* positions &+ j] }
                }
            }
            var out = [Double](repeating: 0, count: outP * outP)
            for i in 0..<outP {
                for (o2, ps) in windows.enumerated() {
                    var s = 0.0
                    for p in ps { s += t[i &* positions &+ p] }
                    out[i &* outP &+ o2] = s / (size * size)
                }
            }
            return out
        }
        k.nngp = pooled(k.nngp)
        k.ntk = k.ntk.map(pooled)
        k.height = rows.count
        k.width = cols.count
    }

    /// `GlobalAvgPool`: the mean over all position pairs (NT's `mean` over the spatial axes; on a
    /// same-position state NT divides its mean by h·w once more).
    static func global(_ k: inout SpatialKernelState) {
        guard k.isSpatial else { return }
        let positions = Double(k.positions)
        func mean(_ q: [Double]) -> [Double] {
            // Four running sums (no dependency chain through all (h·w)² entries).
            var part = (0.0, 0.0, 0.0, 0.0)
            var i = 0
            while i + 4 <= q.count {
                part.0 += q[i]
                part.1 += q[i + 1]
                part.2 += q[i + 2]
                part.3 += q[i + 3]
                i += 4
            }
            while i < q.count {
                part.0 += q[i]
                i += 1
            }
            let s = (part.0 + part.1) + (part.2 + part.3)
            return [k.full ? s / Double(q.count) : s / positions / positions]
        }
        k.nngp = mean(k.nngp)
        k.ntk = k.ntk.map(mean)
        k.isSpatial = false
        k.full = false
        k.height = 1
        k.width = 1
    }

    /// `Flatten`: the mean of the same-position entries; the result is not Gaussian (NT).
    static func flatten(_ k: inout SpatialKernelState) {
        if k.isSpatial {
            let n = k.positions
            let full = k.full
            func trace(_ q: [Double]) -> [Double] {
                var s = 0.0
                for p in 0..<n { s += full ? q[p &* n &+ p] : q[p] }
                return [s / Double(n)]
            }
            k.nngp = trace(k.nngp)
            k.ntk = k.ntk.map(trace)
            k.channels *= n
            k.isSpatial = false
            k.full = false
            k.height = 1
            k.width = 1
        }
        k.isGaussian = false
    }
}
