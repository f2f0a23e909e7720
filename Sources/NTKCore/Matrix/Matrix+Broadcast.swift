/// numpy's 2-D broadcasting: each dimension must be equal, or 1 on one side.
extension Matrix {
    /// The broadcast shape of two shapes, or nil when they are incompatible.
    public static func broadcastShape(_ a: (Int, Int), _ b: (Int, Int)) -> (Int, Int)? {
        func dim(_ x: Int, _ y: Int) -> Int? {
            if x == y { return x }
            if x == 1 { return y }
            if y == 1 { return x }
            return nil
        }
        guard let r = dim(a.0, b.0), let c = dim(a.1, b.1) else { return nil }
        return (r, c)
    }

    /// Applies `f` elementwise after broadcasting; the shapes must be compatible.
    public static func broadcast(_ a: Matrix, _ b: Matrix, _ f: (Double, Double) -> Double) -> Matrix {
        guard let (r, c) = broadcastShape((a.rows, a.cols), (b.rows, b.cols)) else {
            preconditionFailure("broadcast: \(a.shapeDescription) and \(b.shapeDescription)")
        }
        if a.rows == b.rows && a.cols == b.cols {
            var out = [Double](repeating: 0, count: r * c)
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    for k in 0..<(r * c) { out[k] = f(pa[k], pb[k]) }
                }
            }
            return Matrix(rows: r, cols: c, storage: out)
        }
        var out = [Double]()
        out.reserveCapacity(r * c)
        let ars = a.rows == 1 ? 0 : a.cols
        let acs = a.cols == 1 ? 0 : 1
        let brs = b.rows == 1 ? 0 : b.cols
        let bcs = b.cols == 1 ? 0 : 1
        for i in 0..<r {
            for j in 0..<c {
                out.append(f(a.storage[i * ars + j * acs], b.storage[i * brs + j * bcs]))
            }
        }
        return Matrix(rows: r, cols: c, storage: out)
    }
}
