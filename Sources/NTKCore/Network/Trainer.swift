/// One training run that its caller drives a chunk of steps at a time (the `train` builtin checks
/// the block's deadline between chunks), for an `mlp` through its hand-written backprop or for a
/// layer network through `LayerTape`. It holds what must live across chunks: the parameters
/// (updated in place: after the first update no step copies a weight matrix), the momentum
/// velocity, the minibatch stream and the recorded losses.
package struct Trainer {
    private enum Model {
        case mlp(MLP)
        case layer(Layer)
    }

    private let model: Model
    /// The shape of one sample (a layer network may take images; an `mlp` takes vectors).
    private let input: FeatureShape
    private let x: Matrix
    private let y: Matrix
    package let options: TrainingOptions
    package private(set) var params: NetworkParams
    /// The velocity (momentum), or a layer network's gradient scratch (sgd); shaped like params.
    private var buffer: NetworkParams?
    private var batches: Minibatches?
    /// Updates done so far.
    package private(set) var step = 0
    private let keepLosses: Bool
    private var losses: [Double] = []
    private var recordedSteps: [Int] = []
    private var recordedLosses: [Double] = []

    /// Checks the arguments (in the order `MLP.train` always has) and prepares the run;
    /// `generator` is needed only with a batch size.
    package init(
        _ net: MLP, _ p: NetworkParams, _ x: Matrix, _ y: Matrix, options: TrainingOptions,
        generator: NumpyGenerator?, keepLosses: Bool = false
    ) throws(NetworkError) {
        try Self.checkOptions(options)
        if let first = p.weights.first, p.weights.count == net.depth + 1, first.rows != x.cols {
            throw .inputWidth(expected: first.rows, got: x.cols)
        }
        let checked = try net.validated(p, inputWidth: x.cols)
        try Self.checkData(x, y, outputs: net.outDim, options: options)
        try self.init(.mlp(net), checked, x, y, options, generator, keepLosses, input: .vector(x.cols))
    }

    /// The same for a layer network, whose samples (the rows of x) have shape `input`: vectors
    /// of x.cols entries unless given, or images in NHWC order.
    package init(
        _ net: Layer, _ p: NetworkParams, _ x: Matrix, _ y: Matrix, options: TrainingOptions,
        generator: NumpyGenerator?, keepLosses: Bool = false, input: FeatureShape? = nil
    ) throws(NetworkError) {
        try Self.checkOptions(options)
        let shape = input ?? .vector(x.cols)
        guard x.cols == shape.size else { throw .inputWidth(expected: shape.size, got: x.cols) }
        let shapes = try LayerShapes(net, input: shape)
        let checked = try shapes.validated(p)
        try Self.checkData(x, y, outputs: shapes.outputWidth, options: options)
        try self.init(.layer(net), checked, x, y, options, generator, keepLosses, input: shape)
    }

    private init(
        _ model: Model, _ p: NetworkParams, _ x: Matrix, _ y: Matrix, _ options: TrainingOptions,
        _ generator: NumpyGenerator?, _ keepLosses: Bool, input: FeatureShape
    ) throws(NetworkError) {
        self.model = model
        self.input = input
        self.x = x
        self.y = y
        self.options = options
        self.params = p
        self.keepLosses = keepLosses
        if let b = options.batchSize {
            guard let generator else { preconditionFailure("Trainer: minibatches need a generator") }
            batches = Minibatches(rows: x.rows, batchSize: b, generator: generator)
        }
        if case .momentum = options.optimizer {
            buffer = Self.zeros(like: p)
        } else if case .layer = model {
            buffer = Self.zeros(like: p)
        }
    }

    private static func checkOptions(_ o: TrainingOptions) throws(NetworkError) {
        guard o.learningRate.isFinite, o.learningRate >= 0 else { throw .invalidLearningRate(o.learningRate) }
        guard o.steps >= 0 else { throw .invalidStepCount(o.steps) }
        if case .momentum(let m) = o.optimizer, !Optimizer.isValidMass(m) { throw .invalidMomentum(m) }
        if let r = o.recordEvery, r < 1 { throw .invalidRecordInterval(r) }
    }

    private static func checkData(_ x: Matrix, _ y: Matrix, outputs k: Int, options: TrainingOptions)
        throws(NetworkError)
    {
        guard x.rows > 0 else { throw .noInputs }
        guard x.isFinite else { throw .notFinite("the inputs") }
        guard y.rows == x.rows, y.cols == k else {
            throw .targetShape(expected: "\(x.rows)×\(k)", got: y.shapeDescription)
        }
        guard y.isFinite else { throw .notFinite("the targets") }
        if let b = options.batchSize, b < 1 || b > x.rows { throw .invalidBatchSize(b, rows: x.rows) }
    }

    private static func zeros(like p: NetworkParams) -> NetworkParams {
        NetworkParams(
            weights: p.weights.map { Matrix(rows: $0.rows, cols: $0.cols) },
            biases: p.biases.map { $0.map { Matrix(rows: $0.rows, cols: $0.cols) } })
    }

    /// The minibatch stream as far as it has drawn (nil without a batch size).
    package var generator: NumpyGenerator? { batches?.generator }

    /// Runs the next `n` updates (fewer when the run has fewer left). Throws `divergedAt` with
    /// the step counted from the start of the run.
    package mutating func run(updates n: Int) throws(NetworkError) {
        let end = min(options.steps, step + max(0, n))
        let result: Result<Void, NetworkError> = BLASThreads.singleThreaded {
            while step < end {
                do throws(NetworkError) { try update() } catch { return .failure(error) }
            }
            return .success(())
        }
        try result.get()
    }

    /// After the last update: the full-data loss at the final parameters (checked as every
    /// step's), recorded at the last step, and the run.
    package mutating func finish() throws(NetworkError) -> TrainingRun {
        precondition(step == options.steps, "Trainer: finish after \(step) of \(options.steps) steps")
        let loss = BLASThreads.singleThreaded { fullLoss() }
        guard loss.isFinite else { throw .divergedAt(step: step, loss: loss) }
        ProgressReporter.current?.step(step, of: options.steps, loss: loss)
        if keepLosses { losses.append(loss) }
        if options.recordEvery != nil {
            recordedSteps.append(step)
            recordedLosses.append(loss)
        }
        return TrainingRun(
            params: params, losses: losses, recordedSteps: recordedSteps, recordedLosses: recordedLosses)
    }

    /// The parameters, leaving the trainer without them (so the caller holds the only reference).
    package mutating func takeParams() -> NetworkParams {
        defer { params = NetworkParams(weights: [], biases: []) }
        return params
    }

    /// One update on the next batch.
    private mutating func update() throws(NetworkError) {
        let rows = batches?.next()
        let xb = rows.map { x.selectingRows($0) } ?? x
        let yb = rows.map { y.selectingRows($0) } ?? y
        let eta = options.learningRate
        let record = options.recordEvery.map { step % $0 == 0 } ?? false
        let loss: Double
        switch model {
        case .mlp(let net):
            let trace = Self.traced(net, &params, xb)
            loss = options.loss.value(trace.output, yb)
            let full = record ? (rows == nil ? loss : fullLoss()) : nil
            try note(loss, fullData: full)
            let g = options.loss.gradient(trace.output, yb)
            switch options.optimizer {
            case .sgd: net.descend(&params, trace: trace, gradient: g, learningRate: eta)
            case .momentum(let m):
                net.descend(&params, velocity: &buffer!, trace: trace, gradient: g, mass: m, learningRate: eta)
            }
        case .layer(let net):
            let mass: Double
            switch options.optimizer {
            case .sgd: mass = 0
            case .momentum(let m): mass = m
            }
            Self.scale(&buffer!, by: mass)
            loss = Self.gradient(net, params, xb, yb, options.loss, input: input, into: &buffer)
            let full = record ? (rows == nil ? loss : fullLoss()) : nil
            try note(loss, fullData: full)
            for l in 0..<params.weights.count {
                Optimizer.subtract(eta, buffer!.weights[l], from: &params.weights[l])
                if params.biases[l] != nil, let b = buffer!.biases[l] {
                    Optimizer.subtract(eta, b, from: &params.biases[l]!)
                }
            }
        }
        step += 1
    }

    /// Checks and reports the loss of the step about to be taken, and records the full-data one.
    private mutating func note(_ loss: Double, fullData: Double?) throws(NetworkError) {
        guard loss.isFinite else { throw .divergedAt(step: step, loss: loss) }
        ProgressReporter.current?.step(step, of: options.steps, loss: loss)
        if keepLosses { losses.append(loss) }
        if let fullData {
            recordedSteps.append(step)
            recordedLosses.append(fullData)
        }
    }

    /// The loss of the current parameters on all the data, as `loss(...)` computes it.
    private mutating func fullLoss() -> Double {
        switch model {
        case .mlp(let net): return options.loss.value(Self.traced(net, &params, x, keep: false).output, y)
        case .layer(let net): return options.loss.value(LayerTape.apply(net, params, x, input: input), y)
        }
    }

    /// `forward`, reading the parameters through their address and out of line, so that no copy
    /// of them made to call it can outlive the call and be sharing the weights when `descend`
    /// updates them.
    @inline(never)
    private static func traced(_ net: MLP, _ p: inout NetworkParams, _ x: Matrix, keep: Bool = true) -> ForwardTrace {
        net.forward(p, x, keep: keep)
    }

    /// The batch loss, with ∂L/∂θ added into `grads` by one backward pass; out of line, so the
    /// tape (which holds the weights) is gone before they are updated. Nothing is added when
    /// the loss is not finite.
    @inline(never)
    private static func gradient(
        _ net: Layer, _ p: NetworkParams, _ x: Matrix, _ y: Matrix, _ loss: TrainingLoss,
        input: FeatureShape, into grads: inout NetworkParams?
    ) -> Double {
        let tape = LayerTape.forward(net, p, x, input: input)
        let f = tape.outputs[0]
        let value = loss.value(f, y)
        guard value.isFinite else { return value }
        var sink = LayerTape.GradientSink(grads: nil)
        swap(&sink.grads, &grads)
        _ = tape.backward([loss.gradient(f, y)], &sink)
        swap(&sink.grads, &grads)
        return value
    }

    /// v ← m·v in place (m = 0 clears it, NaN or not).
    private static func scale(_ v: inout NetworkParams, by m: Double) {
        func apply(_ a: inout Matrix) {
            a.storage.withUnsafeMutableBufferPointer { s in
                if m == 0 {
                    s.update(repeating: 0)
                } else {
                    for i in 0..<s.count { s[i] *= m }
                }
            }
        }
        for l in 0..<v.weights.count {
            apply(&v.weights[l])
            if v.biases[l] != nil { apply(&v.biases[l]!) }
        }
    }
}
