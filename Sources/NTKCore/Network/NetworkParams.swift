/// The trainable parameters of an `MLP`: one weight matrix (fan_in × fan_out) per Dense layer
/// and, for layers that have a bias, a 1 × fan_out bias row (nil for layers without one).
public struct NetworkParams: Equatable, Sendable {
    public var weights: [Matrix]
    public var biases: [Matrix?]

    public init(weights: [Matrix], biases: [Matrix?]) {
        self.weights = weights
        self.biases = biases
    }
}
