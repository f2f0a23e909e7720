/// NT `Conv.kernel_fn` on one pair's `SpatialKernelState`: the input covariance averaged over
/// the filter offsets (`_conv_kernel_full_spatial_shared` when the state is full: the same
/// offset on both sides of every (p, p′); `_conv_kernel_diagonal_spatial` otherwise), with
/// NT's padding conventions (`SpatialWindows`), then the affine map of a Dense layer whose
/// fan_in is fh·fw·c_in.
enum ConvKernel {
    static func apply(_ c: ConvLayer, _ k: inout SpatialKernelState) {
        guard
            let rows = SpatialWindows(
                size: k.height, window: c.filterHeight, stride: c.strideHeight, padding: c.padding),
            let cols = SpatialWindows(size: k.width, window: c.filterWidth, stride: c.strideWidth, padding: c.padding)
        else { return }  // LayerShapes refused it before any walk
        let d = c.affine
        let w2 = d.wStd * d.wStd
        let b2 = d.bStd.map { $0 * $0 }
        var q = unscaled(k.nngp, k, rows, cols)
        var t = k.ntk.map { unscaled($0, k, rows, cols) }
        k.nngp = []
        k.ntk = nil
        let fanIn = Double(k.channels * c.filterHeight * c.filterWidth)
        q.withUnsafeMutableBufferPointer { q in
            switch d.parameterization {
            case .ntk:
                for i in 0..<q.count { q[i] = w2 * q[i] + (b2 ?? 0) }
                if t != nil {
                    t!.withUnsafeMutableBufferPointer { t in
                        for i in 0..<t.count { t[i] = w2 * t[i] + q[i] }
                    }
                }
            case .standard:
                if t != nil {
                    let one = b2 == nil ? 0.0 : 1.0
                    t!.withUnsafeMutableBufferPointer { t in
                        for i in 0..<t.count { t[i] = fanIn * q[i] + w2 * t[i] + one }
                    }
                }
                for i in 0..<q.count { q[i] = w2 * q[i] + (b2 ?? 0) }
            }
        }
        k.nngp = q
        k.ntk = t
        k.height = rows.count
        k.width = cols.count
        k.channels = d.outDim
        k.isGaussian = true
    }

    /// The covariance of the convolution's outputs with unit weights and no bias (NT's
    /// `conv_unscaled`): out(p, p′) = Σ_offsets q(p + o, p′ + o) / (fh·fw), zero padding read as 0.
    static func unscaled(
        _ q: [Double], _ k: SpatialKernelState, _ rows: SpatialWindows, _ cols: SpatialWindows
    ) -> [Double] {
        let w = k.width
        let positions = k.positions
        let outH = rows.count
        let outW = cols.count
        let fh = rows.window
        let fw = cols.window
        let size = Double(fh * fw)
        guard k.full else {
            var out = [Double](repeating: 0, count: outH * outW)
            for y in 0..<outH {
                for x in 0..<outW {
                    var s = 0.0
                    for kh in 0..<fh {
                        let a = rows.source[y &* fh &+ kh]
                        if a < 0 { continue }
                        for kw in 0..<fw {
                            let b = cols.source[x &* fw &+ kw]
                            if b >= 0 { s += q[a &* w &+ b] }
                        }
                    }
                    out[y &* outW &+ x] = s / size
                }
            }
            return out
        }
        let outP = outH * outW
        var out = [Double](repeating: 0, count: outP * outP)
        var block = [Double](repeating: 0, count: w * w)
        q.withUnsafeBufferPointer { q in
            out.withUnsafeMutableBufferPointer { out in
                block.withUnsafeMutableBufferPointer { block in
                    rows.source.withUnsafeBufferPointer { rs in
                        cols.source.withUnsafeBufferPointer { cs in
                            for y in 0..<outH {
                                for y2 in 0..<outH {
                                    // Σ over the height offsets of the w×w blocks of (row a, row a′).
                                    var any = false
                                    for kh in 0..<fh {
                                        let a = rs[y &* fh &+ kh]
                                        let a2 = rs[y2 &* fh &+ kh]
                                        if a < 0 || a2 < 0 { continue }
                                        for b in 0..<w {
                                            let rowIndex: Int = a &* w &+ b
                                            let offset: Int = rowIndex &* positions &+ a2 &* w
                                            let src = q.baseAddress! + offset
                                            let dst = block.baseAddress! + b &* w
                                            if any {
                                                for b2 in 0..<w { dst[b2] += src[b2] }
                                            } else {
                                                for b2 in 0..<w { dst[b2] = src[b2] }
                                            }
                                        }
                                        any = true
                                    }
                                    if !any { continue }
                                    // Then over the width offsets.
                                    for x in 0..<outW {
                                        let row = (y &* outW &+ x) &* outP &+ y2 &* outW
                                        for x2 in 0..<outW {
                                            var s = 0.0
                                            for kw in 0..<fw {
                                                let b = cs[x &* fw &+ kw]
                                                let b2 = cs[x2 &* fw &+ kw]
                                                if b >= 0 && b2 >= 0 { s += block[b &* w &+ b2] }
                                            }
                                            out[row &+ x2] = s / size
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
