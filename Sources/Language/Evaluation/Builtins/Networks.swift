import Dispatch
import NTKCore
import TangentSupport

/// Networks: `mlp`, the analytic kernels `nngp`/`ntk`, and the finite network's `init`,
/// `params`, `apply`, `weights`, `biases`, `empirical_ntk`, `train`, `loss`
/// (docs/language.md#builtins).
extension Builtins {
    static let networks: [Builtin] = [
        Builtin(
            "mlp",
            [
                .keyword("depth"), .keyword("width"), .keyword("activation", .string("relu")),
                .keyword("W_std", .number(1)), .keyword("b_std"), .keyword("W_std_out"), .keyword("b_std_out"),
                .keyword("parameterization", .string("ntk")), .keyword("out_dim", .number(1)),
                .keyword("tanh_deg", .number(25))
            ],
            "Dense(width) → activation, depth times, then Dense(out_dim) (neural-tangents stax.serial)"
        ) { c throws(Diagnostic) in
            .network(try mlp(c))
        },
        kernel("nngp", "the infinite-width NNGP kernel K(X1, X2) (X2 defaults to X1), n1×n2", .nngp),
        kernel("ntk", "the infinite-width NTK Θ(X1, X2) (X2 defaults to X1), n1×n2", .ntk),
        Builtin(
            "init", [.required("net"), .required("X"), .keyword("seed")],
            "random params as the parameterization draws them; X (a matrix or images) fixes the input shape. Drawn layer by layer: W (fan_in×fan_out; a Conv's (fh·fw·c_in)×c_out) then b (1×fan_out) with numpy default_rng(seed).standard_normal"
        ) { c throws(Diagnostic) in
            let net = try network(c)
            let shape = try c.networkInputs("X").shape
            do { try net.checkArchitecture(input: shape) } catch { throw c.fail("X", "init: \(error)") }
            let count = net.parameterCount(input: shape)
            try c.ensureAllocatable(
                count,
                what: count == .max
                    ? "init of a network with more than 2^63 parameters"
                    : "init of a network with \(count) parameters")
            return .params(try c.withGenerator { net.initialize(input: shape, generator: &$0) })
        },
        Builtin(
            "params", [.required("net"), .keyword("weights"), .keyword("biases")],
            "explicit params: weights [W1, …] (fan_in×fan_out), biases [b1, …] (1×fan_out or fan_out×1; none for a layer without bias, or biases: none)"
        ) { c throws(Diagnostic) in
            let net = try network(c)
            guard case .list(let ws) = c.value("weights") else {
                throw c.fail(
                    "weights",
                    "params() needs weights: [W1, …, W\(net.denseCount)], got \(c.value("weights").typeDescription)")
            }
            var weights: [Matrix] = []
            for (i, w) in ws.enumerated() {
                guard let m = w.asMatrix else {
                    throw c.fail("weights", "weight \(i + 1) must be a matrix, got \(w.typeDescription)")
                }
                weights.append(m)
            }
            var biases: [Matrix?] = []
            switch c.value("biases") {
            case .none: biases = Array(repeating: nil, count: weights.count)
            case .list(let bs):
                for (i, b) in bs.enumerated() {
                    if case .none = b {
                        biases.append(nil)
                        continue
                    }
                    guard let m = b.asMatrix else {
                        throw c.fail("biases", "bias \(i + 1) must be a matrix or none, got \(b.typeDescription)")
                    }
                    biases.append(m)
                }
            case let v: throw c.fail("biases", "params() needs biases: [b1, …] or none, got \(v.typeDescription)")
            }
            let p = NetworkParams(weights: weights, biases: biases)
            // With Conv or pooling layers the weights' shapes depend on the images (checked
            // where they meet them); here only what does not.
            if net.asLayer.hasSpatialLayers {
                do { return .params(try validatedWithoutInputs(p, net.asLayer)) } catch {
                    throw c.fail("weights", "params: \(error)")
                }
            }
            do { return .params(try net.validated(p, inputWidth: weights.first?.rows ?? 0)) } catch {
                throw c.fail("weights", "params: \(error)")
            }
        },
        Builtin(
            "apply", [.required("net"), .required("p"), .required("X")],
            "the finite network's outputs for a matrix or images X, n×out_dim"
        ) { c throws(Diagnostic) in
            let (net, p, x) = try networkParamsInputs(c)
            return .matrix(try UserFunctions.bridge(c) { net.apply(p, x) })
        },
        Builtin("weights", [.required("p")], "the weight matrices of params, as a list") { c throws(Diagnostic) in
            .list(try params(c).weights.map(Value.matrix))
        },
        Builtin("biases", [.required("p")], "the bias rows of params, as a list (none for a layer without bias)") {
            c throws(Diagnostic) in
            .list(try params(c).biases.map { $0.map(Value.matrix) ?? .none })
        },
        Builtin(
            "empirical_ntk", [.required("net"), .required("p"), .required("X1"), .optional("X2")],
            "the finite-width NTK, traced over outputs as a mean (neural-tangents default), n1×n2"
        ) { c throws(Diagnostic) in
            let (net, p, x1) = try networkParamsInputs(c, inputs: "X1")
            try requireDerivatives(c, net)
            var x2: NetworkInput?
            if !c.isNone("X2") {
                let (m, shape) = try c.networkInputs("X2")
                guard shape == x1.shape else {
                    if !shape.isSpatial && !x1.shape.isSpatial {
                        throw c.fail("X2", "X1 has \(x1.matrix.cols) columns (input width) but X2 has \(m.cols)")
                    }
                    let second = NetworkInput(matrix: m, shape: shape)
                    throw c.fail(
                        "X2",
                        "X1 is \(x1.description) but X2 is \(second.description); X1 and X2 need the same sample shape")
                }
                guard m.isFinite else { throw c.fail("X2", "X2 has NaN or infinite entries") }
                x2 = NetworkInput(matrix: m, shape: shape)
            }
            try c.ensureAllocatable(x1.rows * (x2?.rows ?? x1.rows), what: "a \(x1.rows)×\(x2?.rows ?? x1.rows) kernel")
            if let bytes = net.empiricalNTKEstimatedBytes(n1: x1.rows, n2: x2?.rows, input: x1.shape) {
                // Θ, the forward tapes, a backward pass's signals and, on images, per-sample gradients.
                try c.ensureAllocatable(
                    bytes / 8,
                    what:
                        "the empirical NTK of \(x1.rows)×\(x2?.rows ?? x1.rows) inputs (with the network's activations)"
                )
            }
            return .matrix(try UserFunctions.bridge(c) { net.empiricalNTK(p, x1, x2) })
        },
        Builtin(
            "train",
            [
                .required("net"), .required("p"), .required("X"), .required("Y"), .keyword("steps"),
                .keyword("learning_rate"), .keyword("loss", .string("mse")), .keyword("optimizer", .string("sgd")),
                .keyword("momentum", .number(0.9)), .keyword("batch_size"), .keyword("seed"), .keyword("record")
            ],
            "params after gradient descent on L = 1/(2·n·k) Σ (f − Y)² (loss: \"cross_entropy\" as loss()); "
                + "optimizer: \"momentum\" as jax.example_libraries.optimizers.momentum (v ← momentum·v + g, "
                + "p ← p − learning_rate·v); batch_size: minibatches from one permutation per epoch (seed: or the "
                + "block's stream); record: r returns a record of params, steps and the full-data loss every r steps"
        ) { c throws(Diagnostic) in
            try train(&c)
        },
        Builtin(
            "loss",
            [.required("net"), .required("p"), .required("X"), .required("Y"), .keyword("kind", .string("mse"))],
            "L = 1/(2·n·k) Σ (f − Y)² of the finite network; kind: \"cross_entropy\" −mean over rows of "
                + "Σ_c Y log_softmax(f) (Y one-hot, or n×1 class indices when the network has several outputs)"
        ) { c throws(Diagnostic) in
            let (net, p, x) = try networkParamsInputs(c)
            switch try c.string("kind") {
            case "mse":
                let y = try c.matrix("Y")
                do { try net.checkTargets(y, inputs: x) } catch { throw c.fail("Y", "loss: \(error)") }
                return .number(try UserFunctions.bridge(c) { net.loss(p, x, y) })
            case "cross_entropy":
                let y = try crossEntropyTargets(c, net, inputs: x)
                return .number(try UserFunctions.bridge(c) { CrossEntropy.loss(logits: net.apply(p, x), targets: y) })
            case let kind:
                throw c.fail(
                    "kind",
                    "loss: unknown kind \"\(kind)\"\(Suggestions.hint(for: kind, in: ["mse", "cross_entropy"])); "
                        + "it is \"mse\" or \"cross_entropy\"")
            }
        }
    ]

