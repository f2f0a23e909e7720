/// One `stax.Dense(out_dim, W_std, b_std, parameterization)` layer: what the kernel
/// recursion, the initialisation and the forward pass read (docs/numerics.md#parameterizations,
/// docs/numerics.md#layer-recursion).
public struct DenseLayer: Equatable, Sendable {
    public var outDim: Int
    public var wStd: Double
    /// nil: the layer has no bias parameter.
    public var bStd: Double?
    public var parameterization: Parameterization

    public init(outDim: Int, wStd: Double = 1, bStd: Double? = nil, parameterization: Parameterization = .ntk) {
        self.outDim = outDim
        self.wStd = wStd
        self.bStd = bStd
        self.parameterization = parameterization
    }

    /// The multipliers s (weights) and t (bias) of the forward pass z = s·hW + t·b.
    func coefficients(fanIn: Int) -> (weight: Double, bias: Double) {
        switch parameterization {
        case .ntk: return (wStd / Double(fanIn).squareRoot(), bStd ?? 0)
        case .standard: return (1, 1)
        }
    }
}
