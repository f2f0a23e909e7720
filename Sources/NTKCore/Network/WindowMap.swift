/// Which input position each offset of each sliding window reads, for a Conv filter or an
/// AvgPool window over one sample's h×w positions, as `lax.conv_general_dilated` and
/// `lax.reduce_window` place them: output position (oy, ox) and window offset (dy, dx) read row
/// oy·s_h + dy − pad_top, column ox·s_w + dx − pad_left; outside the image that is a zero
/// (`VALID` never goes outside, `SAME` pads with zeros) or, with `CIRCULAR`, the position
/// wrapped around the torus (NT pads by wrapping with `SAME`'s amounts, then convolves `VALID`).
/// Built once per layer and pass, so im2col, col2im and pooling are copies driven by a table,
/// not index arithmetic in their inner loops.
struct WindowMap {
    /// Input and output positions per sample (h·w and oh·ow), and offsets per window (fh·fw).
    let inputPositions: Int
    let outputPositions: Int
    let windowSize: Int
    let outputHeight: Int
    let outputWidth: Int
    /// outputPositions × windowSize, row-major: the input position (y·w + x) read, or −1 for a zero.
    let source: [Int]

    /// nil when a `VALID` window does not fit (LayerShapes refuses such networks first).
    init?(
        height: Int, width: Int, windowHeight fh: Int, windowWidth fw: Int, strideHeight sh: Int,
        strideWidth sw: Int, padding: Padding
    ) {
        guard let oh = padding.outputLength(height, window: fh, stride: sh),
            let ow = padding.outputLength(width, window: fw, stride: sw)
        else { return nil }
        let top = padding.pads(height, window: fh, stride: sh).before
        let left = padding.pads(width, window: fw, stride: sw).before
        func wrap(_ i: Int, _ n: Int) -> Int { ((i % n) + n) % n }
        var source = [Int](repeating: -1, count: oh * ow * fh * fw)
        for oy in 0..<oh {
            for ox in 0..<ow {
                let base = (oy * ow + ox) * fh * fw
                for dy in 0..<fh {
                    for dx in 0..<fw {
                        var y = oy * sh + dy - top
                        var x = ox * sw + dx - left
                        if padding == .circular {
                            y = wrap(y, height)
                            x = wrap(x, width)
                        }
                        guard y >= 0, y < height, x >= 0, x < width else { continue }
                        source[base + dy * fw + dx] = y * width + x
                    }
                }
            }
        }
        self.inputPositions = height * width
        self.outputPositions = oh * ow
        self.windowSize = fh * fw
        self.outputHeight = oh
        self.outputWidth = ow
        self.source = source
    }

    /// im2col: the (n·oh·ow) × (fh·fw·c) patch matrix of `x`, (n·h·w) × c; row a·oh·ow + o holds
    /// window o of sample a with columns in HWI order (offset (dy, dx), then channel), the rows
    /// of a Conv weight listed as (fh·fw·c_in) × c_out.
    func patches(_ x: Matrix, samples n: Int) -> Matrix {
        let c = x.cols
        let width = windowSize * c
        return walk(x, outputRows: n * outputPositions, cols: width, samples: n, channels: c) {
            xBase, oBase, a, o, reads in
            let sample = xBase + a * inputPositions * c
            let row = oBase + (a * outputPositions + o) * width
            for k in 0..<reads.count where reads[k] >= 0 {
                (row + k * c).update(from: sample + reads[k] * c, count: c)
            }
        }
    }

    /// col2im, the adjoint of `patches`: the (n·h·w) × c sum, into every input position, of the
    /// patch entries that read it.
    func scatter(_ patches: Matrix, samples n: Int, channels c: Int) -> Matrix {
        let width = windowSize * c
        return walk(patches, outputRows: n * inputPositions, cols: c, samples: n, channels: c) {
            pBase, oBase, a, o, reads in
            let sample = oBase + a * inputPositions * c
            let row = pBase + (a * outputPositions + o) * width
            for k in 0..<reads.count where reads[k] >= 0 {
                let to = sample + reads[k] * c
                let from = row + k * c
                for j in 0..<c { to[j] += from[j] }
            }
        }
    }

    /// The window sums of `x` ((n·h·w) × c), each times `scale`: (n·oh·ow) × c.
    func windowSums(_ x: Matrix, samples n: Int, scale: Double) -> Matrix {
        let c = x.cols
        return walk(x, outputRows: n * outputPositions, cols: c, samples: n, channels: c) {
            xBase, oBase, a, o, reads in
            let sample = xBase + a * inputPositions * c
            let row = oBase + (a * outputPositions + o) * c
            for k in 0..<reads.count where reads[k] >= 0 {
                let from = sample + reads[k] * c
                for j in 0..<c { row[j] += from[j] }
            }
            for j in 0..<c { row[j] *= scale }
        }
    }

    /// The adjoint of `windowSums`: each output row's cotangent, times `scale`, added into every
    /// input position its window read.
    func spreadWindows(_ g: Matrix, samples n: Int, scale: Double) -> Matrix {
        let c = g.cols
        return walk(g, outputRows: n * inputPositions, cols: c, samples: n, channels: c) {
            gBase, oBase, a, o, reads in
            let sample = oBase + a * inputPositions * c
            let from = gBase + (a * outputPositions + o) * c
            for k in 0..<reads.count where reads[k] >= 0 {
                let to = sample + reads[k] * c
                for j in 0..<c { to[j] += scale * from[j] }
            }
        }
    }

    /// The loop the four copies above share: a zero `outputRows` × `cols` result, the samples
    /// split across cores (each sample's rows of `input` and of the result are its own), and
    /// `body(input, result, a, o, reads)` for every sample a and output position o in order,
    /// `reads` being the input positions of o's window (−1 for a zero) from `source`.
    @inline(__always)
    private func walk(
        _ input: Matrix, outputRows: Int, cols: Int, samples n: Int, channels c: Int,
        _ body: (
            _ input: UnsafePointer<Double>, _ result: UnsafeMutablePointer<Double>, _ sample: Int, _ output: Int,
            _ reads: UnsafeBufferPointer<Int>
        ) -> Void
    ) -> Matrix {
        var out = Matrix(rows: outputRows, cols: cols)
        let (outputs, window) = (outputPositions, windowSize)
        source.withUnsafeBufferPointer { table in
            input.storage.withUnsafeBufferPointer { ip in
                out.storage.withUnsafeMutableBufferPointer { op in
                    guard let iBase = ip.baseAddress, let oBase = op.baseAddress, let tBase = table.baseAddress
                    else { return }
                    NetworkKernels.parallelFor(n, grain: max(1, 16_384 / max(1, outputs * window * c))) { range in
                        for a in range {
                            for o in 0..<outputs {
                                body(iBase, oBase, a, o, UnsafeBufferPointer(start: tBase + o * window, count: window))
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