    // MARK: Helpers

    /// `train(...)`: the arguments checked at their own place, then a `Trainer` run in chunks.
    static func train(_ c: inout BuiltinCall) throws(Diagnostic) -> Value {
        let (net, p, x) = try networkParamsInputs(c)
        try requireDerivatives(c, net)
        let steps = try c.integer("steps")
        let eta = try c.number("learning_rate")
        guard eta.isFinite, eta >= 0 else {
            throw c.fail(
                "learning_rate",
                "learning_rate must be a finite non-negative number, got \(ValueFormatter.number(eta))")
        }
        let lossName = try c.string("loss")
        guard let loss = TrainingLoss(rawValue: lossName) else {
            let names = TrainingLoss.allCases.map(\.rawValue)
            throw c.fail(
                "loss",
                "train: unknown loss \"\(lossName)\"\(Suggestions.hint(for: lossName, in: names)); "
                    + "it is \"mse\" or \"cross_entropy\"")
        }
        let y: Matrix
        switch loss {
        case .mse:
            y = try c.matrix("Y")
            do { try net.checkTargets(y, inputs: x) } catch { throw c.fail("Y", "train: \(error)") }
        case .crossEntropy: y = try crossEntropyTargets(c, net, inputs: x)
        }
        let optimizer: Optimizer
        switch try c.string("optimizer") {
        case "sgd":
            if c.has("momentum") {
                throw c.fail("momentum", "train: momentum: applies to optimizer: \"momentum\" only (this is \"sgd\")")
            }
            optimizer = .sgd
        case "momentum":
            let m = try c.number("momentum")
            guard Optimizer.isValidMass(m) else {
                throw c.fail(
                    "momentum",
                    "train: momentum must be a number from 0 up to (not including) 1, got \(ValueFormatter.number(m))"
                        + (m >= 1 && m.isFinite
                            ? " (from 1 on, no gradient is ever forgotten and training does not settle)" : ""))
            }
            optimizer = .momentum(mass: m)
        case let name:
            throw c.fail(
                "optimizer",
                "train: unknown optimizer \"\(name)\"\(Suggestions.hint(for: name, in: Optimizer.names)); "
                    + "it is \"sgd\" or \"momentum\"")
        }
        var batchSize: Int?
        if !c.isNone("batch_size") {
            let b = try c.integer("batch_size", minimum: 1)
            guard b <= x.rows else {
                throw c.fail("batch_size", "train: batch_size \(b) is more than the \(x.rows) rows of X")
            }
            batchSize = b
        }
        var generator: NumpyGenerator?
        if !c.isNone("seed") {
            guard batchSize != nil else {
                throw c.fail(
                    "seed",
                    "train: seed: draws the minibatch permutations, so it needs batch_size: (full batch has none)")
            }
            generator = NumpyGenerator(seed: try c.seed("seed"))
        } else if batchSize != nil {
            generator = c.context.generator
        }
        let record = c.isNone("record") ? nil : try c.integer("record", minimum: 1)
        let options = TrainingOptions(
            steps: steps, learningRate: eta, loss: loss, optimizer: optimizer, batchSize: batchSize,
            recordEvery: record)

        func located(_ error: NetworkError) -> Diagnostic {
            switch error {
            case .targetShape: return c.fail("Y", "train: \(error)")
            case .divergedAt: return c.fail("learning_rate", "train: \(error)")
            default: return .error("train: \(error)", at: c.range)
            }
        }
        var trainer: Trainer
        do { trainer = try net.trainer(p, x, y, options: options, generator: generator) } catch {
            throw located(error)
        }
        // Training is sequential, so running it in chunks gives the same parameters; between
        // chunks the block's timeout is checked, so a long training run stops within about a
        // quarter of a second of its deadline. The trainer holds the only reference to the
        // weights after its first update, so they are updated in place chunk after chunk.
        var chunk = 1
        repeat {
            let n = min(chunk, steps - trainer.step)
            let start = DispatchTime.now()
            let stepped = try UserFunctions.bridge(c) { () throws(Diagnostic) -> Result<Void, NetworkError> in
                do throws(NetworkError) {
                    try trainer.run(updates: n)
                    return .success(())
                } catch { return .failure(error) }
            }
            do throws(NetworkError) { try stepped.get() } catch { throw located(error) }
            try c.context.checkDeadline(at: c.range)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            chunk = seconds < 0.05 ? min(chunk * 4, 1 << 20) : max(1, Int(Double(n) * 0.25 / seconds))
        } while trainer.step < steps
        let finished = try UserFunctions.bridge(c) { () throws(Diagnostic) -> Result<TrainingRun, NetworkError> in
            do throws(NetworkError) { return .success(try trainer.finish()) } catch { return .failure(error) }
        }
        let run: TrainingRun
        do throws(NetworkError) { run = try finished.get() } catch { throw located(error) }
        if c.isNone("seed"), let g = trainer.generator { c.context.generator = g }
        guard record != nil else { return .params(trainer.takeParams()) }
        return .record(
            Record([
                ("params", .params(trainer.takeParams())),
                ("steps", .matrix(Matrix(column: run.recordedSteps.map(Double.init)))),
                ("loss", .matrix(Matrix(column: run.recordedLosses)))
            ]))
    }

