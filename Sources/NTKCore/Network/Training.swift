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
        var params = p
        let losses = try descendInPlace(&params, x, y, steps: steps, learningRate: eta)
        return TrainingRun(params: params, losses: losses)
    }

    /// `train` on parameters the caller owns, updated where they are: once nothing else shares
    /// them, no step copies a weight matrix. The `train` builtin runs its chunks of steps
    /// through this; with `train(_:…) -> NetworkParams` every chunk copied all the weights
    /// (128 MB per chunk of one step at width 4096, about a third of notebook 02's training
    /// time with the page faults of the fresh copy). The same checks, errors and numbers.
    package func train(
        _ p: inout NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double
    ) throws(NetworkError) {
        _ = try descendInPlace(&p, x, y, steps: steps, learningRate: eta)
    }

    /// The checks of `trainingRun`, then the descent on `p` in place; returns the losses.
    private func descendInPlace(
        _ p: inout NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double
    ) throws(NetworkError) -> [Double] {
        guard eta.isFinite, eta >= 0 else { throw .invalidLearningRate(eta) }
        guard steps >= 0 else { throw .invalidStepCount(steps) }
        if let first = p.weights.first, p.weights.count == depth + 1, first.rows != x.cols {
            throw .inputWidth(expected: first.rows, got: x.cols)
        }
        p = try validated(p, inputWidth: x.cols)
        guard x.rows > 0 else { throw .noInputs }
        guard x.isFinite else { throw .notFinite("the inputs") }
        try checkTargets(y, inputs: x)

        let run = BLASThreads.singleThreaded { descendRepeatedly(&p, x, y, steps: steps, learningRate: eta) }
        return try run.get()
    }

    /// The loop of `trainingRun`, on checked arguments.
    private func descendRepeatedly(
        _ params: inout NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
        learningRate eta: Double
    ) -> Result<[Double], NetworkError> {
        let scale = 1 / Double(y.count)  // ∂L/∂f = (f − Y)/(n·k)
        var losses = [Double]()
        losses.reserveCapacity(steps + 1)
        for step in 0...steps {
            let trace = Self.tracedForward(self, &params, x, keep: step < steps)
            let loss = Self.meanSquaredError(trace.output, y)
            losses.append(loss)
            guard loss.isFinite else { return .failure(.divergedAt(step: step, loss: loss)) }
            ProgressReporter.current?.step(step, of: steps, loss: loss)
            if step == steps { break }
            var gradient = trace.output
            for i in 0..<gradient.count { gradient.storage[i] = (gradient.storage[i] - y.storage[i]) * scale }
            descend(&params, trace: trace, gradient: gradient, learningRate: eta)
        }
        return .success(losses)
    }

    /// `forward`, reading the parameters through their address and out of line, so that no copy
    /// of `params` made to call it can outlive the call and be sharing the weights when
    /// `descend` updates them.
    @inline(never)
    private static func tracedForward(_ net: MLP, _ p: inout NetworkParams, _ x: Matrix, keep: Bool) -> ForwardTrace {
        net.forward(p, x, keep: keep)
    }
}
