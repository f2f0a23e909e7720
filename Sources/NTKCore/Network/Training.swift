/// What `train` is asked to do (LANGUAGE.md §11): the loss, the optimizer, minibatches and
/// which full-data losses to record. The defaults are full-batch gradient descent on the MSE.
public struct TrainingOptions: Equatable, Sendable {
    public var steps: Int
    public var learningRate: Double
    public var loss: TrainingLoss
    public var optimizer: Optimizer
    /// Rows per update; nil is the full batch.
    public var batchSize: Int?
    /// Record the full-data loss at steps 0, r, 2r, … and at the last; nil records nothing.
    public var recordEvery: Int?

    public init(
        steps: Int, learningRate: Double, loss: TrainingLoss = .mse, optimizer: Optimizer = .sgd,
        batchSize: Int? = nil, recordEvery: Int? = nil
    ) {
        self.steps = steps
        self.learningRate = learningRate
        self.loss = loss
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.recordEvery = recordEvery
    }
}

/// The parameters after training, with the loss along the way.
public struct TrainingRun: Equatable, Sendable {
    public var params: NetworkParams
    /// L_0 … L_steps: the loss of each step's batch before its update (the full data without
    /// minibatches) and, last, the full-data loss after the final update.
    public var losses: [Double]
    /// With `recordEvery` r: the steps 0, r, 2r, … and the last one.
    public var recordedSteps: [Int] = []
    /// The full-data loss (as `loss(...)` computes it) at each of `recordedSteps`.
    public var recordedLosses: [Double] = []
}

/// Gradient descent (docs/numerics.md#training): θ ← θ − η ∇θ L with raw parameters, exactly
/// JAX's `value_and_grad` step with `jax.example_libraries.optimizers` `sgd` or `momentum`.
extension MLP {
    /// The parameters after `steps` full-batch updates on the MSE with learning rate η. Throws
    /// for parameters or shapes that do not fit (see `validated`), a negative or non-finite η, a
    /// negative step count, and `divergedAt(step:loss:)` as soon as the loss is not finite.
    public func train(
        _ p: NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate: Double
    ) throws(NetworkError) -> NetworkParams {
        try trainingRun(p, x, y, steps: steps, learningRate: learningRate).params
    }

    /// `train`, also returning the losses L_0 … L_steps.
    public func trainingRun(
        _ p: NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double
    ) throws(NetworkError) -> TrainingRun {
        var unused = NumpyGenerator(seed: 0)
        return try trainingRun(p, x, y, options: TrainingOptions(steps: steps, learningRate: eta), generator: &unused)
    }

    /// Training as `options` say; minibatch permutations are drawn from `generator`, which is
    /// left where they stopped. Also throws for a momentum outside [0, 1), a batch size outside
    /// 1 … n and a record interval below 1.
    public func trainingRun(
        _ p: NetworkParams, _ x: Matrix, _ y: Matrix, options: TrainingOptions,
        generator: inout NumpyGenerator
    ) throws(NetworkError) -> TrainingRun {
        var trainer = try Trainer(self, p, x, y, options: options, generator: generator, keepLosses: true)
        try trainer.run(updates: options.steps)
        let run = try trainer.finish()
        if let g = trainer.generator { generator = g }
        return run
    }

    /// `train` on parameters the caller owns, updated where they are: once nothing else shares
    /// them, no step copies a weight matrix (128 MB per chunk of one step at width 4096 when
    /// every chunk copied them, about a third of notebook 02's training time). The same checks,
    /// errors and numbers.
    package func train(
        _ p: inout NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double
    ) throws(NetworkError) {
        var trainer = try Trainer(
            self, p, x, y, options: TrainingOptions(steps: steps, learningRate: eta), generator: nil)
        p = NetworkParams(weights: [], biases: [])  // the trainer holds the only reference
        try trainer.run(updates: steps)
        _ = try trainer.finish()
        p = trainer.takeParams()
    }
}

extension Layer {
    /// Full-batch gradient descent on the MSE (as `MLP.train`), through `LayerTape`: the
    /// parameters after `steps` updates. Throws for a bad η or step count, parameters or targets
    /// that do not fit, and `divergedAt` as soon as the loss is not finite.
    /// `input` is the shape of one sample (a row of x): vectors of x.cols entries unless given,
    /// or images in NHWC order.
    public func train(
        _ start: NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double, input: FeatureShape? = nil
    ) throws(NetworkError) -> NetworkParams {
        var unused = NumpyGenerator(seed: 0)
        return try trainingRun(
            start, x, y, options: TrainingOptions(steps: steps, learningRate: eta), generator: &unused, input: input
        ).params
    }

    /// Training as `options` say (see `MLP.trainingRun(_:_:_:options:generator:)`).
    public func trainingRun(
        _ p: NetworkParams, _ x: Matrix, _ y: Matrix, options: TrainingOptions,
        generator: inout NumpyGenerator, input: FeatureShape? = nil
    ) throws(NetworkError) -> TrainingRun {
        var trainer = try Trainer(
            self, p, x, y, options: options, generator: generator, keepLosses: true, input: input)
        try trainer.run(updates: options.steps)
        let run = try trainer.finish()
        if let g = trainer.generator { generator = g }
        return run
    }
}