    /// The cross-entropy targets of `loss` and `train`: n × out_dim (one-hot or class probabilities, finite),
    /// or n×1 class indices turned one-hot when the network has more than one output.
    static func crossEntropyTargets(_ c: BuiltinCall, _ net: AnyNetwork, inputs x: NetworkInput) throws(Diagnostic)
        -> Matrix
    {
        let y = try c.matrix("Y")
        let k: Int
        do { k = try net.outputWidth(input: x.shape) } catch { throw c.fail("net", "\(c.name): \(error)") }
        if y.rows == x.rows && y.cols == 1 && k > 1 {
            var out = Matrix(rows: y.rows, cols: k)
            for (i, l) in try classIndices(c, "Y", classes: k).enumerated() { out[i, l] = 1 }
            return out
        }
        guard y.rows == x.rows, y.cols == k else {
            throw c.fail(
                "Y",
                "\(c.name): cross_entropy needs Y as \(x.rows)×\(k) one-hot rows\(k > 1 ? " or \(x.rows)×1 class indices" : ""), "
                    + "got \(y.shapeDescription)")
        }
        guard y.isFinite else { throw c.fail("Y", "\(c.name): \(NetworkError.notFinite("the targets"))") }
        return y
    }

    /// How many numbers the params of `net` hold for inputs of width d.
    /// The number of weights and biases; `Int.max` when it does not fit in 64 bits.
    static func parameterCount(_ net: MLP, inputWidth d: Int) -> Int {
        var fanIn = d
        var total = 0
        for l in 1...(net.depth + 1) {
            let fanOut = net.width(layer: l)
            let (weights, o1) = fanIn.multipliedReportingOverflow(by: fanOut)
            let (layer, o2) = weights.addingReportingOverflow(net.biasStd(layer: l) != nil ? fanOut : 0)
            let (sum, o3) = total.addingReportingOverflow(layer)
            if o1 || o2 || o3 { return .max }
            total = sum
            fanIn = fanOut
        }
        return total
    }

