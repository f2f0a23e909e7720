import Dispatch

/// Sums, minima and maxima of many entries, computed the way numpy computes them so that the
/// numbers agree to the bit, and fast enough for a 16-million-entry kernel.
///
/// numpy's `np.add.reduce` over a contiguous line of entries starts from 0 and adds, in order,
/// the sums of blocks of 8192 entries (its iterator's buffer); each block is summed pairwise
/// (`pairwise_sum` in numpy/_core/src/umath/loops_utils.h.src): below 8 entries one by one,
/// up to 128 entries in eight interleaved accumulators combined as
/// ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) and the rest added one by one, above
/// that the two halves (the first a multiple of 8) summed separately and added. The rounding
/// error grows like log n instead of n. `Tests/NTKCoreTests/ReductionTests` compares the
/// bits with numpy.
public enum EntrySums {
    /// numpy's reduction buffer, in entries.
    static let block = 8192
    /// Entries from which the blocks are summed on every core (each block still alone, and
    /// the block sums added in order afterwards: the same bits as one core).
    static let parallelFrom = 1 << 20

    /// The sum of `count` consecutive entries, as `np.sum` of them.
    public static func sum(_ base: UnsafePointer<Double>, count: Int) -> Double {
        let blocks = (count + block - 1) / block
        guard count >= parallelFrom else {
            var total = 0.0
            for b in 0..<blocks { total += pairwise(base + b * block, Swift.min(block, count - b * block)) }
            return total
        }
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks)
        defer { sums.deallocate() }
        let shared = SharedPointers(input: base, output: sums.baseAddress!)
        let workers = Swift.min(NetworkKernels.cores, blocks)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var b = w
            while b < blocks {
                shared.output[b] = pairwise(shared.input + b * block, Swift.min(block, count - b * block))
                b += workers
            }
        }
        var total = 0.0
        for s in sums { total += s }
        return total
    }

    /// The sum of an array's entries, as `np.sum` of it.
    public static func sum(_ v: [Double]) -> Double {
        v.isEmpty ? 0 : v.withUnsafeBufferPointer { sum($0.baseAddress!, count: v.count) }
    }

    /// numpy's `pairwise_sum` of `n` consecutive entries.
    static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var r = 0.0
            for i in 0..<n { r += a[i] }
            return r
        }
        if n <= 128 {
            var r = SIMD8<Double>(UnsafeBufferPointer(start: a, count: 8))
            var i = 8
            let whole = n - n % 8
            while i < whole {
                r += SIMD8<Double>(UnsafeBufferPointer(start: a + i, count: 8))
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[i]
                i += 1
            }
            return res
        }
        var half = n / 2
        half -= half % 8
        return pairwise(a, half) + pairwise(a + half, n - half)
    }

    /// The smallest (or largest) of `count` > 0 consecutive entries; nan if any is nan.
    public static func extremum(_ base: UnsafePointer<Double>, count: Int, largest: Bool) -> Double {
        precondition(count > 0, "EntrySums.extremum of no entries")
        guard count >= parallelFrom else { return scan(base, count, largest: largest) }
        let workers = NetworkKernels.cores
        let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: workers)
        defer { results.deallocate() }
        let shared = SharedPointers(input: base, output: results.baseAddress!)
        let share = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let start = Swift.min(w * share, count)
            let n = Swift.min(share, count - start)
            shared.output[w] = n > 0 ? scan(shared.input + start, n, largest: largest) : shared.input[0]
        }
        return scan(UnsafePointer(results.baseAddress!), workers, largest: largest)
    }

    /// One pass with eight lanes, remembering whether a nan went by.
    private static func scan(_ a: UnsafePointer<Double>, _ n: Int, largest: Bool) -> Double {
        var best = SIMD8<Double>(repeating: a[0])
        var nan = SIMDMask<SIMD8<Int64>>()
        var i = 0
        while i + 8 <= n {
            let v = SIMD8<Double>(UnsafeBufferPointer(start: a + i, count: 8))
            nan .|= v .!= v
            best = largest ? pointwiseMax(best, v) : pointwiseMin(best, v)
            i += 8
        }
        var result = largest ? best.max() : best.min()
        while i < n {
            let v = a[i]
            if v.isNaN { return .nan }
            result = largest ? Swift.max(result, v) : Swift.min(result, v)
            i += 1
        }
        return any(nan) || result.isNaN ? .nan : result
    }
}

/// The entries the workers of one `concurrentPerform` read, and the results they write at
/// disjoint places.
private struct SharedPointers: @unchecked Sendable {
    let input: UnsafePointer<Double>
    let output: UnsafeMutablePointer<Double>
}

extension Matrix {
    /// The sum of every entry, as `np.sum(A)`.
    public var entrySum: Double {
        isEmpty ? 0 : storage.withUnsafeBufferPointer { EntrySums.sum($0.baseAddress!, count: count) }
    }

    /// The sum of each row, as `np.sum(A, axis=1)`.
    public var rowSums: [Double] {
        guard !isEmpty else { return [Double](repeating: 0, count: rows) }
        return storage.withUnsafeBufferPointer { p in
            (0..<rows).map { i in EntrySums.sum(p.baseAddress! + i * cols, count: cols) }
        }
    }

    /// The sum of each column, as `np.sum(A, axis=0)`: row after row added to zeros, except
    /// that numpy sums a single column, whose entries lie next to each other, as one line.
    public var columnSums: [Double] {
        if cols == 1 { return [entrySum] }
        var sums = [Double](repeating: 0, count: cols)
        storage.withUnsafeBufferPointer { p in
            for i in 0..<rows { for j in 0..<cols { sums[j] += p[i * cols + j] } }
        }
        return sums
    }

    /// The smallest (or largest) entry of a non-empty matrix; nan if any entry is nan.
    public func extremeEntry(largest: Bool) -> Double {
        precondition(!isEmpty, "extremeEntry of an empty matrix")
        return storage.withUnsafeBufferPointer { EntrySums.extremum($0.baseAddress!, count: count, largest: largest) }
    }
}
