/// A layer network made of Dense, Identity, ReLU, FanOut, parallel and FanInSum (the residual
/// networks of docs/language.md#builtins) reduced to straight-line operations on registers
/// that each hold one row of a block's NNGP and NTK, so that `LayerKernelTiles` runs a row of
/// pairs through the whole network while it is in L1, with no matrix per layer and branch.
/// The variances that ReLU reads depend only on each input, so they are computed once per
/// input here (`rowVariances`, `columnVariances`), by the same operations as the tree walk.
///
/// Every entry sees the operations of `LayerKernel.walk` in the same order on the same
/// numbers, so the results are the block walk's (bit for bit, and so within the tests' 1e-12).
struct LayerKernelProgram {
    enum Op {
        /// NT `Dense.kernel_fn` on one register (as `LayerKernel.dense`).
        case dense(
            register: Int, weightVariance: Double, biasVariance: Double, standard: Bool, fanIn: Double, hasBias: Bool)
        /// ReLU with the variances of table `table`.
        case relu(register: Int, table: Int)
        /// FanOut: a branch's copy.
        case copy(from: Int, to: Int)
        /// FanInSum: `into += from`.
        case add(into: Int, from: Int)
    }

    let ops: [Op]
    let registers: Int
    /// The register that holds the network's output.
    let result: Int
    /// Per ReLU table, the variance of each input of X1 and of X2 (X1's for K(X, X)) that it reads.
    let rowVariances: [[Double]]
    let columnVariances: [[Double]]

    /// nil when the network has a layer this form does not cover (the block walk takes it).
    /// `v1`, `v2`: the inputs' variances (`v2` nil for K(X, X)); `d`: the input width.
    init?(_ net: Layer, v1: [Double], v2: [Double]?, inputWidth d: Int) {
        var builder = Builder()
        guard
            let out = builder.compile(
                net, [Builder.Branch(register: 0, rows: v1, columns: v2, width: d)]),
            out.count == 1
        else { return nil }
        ops = builder.ops
        registers = builder.registers
        result = out[0].register
        rowVariances = builder.rowTables
        columnVariances = builder.columnTables
    }

    private struct Builder {
        struct Branch {
            var register: Int
            var rows: [Double]
            var columns: [Double]?
            var width: Int
        }

        var ops: [Op] = []
        var registers = 1
        var rowTables: [[Double]] = []
        var columnTables: [[Double]] = []

        mutating func compile(_ layer: Layer, _ branches: [Branch]) -> [Branch]? {
            switch layer {
            case .serial(let layers):
                var b = branches
                for l in layers {
                    guard let next = compile(l, b) else { return nil }
                    b = next
                }
                return b
            case .parallel(let layers):
                guard layers.count == branches.count else { return nil }
                var out: [Branch] = []
                for (l, b) in zip(layers, branches) {
                    guard let r = compile(l, [b]) else { return nil }
                    out += r
                }
                return out
            case .fanOut(let n):
                guard branches.count == 1, n >= 1 else { return nil }
                var out = [branches[0]]
                for _ in 1..<n {
                    var copy = branches[0]
                    copy.register = registers
                    registers += 1
                    ops.append(.copy(from: branches[0].register, to: copy.register))
                    out.append(copy)
                }
                return out
            case .fanInSum:
                guard var out = branches.first else { return nil }
                for b in branches.dropFirst() {
                    ops.append(.add(into: out.register, from: b.register))
                    for i in 0..<out.rows.count { out.rows[i] += b.rows[i] }
                    if out.columns != nil { for i in 0..<out.columns!.count { out.columns![i] += b.columns![i] } }
                }
                return [out]
            case .identity:
                return branches.count == 1 ? branches : nil
            case .dense(let d):
                guard branches.count == 1 else { return nil }
                var b = branches[0]
                let w2 = d.wStd * d.wStd
                let b2 = (d.bStd ?? 0) * (d.bStd ?? 0)
                func affine(_ x: Double) -> Double { w2 * x + b2 }
                ops.append(
                    .dense(
                        register: b.register, weightVariance: w2, biasVariance: b2,
                        standard: d.parameterization == .standard, fanIn: Double(b.width), hasBias: d.bStd != nil))
                b.rows = b.rows.map(affine)
                b.columns = b.columns.map { $0.map(affine) }
                b.width = d.outDim
                return [b]
            case .activation(let act):
                guard branches.count == 1, let relu = act.rule as? RectifiedRule, relu.a == 0, relu.b == 1 else {
                    return nil
                }
                var b = branches[0]
                ops.append(.relu(register: b.register, table: rowTables.count))
                rowTables.append(b.rows)
                columnTables.append(b.columns ?? b.rows)
                b.rows = b.rows.map(relu.variance)
                b.columns = b.columns.map { $0.map(relu.variance) }
                return [b]
            case .layerNorm, .fanInProd, .fanInConcat, .conv, .avgPool, .globalAvgPool, .flatten:
                return nil
            }
        }
    }

    /// Runs row `q` (the input kernel x·x′/d of columns `from..<count`) through the network:
    /// `regs` holds 2·registers rows of `stride` doubles (NNGP then NTK per register); the
    /// result is left in register `result`. `row` is the index of the row's input in X1,
    /// `column` that of column 0 in X2; `triangle`: column `from` is the row's own input
    /// (the diagonal of K(X, X), where ReLU takes q12 as the variance itself).
    func run(
        _ q: UnsafePointer<Double>, from: Int, count: Int, regs: UnsafeMutablePointer<Double>, stride: Int,
        row: Int, column: Int, triangle: Bool, wantNTK: Bool
    ) {
        let len = count - from
        guard len > 0 else { return }
        func nngp(_ r: Int) -> UnsafeMutablePointer<Double> { regs + 2 * r * stride + from }
        func ntk(_ r: Int) -> UnsafeMutablePointer<Double> { regs + (2 * r + 1) * stride + from }
        nngp(0).update(from: q + from, count: len)
        if wantNTK { ntk(0).update(repeating: 0, count: len) }
        for op in ops {
            switch op {
            case .dense(let r, let w2, let b2, let standard, let n, let hasBias):
                let p = nngp(r)
                if !wantNTK {
                    for i in 0..<len { p[i] = w2 * p[i] + b2 }
                } else if standard {
                    let t = ntk(r)
                    for i in 0..<len {
                        t[i] = n * p[i] + w2 * t[i]
                        if hasBias { t[i] += 1 }
                        p[i] = w2 * p[i] + b2
                    }
                } else {
                    let t = ntk(r)
                    for i in 0..<len {
                        p[i] = w2 * p[i] + b2
                        t[i] = p[i] + w2 * t[i]
                    }
                }
            case .relu(let r, let table):
                rowVariances[table].withUnsafeBufferPointer { q1 in
                    columnVariances[table].withUnsafeBufferPointer { q2 in
                        TileRelu.apply(
                            nngp(r), wantNTK ? ntk(r) : nil, q1: q1.baseAddress! + row,
                            q2: q2.baseAddress! + column + from, rows: 1, cols: len, triangle: triangle,
                            wantNTK: wantNTK)
                    }
                }
            case .copy(let from, let to):
                nngp(to).update(from: nngp(from), count: len)
                if wantNTK { ntk(to).update(from: ntk(from), count: len) }
            case .add(let into, let from):
                let p = nngp(into)
                let s = nngp(from)
                for i in 0..<len { p[i] += s[i] }
                if wantNTK {
                    let t = ntk(into)
                    let u = ntk(from)
                    for i in 0..<len { t[i] += u[i] }
                }
            }
        }
    }
}