    static func network(_ c: BuiltinCall, _ p: String = "net") throws(Diagnostic) -> AnyNetwork {
        switch c.value(p) {
        case .network(let n): return .mlp(n)
        case .layer(let l): return .layer(l)
        case let v:
            throw c.fail(
                p,
                "argument '\(p)' of \(c.name)() must be a network (made by mlp(...) or layers such as serial(Dense(1))), got \(v.typeDescription)"
            )
        }
    }

    /// Gradients need every activation's derivative (`ElementwiseNumerical` without `df` has none).
    static func requireDerivatives(_ c: BuiltinCall, _ net: AnyNetwork) throws(Diagnostic) {
        if case .layer(let l) = net, !l.isDifferentiable {
            throw c.fail(
                "net",
                "\(c.name): an ElementwiseNumerical layer without df: has no derivative (Tangent does not differentiate fn); give df:"
            )
        }
    }

    static func params(_ c: BuiltinCall, _ name: String = "p") throws(Diagnostic) -> NetworkParams {
        guard case .params(let p) = c.value(name) else {
            throw c.fail(
                name,
                "argument '\(name)' of \(c.name)() must be params (from init or params), got \(c.value(name).typeDescription)"
            )
        }
        return p
    }

    /// The network, params that fit it for these inputs, and the (finite) inputs: a matrix, or
    /// images (docs/language.md#images-and-convolutions). Where the layers do not fit the inputs
    /// (a Conv on vectors, an output that keeps spatial axes) the error is at the call.
    static func networkParamsInputs(_ c: BuiltinCall, inputs: String = "X") throws(Diagnostic) -> (
        AnyNetwork, NetworkParams, NetworkInput
    ) {
        let net = try network(c)
        let p = try params(c)
        let (m, shape) = try c.networkInputs(inputs)
        let x = NetworkInput(matrix: m, shape: shape)
        guard m.isFinite else { throw c.fail(inputs, "\(inputs) has NaN or infinite entries") }
        if shape.isSpatial {
            // Every layer's output and each Conv's patches (fh·fw·c_in per output position) for
            // all the images at once.
            let (count, overflow) = m.rows.multipliedReportingOverflow(
                by: net.asLayer.tapeEntriesPerSample(input: shape))
            try c.ensureAllocatable(
                overflow ? .max : count, what: "the activations and patches of \(m.rows) images through the network")
        }
        if !shape.isSpatial, !net.asLayer.hasSpatialLayers, let w1 = p.weights.first,
            p.weights.count == net.denseCount, w1.rows != m.cols
        {
            throw c.fail(
                inputs,
                "\(inputs) is \(m.shapeDescription) but these params take inputs of width \(w1.rows) (the first weight matrix is \(w1.shapeDescription))"
            )
        }
        do {
            return (net, try net.validated(p, input: shape), x)
        } catch {
            switch error {
            case .inputWidth: throw c.fail(inputs, "\(c.name): \(error)")
            case .structure, .invalidWidth: throw .error("\(c.name): \(error)", at: c.range)
            default: throw c.fail("p", "\(c.name): \(error)")
            }
        }
    }

