import TangentSupport

extension BinaryWriter {
    /// A matrix: rows, columns, then its doubles in row-major order.
    package mutating func matrix(_ m: Matrix) {
        int(m.rows)
        int(m.cols)
        doubles(m.storage)
    }
}

extension BinaryReader {
    /// A matrix as `BinaryWriter.matrix` wrote it; nil when the bytes are damaged.
    package mutating func matrix() -> Matrix? {
        guard let r = int(), let c = int(), r >= 0, c >= 0, let data = doubles(),
            r.multipliedReportingOverflow(by: c).overflow == false, data.count == r * c
        else { return nil }
        return Matrix(rows: r, cols: c, storage: data)
    }
}
