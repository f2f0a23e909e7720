import NTKCore

/// Classification tools (docs/language.md#builtins, LANGUAGE.md §11): one-hot labels, softmax
/// and log-softmax, accuracy, numpy's `permutation`, `nonzero` for selecting a class and
/// `standardize` as scikit-learn's StandardScaler. Each follows numpy's definition.
extension Builtins {
    static let classification: [Builtin] = [
        Builtin(
            "one_hot", [.required("labels"), .required("k")],
            "n×k matrix with a 1 in column labels[i] of row i, from an n×1 of class indices 0…k-1"
        ) { c throws(Diagnostic) in
            let k = try c.integer("k", minimum: 1)
            let labels = try classIndices(c, "labels", classes: k)
            try c.ensureAllocatable(labels.count * k, what: "one_hot")
            var out = Matrix(rows: labels.count, cols: k)
            for (i, l) in labels.enumerated() { out[i, l] = 1 }
            return .matrix(out)
        },
        lanewise(
            "softmax",
            "exp(A) normalised to sum 1 along each row (axis: 0 each column, none the whole matrix); "
                + "stable for logits of any size (scipy.special.softmax)", CrossEntropy.softmax),
        lanewise(
            "log_softmax",
            "A − log Σ exp(A) along each row (axis: 0 each column, none the whole matrix); stable for logits of any "
                + "size (scipy.special.log_softmax)", CrossEntropy.logSoftmax),
        Builtin(
            "accuracy", [.required("outputs"), .required("labels")],
            "the fraction of rows of outputs (n×k) whose argmax is the label: labels n×1 class indices or n×k "
                + "one-hot"
        ) { c throws(Diagnostic) in
            let f = try c.matrix("outputs")
            guard f.rows > 0, f.cols > 0 else {
                throw c.fail("outputs", "accuracy() of an empty \(f.shapeDescription) matrix")
            }
            let y = try c.matrix("labels")
            let truth: [Int]
            if y.rows == f.rows && y.cols == f.cols && f.cols > 1 {
                truth = (0..<y.rows).map { firstExtreme(Axis.rows.lane($0, of: y), largest: true) }
            } else if y.rows == f.rows && y.cols == 1 {
                truth = try classIndices(c, "labels", classes: f.cols)
            } else {
                throw c.fail(
                    "labels",
                    "accuracy() needs labels as \(f.rows)×1 class indices or \(f.rows)×\(f.cols) one-hot rows for "
                        + "\(f.shapeDescription) outputs, got \(y.shapeDescription)")
            }
            var hits = 0
            for i in 0..<f.rows where firstExtreme(Axis.rows.lane(i, of: f), largest: true) == truth[i] { hits += 1 }
            return .number(Double(hits) / Double(f.rows))
        },
        Builtin(
            "permutation", [.required("n"), .keyword("seed")],
            "n×1 of the indices 0…n-1 in random order: numpy default_rng(seed).permutation(n)"
        ) { c throws(Diagnostic) in
            let n = try c.integer("n")
            try c.ensureAllocatable(n * 3, what: "permutation(\(n))")
            let order = try c.withGenerator { $0.permutation(n) }
            return .matrix(Matrix(column: order.map(Double.init)))
        },
        Builtin(
            "nonzero", [.required("mask")],
            "n×1 of the indices of the non-zero entries (nan counts), row-major in a matrix, so "
                + "X[nonzero(y == 3)] selects the rows of class 3 (numpy.flatnonzero)"
        ) { c throws(Diagnostic) in
            let m: Matrix
            if case .bool(let b) = c.value("mask") {
                m = Matrix(rows: 1, cols: 1, storage: [b ? 1 : 0])
            } else {
                m = try c.matrix("mask")
            }
            return .matrix(Matrix(column: m.storage.indices.filter { m.storage[$0] != 0 }.map(Double.init)))
        },
        Builtin(
            "standardize", [.required("X"), .keyword("axis", .number(0))],
            "each column centred and divided by its population std (axis: 1 each row, none the whole matrix); a "
                + "constant column is only centred (scikit-learn StandardScaler)"
        ) { c throws(Diagnostic) in
            let x = try c.matrix("X")
            let scale: ([Double]) -> [Double] = { lane in
                guard !lane.isEmpty else { return lane }
                let n = Double(lane.count)
                let mean = lane.reduce(0, +) / n
                let centred = lane.map { $0 - mean }
                let constant = lane.allSatisfy { $0 == lane[0] }
                if constant { return centred }
                let std = (centred.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
                return centred.map { $0 / std }
            }
            guard let axis = try Axis.parse(c) else {
                return .matrix(Matrix(rows: x.rows, cols: x.cols, storage: scale(x.storage)))
            }
            return .matrix(axis.transform(x, scale))
        }
    ]

    /// A builtin that maps each lane (row by default) of a matrix to a lane of the same length.
    private static func lanewise(
        _ name: String, _ summary: String, _ f: @escaping @Sendable ([Double]) -> [Double]
    ) -> Builtin {
        Builtin(name, [.required("A"), .keyword("axis", .number(1))], summary) { c throws(Diagnostic) in
            let a = try c.matrix("A")
            guard let axis = try Axis.parse(c) else {
                return .matrix(Matrix(rows: a.rows, cols: a.cols, storage: f(a.storage)))
            }
            return .matrix(axis.transform(a, f))
        }
    }

    /// Class indices from a vector argument (n×1, 1×n or a list): whole numbers in 0…classes-1.
    static func classIndices(_ c: BuiltinCall, _ p: String, classes k: Int) throws(Diagnostic) -> [Int] {
        let m = try c.matrix(p)
        guard m.cols == 1 || m.rows == 1 else {
            throw c.fail(p, "\(c.name)() needs \(p) as an n×1 of class indices, got a \(m.shapeDescription) matrix")
        }
        var out: [Int] = []
        out.reserveCapacity(m.count)
        for (i, x) in m.storage.enumerated() {
            guard x.isFinite, x == x.rounded(), x >= 0, x < Double(k) else {
                throw c.fail(
                    p,
                    "\(c.name)(): label \(ValueFormatter.number(x)) at index \(i) of \(p) is not a class index "
                        + "0…\(k - 1)")
            }
            out.append(Int(x))
        }
        return out
    }
}
