/// A dense 2-D float64 matrix in row-major order: the one array type of Tangent.
///
/// A vector is an n×1 matrix. NTKCore traps on programmer errors (shape
/// preconditions); the language layer checks shapes before it calls in.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// Entries in row-major order: element (i, j) is `storage[i * cols + j]`.
    public var storage: [Double]

    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)×\(cols)")
        precondition(
            storage.count == rows * cols,
            "Matrix: \(storage.count) entries for shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, storage: [Double](repeating: value, count: rows * cols))
    }

    /// Builds a matrix by calling `entry(i, j)` for every element.
    public init(rows: Int, cols: Int, _ entry: (Int, Int) -> Double) {
        var storage = [Double]()
        storage.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { storage.append(entry(i, j)) } }
        self.init(rows: rows, cols: cols, storage: storage)
    }

    /// An n×1 column vector.
    public init(column: [Double]) {
        self.init(rows: column.count, cols: 1, storage: column)
    }

    /// A matrix from rows of equal length.
    public init(rowArrays: [[Double]]) {
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "Matrix: ragged rows")
        self.init(rows: rowArrays.count, cols: c, storage: rowArrays.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i * n + i] = 1 }
        return m
    }

    public var count: Int { rows * cols }
    public var isEmpty: Bool { count == 0 }
    public var isSquare: Bool { rows == cols }
    /// A shape as people write it: `3×4`.
    public var shapeDescription: String { Matrix.shapeDescription(rows: rows, cols: cols) }
    public static func shapeDescription(rows: Int, cols: Int) -> String { "\(rows)×\(cols)" }

    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    public var transposed: Matrix {
        if rows == 1 || cols == 1 { return Matrix(rows: cols, cols: rows, storage: storage) }
        var out = [Double](repeating: 0, count: count)
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                // Blocked transpose keeps both sides in cache for large matrices.
                let block = 32
                for ib in stride(from: 0, to: rows, by: block) {
                    for jb in stride(from: 0, to: cols, by: block) {
                        for i in ib..<min(ib + block, rows) {
                            for j in jb..<min(jb + block, cols) {
                                dst[j * rows + i] = src[i * cols + j]
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: cols, cols: rows, storage: out)
    }

    public func map(_ f: (Double) -> Double) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: storage.map(f))
    }

    /// The diagonal as an n×1 vector (n = min(rows, cols)).
    public var diagonal: Matrix {
        let n = Swift.min(rows, cols)
        return Matrix(column: (0..<n).map { self[$0, $0] })
    }

    /// Rows `r` and columns `c` (ranges are half-open).
    public func submatrix(rows r: Range<Int>, cols c: Range<Int>) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(r.count * c.count)
        for i in r { out.append(contentsOf: storage[(i * cols + c.lowerBound)..<(i * cols + c.upperBound)]) }
        return Matrix(rows: r.count, cols: c.count, storage: out)
    }

    /// True when every entry is finite.
    public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }
}

extension Matrix {
    /// Matrices side by side (equal row counts).
    public static func hcat(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        precondition(parts.allSatisfy { $0.rows == first.rows }, "hcat: row counts differ")
        let cols = parts.reduce(0) { $0 + $1.cols }
        var out = [Double]()
        out.reserveCapacity(first.rows * cols)
        for i in 0..<first.rows {
            for p in parts { out.append(contentsOf: p.storage[(i * p.cols)..<((i + 1) * p.cols)]) }
        }
        return Matrix(rows: first.rows, cols: cols, storage: out)
    }

    /// Matrices stacked top to bottom (equal column counts).
    public static func vcat(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        precondition(parts.allSatisfy { $0.cols == first.cols }, "vcat: column counts differ")
        return Matrix(
            rows: parts.reduce(0) { $0 + $1.rows }, cols: first.cols,
            storage: parts.flatMap { $0.storage })
    }
}
