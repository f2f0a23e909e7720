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
        // The convolution of the inputs' zero NTK is zero.
        var t = k.ntk.map { k.ntkIsZero ? [Double](repeating: 0, count: q.count) : unscaled($0, k, rows, cols) }
        k.ntkIsZero = false
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
        if cols.stride == 1 && !cols.wraps {
            // Stride 1 along the width without wrapping: for each filter offset, each output row
            // (y, x, y′, ·) adds a contiguous run of an input row (vectorised).
            q.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { out in
                    let q = q.baseAddress!
                    let out = out.baseAddress!
                    for kh in 0..<fh {
                        for y in 0..<outH {
                            let a = rows.source[y &* fh &+ kh]
                            if a < 0 { continue }
                            for y2 in 0..<outH {
                                let a2 = rows.source[y2 &* fh &+ kh]
                                if a2 < 0 { continue }
                                for kw in 0..<fw {
                                    let shift = kw - cols.before
                                    let lo = max(0, -shift)
                                    let hi = min(outW, w - shift)
                                    if lo >= hi { continue }
                                    for x in lo..<hi {
                                        let rowIndex: Int = a &* w &+ x &+ shift
                                        let src = q + (rowIndex &* positions &+ a2 &* w &+ shift)
                                        let dst = out + ((y &* outW &+ x) &* outP &+ y2 &* outW)
                                        for x2 in lo..<hi { dst[x2] += src[x2] }
                                    }
                                }
                            }
                        }
                    }
                    let inverse = 1 / size
                    for i in 0..<(outP &* outP) { out[i] *= inverse }
                }
            }
            return out
        }
        // The sum over height offsets of (row a, row a′) blocks, w × (w + 1): the extra column is
        // 0, where width offsets that read padding point (no branch in the inner loop).
        let stride = w + 1
        var block = [Double](repeating: 0, count: (w + 1) * stride)  // row w stays 0
        // Per width offset kw: the input column of output x (padding → the zero row), and of
        // output x′ (padding → the zero column).
        var rowColumn = [Int](repeating: w, count: fw * outW)
        var colColumn = [Int](repeating: w, count: fw * outW)
        for kw in 0..<fw {
            for x in 0..<outW {
                let b = cols.source[x * fw + kw]
                if b >= 0 {
                    rowColumn[kw * outW + x] = b
                    colColumn[kw * outW + x] = b
                }
            }
        }
        // NT's filter holds 1/|F| (a product, not a division: far cheaper per entry).
        let inverse = 1 / size
        q.withUnsafeBufferPointer { q in
            out.withUnsafeMutableBufferPointer { out in
                block.withUnsafeMutableBufferPointer { block in
                    rows.source.withUnsafeBufferPointer { rs in
                        rowColumn.withUnsafeBufferPointer { rc in
                            colColumn.withUnsafeBufferPointer { cc in
                                let q = q.baseAddress!
                                let block = block.baseAddress!
                                for y in 0..<outH {
                                    for y2 in 0..<outH {
                                        var any = false
                                        for kh in 0..<fh {
                                            let a = rs[y &* fh &+ kh]
                                            let a2 = rs[y2 &* fh &+ kh]
                                            if a < 0 || a2 < 0 { continue }
                                            for b in 0..<w {
                                                let rowIndex: Int = a &* w &+ b
                                                let src = q + (rowIndex &* positions &+ a2 &* w)
                                                let dst = block + b &* stride
                                                if any {
                                                    for b2 in 0..<w { dst[b2] += src[b2] }
                                                } else {
                                                    for b2 in 0..<w { dst[b2] = src[b2] }
                                                    dst[w] = 0
                                                }
                                            }
                                            any = true
                                        }
                                        if !any { continue }
                                        // Each sum in a register (no store-to-load stalls).
                                        for x in 0..<outW {
                                            let o = out.baseAddress! + ((y &* outW &+ x) &* outP &+ y2 &* outW)
                                            for x2 in 0..<outW {
                                                var sum = 0.0
                                                for kw in 0..<fw {
                                                    let k = kw &* outW
                                                    sum += block[rc[k &+ x] &* stride &+ cc[k &+ x2]]
                                                }
                                                o[x2] = sum * inverse
                                            }
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
