/// The input positions a convolution filter or pooling window reads along one axis, with NT's
/// padding conventions: `VALID` reads only inside the image, `SAME` pads with zeros as XLA
/// splits the padding (`Padding.pads`), `CIRCULAR` pads by wrapping around with the amounts of
/// `SAME` (NT's `_same_pad_for_filter_shape`, numpy's `wrap`) and then convolves `VALID`.
struct SpatialWindows {
    /// Output positions along the axis.
    let count: Int
    /// Window (filter) length.
    let window: Int
    /// `source[o·window + k]`: the input index that window offset k of output o reads, or −1
    /// where it reads zero padding.
    let source: [Int]
    /// The stride, and the padding before the first input (what `source` was made from).
    let stride: Int
    let before: Int
    /// Whether the windows wrap around the image (`CIRCULAR`).
    let wraps: Bool

    /// nil when a `VALID` window does not fit.
    init?(size: Int, window: Int, stride: Int, padding: Padding) {
        guard let count = padding.outputLength(size, window: window, stride: stride) else { return nil }
        let before = padding.pads(size, window: window, stride: stride).before
        var source = [Int](repeating: -1, count: count * window)
        for o in 0..<count {
            for k in 0..<window {
                let t = o * stride + k - before
                if padding == .circular {
                    source[o * window + k] = ((t % size) + size) % size
                } else if t >= 0 && t < size {
                    source[o * window + k] = t
                }
            }
        }
        self.count = count
        self.window = window
        self.source = source
        self.stride = stride
        self.before = before
        self.wraps = padding == .circular
    }
}