    /// The checks of params that do not depend on the inputs, for networks with Conv or pooling
    /// layers: one weight per parameterised layer with out_dim (out_chan) columns and at least
    /// one row, a bias exactly where b_std is not nil (1×out, or a column returned as a row),
    /// everything finite. The rows are checked against the images where they are used.
    static func validatedWithoutInputs(_ p: NetworkParams, _ net: Layer) throws(NetworkError) -> NetworkParams {
        let layers = net.denseLayers
        guard p.weights.count == layers.count else { throw .layerCount(expected: layers.count, got: p.weights.count) }
        var out = p
        if p.biases.isEmpty { out.biases = Array(repeating: nil, count: layers.count) }
        guard out.biases.count == layers.count else { throw .layerCount(expected: layers.count, got: p.biases.count) }
        for (i, d) in layers.enumerated() {
            let l = i + 1
            let w = p.weights[i]
            guard w.rows >= 1, w.cols == d.outDim else {
                throw .weightShape(layer: l, expected: "fan_in×\(d.outDim)", got: w.shapeDescription)
            }
            guard w.isFinite else { throw .notFinite("the weights of layer \(l)") }
            switch (d.bStd, out.biases[i]) {
            case (nil, nil): break
            case (nil, .some): throw .unexpectedBias(layer: l)
            case (.some, nil): throw .missingBias(layer: l)
            case (.some, .some(let b)):
                if b.rows == d.outDim, b.cols == 1, d.outDim != 1 {
                    out.biases[i] = Matrix(rows: 1, cols: d.outDim, storage: b.storage)
                } else if b.rows != 1 || b.cols != d.outDim {
                    throw .biasShape(layer: l, expected: "1×\(d.outDim)", got: b.shapeDescription)
                }
                guard b.isFinite else { throw .notFinite("the bias of layer \(l)") }
            }
        }
        return out
    }

