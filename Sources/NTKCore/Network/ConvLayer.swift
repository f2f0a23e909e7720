/// How a convolution or pooling window treats the image's edges (`stax.Padding`).
public enum Padding: String, CaseIterable, Equatable, Sendable {
    /// Only windows that fit inside the image: out = ⌈(in − f + 1)/s⌉.
    case valid = "VALID"
    /// Zero padding so that out = ⌈in/s⌉, split as XLA splits it (the extra row at the end).
    case same = "SAME"
    /// Wrap-around padding (a torus): the output size of `SAME`.
    case circular = "CIRCULAR"

    /// The output length along one axis of `size` with a window `window` and stride `stride`
    /// (nil when a `VALID` window does not fit).
    public func outputLength(_ size: Int, window: Int, stride: Int) -> Int? {
        switch self {
        case .valid:
            guard size >= window else { return nil }
            return (size - window) / stride + 1
        case .same, .circular:
            return (size + stride - 1) / stride
        }
    }

    /// Padding before and after along one axis, as XLA's `SAME` computes it (lax.padtype_to_pads):
    /// the total is max((out − 1)·s + f − in, 0), the smaller half first. Zero for `VALID`.
    public func pads(_ size: Int, window: Int, stride: Int) -> (before: Int, after: Int) {
        guard self != .valid, let out = outputLength(size, window: window, stride: stride) else { return (0, 0) }
        let total = max((out - 1) * stride + window - size, 0)
        return (total / 2, total - total / 2)
    }
}

/// One `stax.Conv(out_chan, filter_shape, strides, padding, W_std, b_std, parameterization)`
/// over NHWC images (docs/language.md#images-and-convolutions). Its parameters are those of a
/// Dense layer whose fan_in is fh·fw·c_in: the weight is listed as a (fh·fw·c_in)×c_out matrix
/// with rows in HWI order, numpy's `standard_normal((fh·fw·c_in, c_out))`, so `affine` carries
/// out_chan, W_std, b_std and the parameterization and every parameter walk treats it as one.
public struct ConvLayer: Equatable, Sendable {
    /// out_dim is out_chan.
    public var affine: DenseLayer
    public var filterHeight: Int
    public var filterWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padding: Padding

    public init(
        affine: DenseLayer, filterHeight: Int, filterWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
        padding: Padding = .valid
    ) {
        self.affine = affine
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padding = padding
    }

    /// The output's height and width for an input of `height`×`width` (nil: the filter does not fit).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        guard let h = padding.outputLength(height, window: filterHeight, stride: strideHeight),
            let w = padding.outputLength(width, window: filterWidth, stride: strideWidth)
        else { return nil }
        return (h, w)
    }
}

/// One `stax.AvgPool(window_shape, strides, padding)`: the mean over each window, per channel.
/// With `SAME` padding the sum is divided by the full window at the edges too (NT's
/// `normalize_edges=False`).
public struct PoolLayer: Equatable, Sendable {
    public var windowHeight: Int
    public var windowWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padding: Padding

    public init(
        windowHeight: Int, windowWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1, padding: Padding = .valid
    ) {
        self.windowHeight = windowHeight
        self.windowWidth = windowWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padding = padding
    }

    /// The output's height and width for an input of `height`×`width` (nil: the window does not fit).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        guard let h = padding.outputLength(height, window: windowHeight, stride: strideHeight),
            let w = padding.outputLength(width, window: windowWidth, stride: strideWidth)
        else { return nil }
        return (h, w)
    }
}
