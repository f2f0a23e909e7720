/// The minibatches of `train(..., batch_size:)` (LANGUAGE.md §11): each epoch draws one numpy
/// `permutation` of the n rows and takes consecutive slices of `batchSize` rows from it; the last,
/// shorter slice of an epoch is used as it is. A permutation is drawn only when an epoch starts,
/// so a run that stops mid-epoch has drawn exactly what the same loop over numpy
/// `rng.permutation(n)` draws. It exists apart from the training loop so a notebook's stream
/// can be lent to it and handed back (`generator`).
package struct Minibatches: Sendable {
    package let rows: Int
    package let batchSize: Int
    /// The stream the permutations come from, as far as they have drawn.
    package private(set) var generator: NumpyGenerator
    private var order: [Int] = []
    private var position = 0

    /// Slices of `batchSize` (1 … rows) rows of a permutation of `rows` (≥ 1) rows.
    package init(rows: Int, batchSize: Int, generator: NumpyGenerator) {
        precondition(rows >= 1 && batchSize >= 1 && batchSize <= rows, "Minibatches: \(batchSize) of \(rows) rows")
        self.rows = rows
        self.batchSize = batchSize
        self.generator = generator
    }

    /// Updates in one epoch: ⌈rows / batchSize⌉.
    package var stepsPerEpoch: Int { (rows + batchSize - 1) / batchSize }

    /// The row indices of the next step's minibatch.
    package mutating func next() -> ArraySlice<Int> {
        if position >= order.count {
            order = generator.permutation(rows)
            position = 0
        }
        let end = min(position + batchSize, rows)
        defer { position = end }
        return order[position..<end]
    }
}

extension Matrix {
    /// The rows `indices` of this matrix, in that order (numpy `A[idx]`).
    func selectingRows(_ indices: ArraySlice<Int>) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * cols)
        storage.withUnsafeBufferPointer { s in
            for r in indices { out.append(contentsOf: s[(r * cols)..<((r + 1) * cols)]) }
        }
        return Matrix(rows: indices.count, cols: cols, storage: out)
    }
}
