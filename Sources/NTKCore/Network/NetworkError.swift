/// Why parameters, inputs or a training run do not fit an `MLP`.
///
/// Layers are numbered from 1 (the first Dense layer) to depth + 1 (the read-out), and
/// shapes are written `rows×cols`. `description` is a message for a user.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    /// The parameters hold `got` weight matrices (or bias slots) where the network has `expected` layers.
    case layerCount(expected: Int, got: Int)
    /// The weight matrix of `layer` has the wrong shape.
    case weightShape(layer: Int, expected: String, got: String)
    /// The bias of `layer` has the wrong shape.
    case biasShape(layer: Int, expected: String, got: String)
    /// `layer` has a bias in the network (its b_std is not nil) but none in the parameters.
    case missingBias(layer: Int)
    /// `layer` has no bias in the network (b_std = nil) but the parameters carry one.
    case unexpectedBias(layer: Int)
    /// The inputs have `got` columns where the parameters expect `expected`.
    case inputWidth(expected: Int, got: Int)
    /// A layer (or the input) would have a width below 1.
    case invalidWidth(layer: Int, width: Int)
    /// The targets do not have one row per input and one column per output.
    case targetShape(expected: String, got: String)
    /// The named matrix holds NaN or infinity.
    case notFinite(String)
    /// A training step produced a non-finite loss (`step` 0 is the loss before any update).
    case divergedAt(step: Int, loss: Double)
    /// The learning rate is negative, NaN or infinite.
    case invalidLearningRate(Double)
    /// The number of training steps is negative.
    case invalidStepCount(Int)
    /// Training needs at least one input row.
    case noInputs
    /// A heavy-ball momentum outside [0, 1) (or not finite).
    case invalidMomentum(Double)
    /// A minibatch size outside 1 … rows.
    case invalidBatchSize(Int, rows: Int)
    /// A record interval below 1.
    case invalidRecordInterval(Int)
    /// The layers do not fit together (branch counts, widths); the string says where.
    case structure(String)

    public var description: String {
        switch self {
        case .layerCount(let e, let g):
            return "the network has \(e) Dense layer\(e == 1 ? "" : "s") but the parameters have \(g)"
        case .weightShape(let l, let e, let g):
            return "layer \(l): the weight matrix must be \(e) (fan_in×fan_out), got \(g)"
        case .biasShape(let l, let e, let g):
            return "layer \(l): the bias must be \(e), got \(g)"
        case .missingBias(let l):
            return "layer \(l) has a bias (b_std is not nil) but the parameters give none"
        case .unexpectedBias(let l):
            return "layer \(l) has no bias (b_std is nil) but the parameters give one"
        case .inputWidth(let e, let g):
            return "the inputs must have \(e) column\(e == 1 ? "" : "s") (the first layer's fan_in), got \(g)"
        case .invalidWidth(let l, let w):
            return l == 0
                ? "the inputs must have at least 1 column, got \(w)"
                : "layer \(l) must have a width of at least 1, got \(w)"
        case .targetShape(let e, let g):
            return "the targets must be \(e) (one row per input, one column per output), got \(g)"
        case .notFinite(let what):
            return "NaN or infinite entries in \(what)"
        case .divergedAt(let s, let loss):
            // Swift prints some NaNs as "-nan"; a user should read plain nan or inf.
            let shown = loss.isNaN ? "nan" : (loss.isInfinite ? (loss > 0 ? "inf" : "-inf") : "\(loss)")
            return "training diverged: the loss is \(shown) at step \(s); try a smaller learning rate"
        case .invalidLearningRate(let r):
            return "the learning rate must be a finite number ≥ 0, got \(r)"
        case .invalidStepCount(let s):
            return "the number of training steps must be ≥ 0, got \(s)"
        case .noInputs:
            return "training needs at least one input row"
        case .invalidMomentum(let m):
            return "the momentum must be a number from 0 up to (not including) 1, got \(m)"
        case .invalidBatchSize(let b, let n):
            return "the batch size must be a whole number from 1 to the number of rows (\(n)), got \(b)"
        case .invalidRecordInterval(let r):
            return "record must be a whole number of steps ≥ 1, got \(r)"
        case .structure(let why):
            return why
        }
    }
}
