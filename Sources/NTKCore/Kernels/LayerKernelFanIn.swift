/// neural-tangents' fan-in layers on kernel states (NT `stax/branching.py`).
enum LayerKernelFanIn {
    /// `FanInSum`: the branches' NNGPs, NTKs and variances add up. NT requires every branch to
    /// be Gaussian (end in an affine layer) unless there is only one, and equal widths.
    static func sum(_ ks: inout [KernelState]) throws(KernelError) {
        guard var out = ks.first else { throw .refused(layer: "FanInSum", rule: "it has no inputs") }
        guard ks.count == 1 || ks.allSatisfy(\.isGaussian) else {
            throw .refused(
                layer: "FanInSum",
                rule:
                    "neural-tangents sums branches only when each ends in an affine layer (Dense, or Identity of one), so that all are mean-zero Gaussian; branches \(ks.enumerated().filter { !$0.element.isGaussian }.map { String($0.offset + 1) }.joined(separator: ", ")) end in a nonlinearity or Flatten"
            )
        }
        try sameWidths("FanInSum", ks)
        ks[0] = .empty  // `out` holds the only reference to the first branch's matrices
        for k in ks.dropFirst() {
            add(k.nngp.storage, to: &out.nngp.storage)
            if out.ntk != nil { add(k.ntk!.storage, to: &out.ntk!.storage) }
            for i in 0..<out.cov1.count { out.cov1[i] += k.cov1[i] }
            if out.cov2 != nil { for i in 0..<out.cov2!.count { out.cov2![i] += k.cov2![i] } }
        }
        ks = [out]
    }

    /// `FanInProd`: NNGPs and variances multiply; NTK by the product rule
    /// Θ ← Θ·K_b + K·Θ_b. The result is no longer Gaussian (unless one branch).
    static func product(_ ks: inout [KernelState]) throws(KernelError) {
        guard var out = ks.first else { throw .refused(layer: "FanInProd", rule: "it has no inputs") }
        let staysGaussian = ks.count == 1 && out.isGaussian
        try sameWidths("FanInProd", ks)
        ks[0] = .empty
        for k in ks.dropFirst() {
            if out.ntk != nil {
                var ntk = out.ntk!.storage
                out.ntk = nil  // `ntk` holds the only reference
                out.nngp.storage.withUnsafeBufferPointer { q in
                    k.nngp.storage.withUnsafeBufferPointer { kq in
                        k.ntk!.storage.withUnsafeBufferPointer { kt in
                            ntk.withUnsafeMutableBufferPointer { t in
                                for i in 0..<t.count { t[i] = t[i] * kq[i] + q[i] * kt[i] }
                            }
                        }
                    }
                }
                out.ntk = Matrix(rows: out.nngp.rows, cols: out.nngp.cols, storage: ntk)
            }
            k.nngp.storage.withUnsafeBufferPointer { kq in
                out.nngp.storage.withUnsafeMutableBufferPointer { q in
                    for i in 0..<q.count { q[i] *= kq[i] }
                }
            }
            for i in 0..<out.cov1.count { out.cov1[i] *= k.cov1[i] }
            if out.cov2 != nil { for i in 0..<out.cov2!.count { out.cov2![i] *= k.cov2![i] } }
        }
        out.isGaussian = staysGaussian
        ks = [out]
    }

    /// `FanInConcat(axis: -1)`: the branches' kernels averaged, weighted by their widths (plain
    /// mean when all widths are equal); not Gaussian.
    static func concat(_ ks: inout [KernelState]) throws(KernelError) {
        guard var out = ks.first else { throw .refused(layer: "FanInConcat", rule: "it has no inputs") }
        let widths = ks.allSatisfy({ $0.width == ks[0].width }) ? ks.map { _ in 1.0 } : ks.map { Double($0.width) }
        let total = widths.reduce(0, +)
        func mix(_ get: (KernelState) -> [Double]) -> [Double] {
            var acc = get(ks[0]).map { $0 * widths[0] }
            for (k, w) in zip(ks.dropFirst(), widths.dropFirst()) {
                let v = get(k)
                for i in 0..<acc.count { acc[i] += v[i] * w }
            }
            return acc.map { $0 / total }
        }
        out.nngp = Matrix(rows: out.nngp.rows, cols: out.nngp.cols, storage: mix { $0.nngp.storage })
        if out.ntk != nil {
            out.ntk = Matrix(rows: out.nngp.rows, cols: out.nngp.cols, storage: mix { $0.ntk!.storage })
        }
        out.cov1 = mix(\.cov1)
        if out.cov2 != nil { out.cov2 = mix { $0.cov2! } }
        out.isGaussian = false
        out.width = ks.reduce(0) { $0 + $1.width }
        ks = [out]
    }

    /// `sum[i] += term[i]`, through pointers (no per-entry bounds or uniqueness checks).
    private static func add(_ term: [Double], to sum: inout [Double]) {
        term.withUnsafeBufferPointer { t in
            sum.withUnsafeMutableBufferPointer { s in
                for i in 0..<s.count { s[i] += t[i] }
            }
        }
    }

    static func sameWidths(_ name: String, _ ks: [KernelState]) throws(KernelError) {
        guard ks.allSatisfy({ $0.width == ks[0].width }) else {
            throw .refused(
                layer: name,
                rule: "its inputs must have the same width, got \(ks.map { String($0.width) }.joined(separator: ", "))")
        }
    }
}
