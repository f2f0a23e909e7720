/// A finite `Layer` network with explicit parameters: outputs, loss, empirical NTK and
/// gradient descent, through the general reverse mode of `LayerTape` (LANGUAGE.md §9).
/// Parameters must come from `LayerShapes.validated` or `initialize` for inputs of this width.
extension Layer {
    /// n × out_dim outputs.
    public func apply(_ p: NetworkParams, _ x: Matrix) -> Matrix {
        BLASThreads.singleThreaded { LayerTape.apply(self, p, x) }
    }

    /// `0.5·mean((f − y)²)`.
    public func loss(_ p: NetworkParams, _ x: Matrix, _ y: Matrix) -> Double {
        let f = apply(p, x)
        precondition(f.rows == y.rows && f.cols == y.cols, "loss: targets \(y.shapeDescription) for outputs \(f.shapeDescription)")
        return MLP.meanSquaredError(f, y)
    }

    /// Whether every activation has a derivative (an `ElementwiseNumerical` without `df` has none).
    public var isDifferentiable: Bool {
        switch self {
        case .serial(let ls), .parallel(let ls): return ls.allSatisfy(\.isDifferentiable)
        case .activation(.numerical(let f)): return f.df != nil
        default: return true
        }
    }

    /// Bytes the per-input Jacobians of `empiricalNTK` take: (n1 + n2)·k·P doubles plus Θ.
    public func empiricalNTKEstimatedBytes(n1: Int, n2: Int?, parameters: Int, outputs k: Int) -> Int {
        let total = (Double(n1) + Double(n2 ?? 0)) * Double(k) * Double(parameters) + Double(n1) * Double(n2 ?? n1)
        return 8 * total >= Double(Int.max) ? Int.max : Int(8 * total)
    }

    /// Θ(X1, X2) = (1/k) Σ_c J_c(X1) J_c(X2)ᵀ with J_c the Jacobian of output c in the raw
    /// parameters (NT `empirical_ntk_fn`, `trace_axes=(-1,)`). Per-input Jacobians, one
    /// backward pass per input and output.
    public func empiricalNTK(_ p: NetworkParams, _ x1: Matrix, _ x2: Matrix?) -> Matrix {
        BLASThreads.singleThreaded {
            let j1 = jacobians(p, x1)
            let j2 = x2.map { jacobians(p, $0) } ?? j1
            let k = j1.count
            var theta = Matrix(rows: x1.rows, cols: x2?.rows ?? x1.rows)
            guard theta.count > 0 else { return theta }
            for c in 0..<k {
                NetworkKernels.gemm(j1[c], j2[c], transB: true, alpha: 1 / Double(k), beta: 1, into: &theta)
            }
            return theta
        }
    }

    /// One n×P Jacobian per output c.
    private func jacobians(_ p: NetworkParams, _ x: Matrix) -> [Matrix] {
        let count = p.weights.reduce(0) { $0 + $1.count } + p.biases.reduce(0) { $0 + ($1?.count ?? 0) }
        var out: [Matrix] = []
        for a in 0..<x.rows {
            let row = x.submatrix(rows: a..<(a + 1), cols: 0..<x.cols)
            let tape = LayerTape.forward(self, p, row)
            let k = tape.outputs[0].cols
            if out.isEmpty { out = Array(repeating: Matrix(rows: x.rows, cols: count), count: k) }
            for c in 0..<k {
                var cot = Matrix(rows: 1, cols: k)
                cot.storage[c] = 1
                var grads = LayerTape.zeros(like: p)
                _ = tape.backward([cot], &grads)
                var offset = a * count
                for w in grads.weights {
                    for v in w.storage { out[c].storage[offset] = v; offset += 1 }
                }
                for b in grads.biases { if let b { for v in b.storage { out[c].storage[offset] = v; offset += 1 } } }
            }
        }
        return out
    }

    /// Full-batch gradient descent on `1/(2·n·k) Σ (f − Y)²` (as `MLP.train`): the
    /// parameters after `steps` updates. Throws for a bad η or step count, targets of the wrong
    /// shape, and `divergedAt` as soon as the loss is not finite.
    public func train(_ start: NetworkParams, _ x: Matrix, _ y: Matrix, steps: Int,
                      learningRate eta: Double) throws(NetworkError) -> NetworkParams {
        guard eta.isFinite, eta >= 0 else { throw .invalidLearningRate(eta) }
        guard steps >= 0 else { throw .invalidStepCount(steps) }
        guard x.rows > 0 else { throw .noInputs }
        guard x.isFinite else { throw .notFinite("the inputs") }
        let result: Result<NetworkParams, NetworkError> = BLASThreads.singleThreaded {
            var p = start
            let scale = 1 / Double(y.count)
            for step in 0...steps {
                let tape = LayerTape.forward(self, p, x)
                let f = tape.outputs[0]
                guard f.rows == y.rows, f.cols == y.cols else {
                    return .failure(.targetShape(expected: "\(f.rows)×\(f.cols)", got: y.shapeDescription))
                }
                let loss = MLP.meanSquaredError(f, y)
                guard loss.isFinite else { return .failure(.divergedAt(step: step, loss: loss)) }
                if step == steps { break }
                var g = f
                for i in 0..<g.count { g.storage[i] = (g.storage[i] - y.storage[i]) * scale }
                var grads = LayerTape.zeros(like: p)
                _ = tape.backward([g], &grads)
                for l in 0..<p.weights.count {
                    for i in 0..<p.weights[l].count { p.weights[l].storage[i] -= eta * grads.weights[l].storage[i] }
                    if let gb = grads.biases[l] {
                        for i in 0..<gb.count { p.biases[l]!.storage[i] -= eta * gb.storage[i] }
                    }
                }
            }
            return .success(p)
        }
        return try result.get()
    }
}
