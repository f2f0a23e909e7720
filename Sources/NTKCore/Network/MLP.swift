/// The activation functions an `mlp` may use (neural-tangents stax layers).
public enum Activation: String, CaseIterable, Sendable {
    case relu, erf, identity, gelu, tanh
}

/// How a Dense layer scales its weights (docs/numerics.md#parameterizations).
public enum Parameterization: String, CaseIterable, Sendable {
    /// W, b ~ N(0, 1); z = (σ_w/√fan_in)·hW + σ_b·b.
    case ntk
    /// W ~ N(0, σ_w²/fan_in), b ~ N(0, σ_b²); z = hW + b.
    case standard
}

/// A fully connected network `Dense(n₁) → act → … → Dense(n_L) → act → Dense(out_dim)`:
/// neural-tangents' `stax.serial` of Dense and activation layers. It is only a description:
/// kernels, initialisation and training read it.
public struct MLP: Equatable, Sendable {
    /// Widths of the L hidden Dense layers (empty for depth 0).
    public var widths: [Int]
    public var activation: Activation
    public var wStd: Double
    /// Bias standard deviation of the hidden layers; nil means those layers have no bias.
    public var bStd: Double?
    public var wStdOut: Double
    /// Bias standard deviation of the read-out; nil means the read-out has no bias.
    public var bStdOut: Double?
    public var parameterization: Parameterization
    public var outDim: Int
    /// Gauss–Hermite degree used for `tanh` (neural-tangents `ElementwiseNumerical`).
    public var tanhDegree: Int

    public init(
        widths: [Int], activation: Activation = .relu, wStd: Double = 1, bStd: Double? = nil,
        wStdOut: Double? = nil, bStdOut: Double?? = .none,
        parameterization: Parameterization = .ntk, outDim: Int = 1, tanhDegree: Int = 25
    ) {
        self.widths = widths
        self.activation = activation
        self.wStd = wStd
        self.bStd = bStd
        self.wStdOut = wStdOut ?? wStd
        // `bStdOut` not given → same as bStd; given as `.some(nil)` → no read-out bias.
        switch bStdOut {
        case .none: self.bStdOut = bStd
        case .some(let v): self.bStdOut = v
        }
        self.parameterization = parameterization
        self.outDim = outDim
        self.tanhDegree = tanhDegree
    }

    /// Number of hidden layers L.
    public var depth: Int { widths.count }

    /// Weight std of Dense layer l (1-based; l = depth + 1 is the read-out).
    public func weightStd(layer l: Int) -> Double { l == depth + 1 ? wStdOut : wStd }
    /// Bias std of Dense layer l, or nil when that layer has no bias.
    public func biasStd(layer l: Int) -> Double? { l == depth + 1 ? bStdOut : bStd }
    /// Output width of Dense layer l.
    public func width(layer l: Int) -> Int { l == depth + 1 ? outDim : widths[l - 1] }
}
