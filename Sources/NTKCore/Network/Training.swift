/// The parameters after full-batch gradient descent, with the loss along the way.
public struct TrainingRun: Equatable, Sendable {
    public var params: NetworkParams
    /// L_0 … L_steps: the loss before each update and, last, after the final one.
    public var losses: [Double]
}

/// Full-batch gradient descent on `L = 1/(2·n·k) Σ (f − Y)²` with raw parameters
/// (docs/numerics.md#training): `θ ← θ − η ∇θ L`, exactly JAX's `value_and_grad` step in
/// `nt_reference.py train`.
extension MLP {
    /// The parameters after `steps` updates with learning rate η. Throws for parameters or
    /// shapes that do not fit (see `validated`), a negative or non-finite η, a negative step
    /// count, and `divergedAt(step:loss:)` as soon as the loss is not finite.
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
        guard eta.isFinite, eta >= 0 else { throw .invalidLearningRate(eta) }
        guard steps >= 0 else { throw .invalidStepCount(steps) }
        if let first = p.weights.first, p.weights.count == depth + 1, first.rows != x.cols {
            throw .inputWidth(expected: first.rows, got: x.cols)
        }
        let params = try validated(p, inputWidth: x.cols)
        guard x.rows > 0 else { throw .noInputs }
        guard x.isFinite else { throw .notFinite("the inputs") }
        try checkTargets(y, inputs: x)

        let run = BLASThreads.singleThreaded { descendRepeatedly(params, x, y, steps: steps, learningRate: eta) }
        return try run.get()
    }

    /// The loop of `trainingRun`, on checked arguments.
    private func descendRepeatedly(
        _ start: NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double
    ) -> Result<TrainingRun, NetworkError> {
        var params = start
        let scale = 1 / Double(y.count)  // ∂L/∂f = (f − Y)/(n·k)
        var losses = [Double]()
        losses.reserveCapacity(steps + 1)
        for step in 0...steps {
            let trace = forward(params, x, keep: step < steps)
            let loss = Self.meanSquaredError(trace.output, y)
            losses.append(loss)
            guard loss.isFinite else { return .failure(.divergedAt(step: step, loss: loss)) }
            ProgressReporter.current?.step(step, of: steps, loss: loss)
            if step == steps { break }
            var gradient = trace.output
            for i in 0..<gradient.count { gradient.storage[i] = (gradient.storage[i] - y.storage[i]) * scale }
            descend(&params, trace: trace, gradient: gradient, learningRate: eta)
        }
        return .success(TrainingRun(params: params, losses: losses))
    }
}