    static func mlp(_ c: BuiltinCall) throws(Diagnostic) -> MLP {
        let depth = try c.integer("depth")
        guard depth <= 1000 else { throw c.fail("depth", "depth \(depth) is too large (at most 1000)") }
        var widths: [Int] = []
        if depth > 0 {
            switch c.value("width") {
            case .none:
                throw .error("mlp() needs width: (a number or a list of \(depth) widths) when depth ≥ 1", at: c.range)
            case .list(let items):
                guard items.count == depth else {
                    throw c.fail(
                        "width",
                        "width is a list of \(items.count) but depth is \(depth); give one width per hidden layer")
                }
                for (i, item) in items.enumerated() {
                    guard case .number(let w) = item, w.isFinite, w == w.rounded(), w >= 1, w <= 1e9 else {
                        throw c.fail(
                            "width", "width \(i + 1) must be a whole number ≥ 1, got \(ValueFormatter.inline(item))")
                    }
                    widths.append(Int(w))
                }
            default:
                let w = try c.integer("width", minimum: 1)
                widths = Array(repeating: w, count: depth)
            }
        }
        let actName = try c.string("activation")
        guard let activation = Activation(rawValue: actName) else {
            let names = Activation.allCases.map(\.rawValue)
            throw c.fail(
                "activation",
                "unknown activation '\(actName)'\(Suggestions.hint(for: actName, in: names)); use one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        let parName = try c.string("parameterization")
        guard let parameterization = Parameterization(rawValue: parName) else {
            let names = Parameterization.allCases.map(\.rawValue)
            throw c.fail(
                "parameterization",
                "unknown parameterization '\(parName)'\(Suggestions.hint(for: parName, in: names)); use \"ntk\" or \"standard\""
            )
        }
        func std(_ p: String) throws(Diagnostic) -> Double? {
            if c.isNone(p) { return nil }
            let x = try c.number(p)
            guard x.isFinite, x >= 0 else {
                throw c.fail(p, "\(p) must be a finite number ≥ 0 (or none), got \(ValueFormatter.number(x))")
            }
            return x
        }
        guard let wStd = try std("W_std") else { throw c.fail("W_std", "W_std cannot be none") }
        let bStd = try std("b_std")
        let wOut = c.has("W_std_out") ? try std("W_std_out") ?? wStd : wStd
        let bOut: Double?? = c.has("b_std_out") ? .some(try std("b_std_out")) : .none
        let outDim = try c.integer("out_dim", minimum: 1)
        let deg = try c.integer("tanh_deg", minimum: 1)
        guard deg <= 150 else {
            throw c.fail(
                "tanh_deg", "tanh_deg must be at most 150 (the Gauss–Hermite rule neural-tangents uses), got \(deg)")
        }
        return MLP(
            widths: widths, activation: activation, wStd: wStd, bStd: bStd, wStdOut: wOut, bStdOut: bOut,
            parameterization: parameterization, outDim: outDim, tanhDegree: deg)
    }

    private static func kernel(_ name: String, _ summary: String, _ which: KernelSelection) -> Builtin {
        Builtin(
            name, [.required("net"), .required("X1"), .optional("X2"), .keyword("out")],
            summary
                + "; with out: \"K.npy\", computed tile by tile into that file (for kernels larger than memory) and described by a record"
        ) { c throws(Diagnostic) in
            let net = try network(c)
            let (x1, x2, shape) = try kernelInputs(c)
            if !c.isNone("out") { return try kernelFile(c, net, x1, x2, which, input: shape) }
            return .matrix(try pairedAnalytic(c, net, x1, x2, which, input: shape))
        }
    }

    /// `ntk(net, X, out: "K.npy")`: the kernel written block by block to a .npy file; only a
    /// few tiles are in memory at once, so the file may be far larger than memory.
    /// Any network: `mlp(...)` through its vectorised recursion, a layer network through
    /// `LayerKernel` (with its user functions bridged, as in memory).
    private static func kernelFile(
        _ c: BuiltinCall, _ net: AnyNetwork, _ x1: Matrix, _ x2: Matrix?,
        _ which: KernelSelection, input shape: FeatureShape
    ) throws(Diagnostic) -> Value {
        // Images go through the layer walk (an `mlp` on images is the serial it describes).
        let net = shape.isSpatial ? AnyNetwork.layer(net.asLayer) : net
        let (url, format) = try fileArgument(c, "out")
        guard format == .npy else {
            throw c.fail("out", "out: must name a .npy file (numpy opens it with mmap_mode=\"r\")")
        }
        let written: TiledKernel.Written
        do {
            // Walked from the project root (no link on the way leads out), like save().
            let root = c.context.fileRoot
            let target = root == nil ? url : try Builtins.confinedTarget(c, "out")
            let stop = { () throws(Diagnostic) in try c.context.checkDeadline(at: c.range) }
            switch net {
            case .mlp(let m):
                written = try TiledKernel.write(m, x1, x2, which, to: target, confinedTo: root, shouldStop: stop)
            case .layer(let l):
                let result = try UserFunctions.bridge(c) {
                    () throws(Diagnostic) -> Result<TiledKernel.Written, any Error> in
                    do {
                        return .success(
                            try TiledKernel.write(
                                l, x1, x2, which, input: shape, to: target, confinedTo: root, shouldStop: stop))
                    } catch { return .failure(error) }
                }
                written = try result.get()
            }
        } catch let d as Diagnostic {
            throw d
        } catch let e as FileError {
            throw c.fail("out", "\(c.name): cannot write '\(try c.string("out"))': \(e)")
        } catch let e as KernelError {
            throw .error("\(c.name): \(e)\(overflowHint(e, net))", at: c.range)
        } catch {
            throw .error("\(c.name): \(error)", at: c.range)
        }
        c.context.noteFileWritten(url.path)
        return .record(
            Record([
                ("path", .string(try c.string("out"))), ("rows", .number(Double(written.rows))),
                ("cols", .number(Double(written.cols))), ("tile", .number(Double(written.tile))),
                ("gib", .number(Double(written.bytes) / 1_073_741_824))
            ]))
    }

    /// The inputs of a kernel: two matrices (vectors, one a row) or two images of the same
    /// shape (their n×(h·w·c) pixels), and that shape.
    static func kernelInputs(_ c: BuiltinCall, _ a: String = "X1", _ b: String = "X2") throws(Diagnostic) -> (
        Matrix, Matrix?, FeatureShape
    ) {
        let (x1, shape) = try c.networkInputs(a)
        guard x1.isFinite else { throw c.fail(a, "\(a) has NaN or infinite entries") }
        if c.isNone(b) { return (x1, nil, shape) }
        let (x2, shape2) = try c.networkInputs(b)
        guard x2.isFinite else { throw c.fail(b, "\(b) has NaN or infinite entries") }
        if shape.isSpatial || shape2.isSpatial {
            func kind(_ s: FeatureShape, _ m: Matrix) -> String {
                s.isSpatial ? "images of \(s)" : "a \(m.shapeDescription) matrix"
            }
            guard shape == shape2 else {
                throw c.fail(
                    b,
                    "\(a) is \(kind(shape, x1)) and \(b) is \(kind(shape2, x2)): inputs need the same image shape (height×width×channels)"
                )
            }
            return (x1, x2, shape)
        }
        guard x2.cols == x1.cols else {
            throw c.fail(
                b,
                "\(a) is \(x1.shapeDescription) and \(b) is \(x2.shapeDescription): inputs need the same width (columns)"
            )
        }
        return (x1, x2, shape)
    }

    /// The analytic kernel(s), with NTKCore's errors located at the call.
    static func analytic(
        _ c: BuiltinCall, _ net: AnyNetwork, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection,
        input: FeatureShape? = nil
    ) throws(Diagnostic) -> Matrix {
        let pair = try analyticPair(c, net, x1, x2, which, input: input)
        return which == .ntk ? pair.ntk : pair.nngp
    }

    /// `input`: the shape of one sample (images go through `LayerKernel`'s spatial walk); nil
    /// for vectors of x1's width.
    static func analyticPair(
        _ c: BuiltinCall, _ net: AnyNetwork, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection,
        input: FeatureShape? = nil
    ) throws(Diagnostic) -> KernelPair {
        let shape = input ?? .vector(x1.cols)
        let n2 = x2?.rows ?? x1.rows
        if shape.isSpatial {
            try c.ensureAllocatable(
                LayerKernel.estimatedBytes(net.asLayer, n1: x1.rows, n2: n2, input: shape) / 8,
                what:
                    "computing the \(x1.rows)×\(n2) kernels of images of \(shape) (each pair's spatial covariances on every core)"
            )
        } else if case .layer(let layer) = net {
            try c.ensureAllocatable(
                LayerKernel.estimatedBytes(layer, n1: x1.rows, n2: n2) / 8,
                what: "computing the \(x1.rows)×\(n2) kernels of every branch of the network")
        }
        let result = try UserFunctions.bridge(c) { () throws(Diagnostic) -> Result<KernelPair, KernelError> in
            do throws(KernelError) { return .success(try net.analytic(x1, x2, which, input: shape)) } catch {
                return .failure(error)
            }
        }
        do { return try result.get() } catch {
            throw .error("\(c.name): \(error)\(overflowHint(error, net))", at: c.range)
        }
    }

    /// Why a kernel with `RectifiedMonomial` overflowed: its variance (2n − 1)!!/2·qⁿ.
    static func overflowHint(_ error: KernelError, _ net: AnyNetwork) -> String {
        guard error == .overflow else { return "" }
        func degrees(_ l: Layer) -> [Int] {
            switch l {
            case .serial(let ls), .parallel(let ls): return ls.flatMap(degrees)
            case .activation(.rectifiedMonomial(let n)): return [n]
            default: return []
            }
        }
        guard case .layer(let layer) = net, let n = degrees(layer).max() else { return "" }
        return " (RectifiedMonomial(\(n)) maps a variance q to (2n − 1)!!/2·qⁿ, which exceeds double precision"
            + " at q = 1 from n = 151; use a lower degree, or smaller inputs or W_std)"
    }
}
