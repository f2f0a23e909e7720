import NTKCore

/// numpy-style indexing and slicing: 0-based, negative indices count from the end, slices are
/// `start:stop:step` with the end excluded. One index on an n×1 or 1×n matrix picks an element.
extension Evaluator {
    enum Selector {
        case index(Int)
        case slice([Int])
    }

    func index(_ base: Value, _ items: [IndexItem], baseRange: SourceRange, range: SourceRange) throws(Diagnostic)
        -> Value
    {
        switch base {
        case .list(let values):
            guard items.count == 1 else {
                throw .error("a list takes one index, got \(items.count)", at: items[1].range)
            }
            switch try selector(items[0], size: values.count, what: "list of \(values.count)") {
            case .index(let i): return values[i]
            case .slice(let idx): return .list(idx.map { values[$0] })
            }
        case .matrix(let m):
            return try index(m, items)
        case .images(let i):
            return try index(i, items)
        case .string(let s):
            let chars = Array(s)
            guard items.count == 1 else { throw .error("a string takes one index", at: items[1].range) }
            switch try selector(items[0], size: chars.count, what: "string of length \(chars.count)") {
            case .index(let i): return .string(String(chars[i]))
            case .slice(let idx): return .string(String(idx.map { chars[$0] }))
            }
        default:
            throw .error("cannot index \(base.typeDescription)", at: baseRange)
        }
    }

    private func index(_ m: Matrix, _ items: [IndexItem]) throws(Diagnostic) -> Value {
        let shape = "\(m.shapeDescription) matrix"
        switch items.count {
        case 1:
            if m.cols == 1 || m.rows == 1 {
                let n = m.count
                let vertical = m.cols == 1
                switch try selector(items[0], size: n, what: shape) {
                case .index(let i): return .number(m.storage[i])
                case .slice(let idx):
                    let values = idx.map { m.storage[$0] }
                    return .matrix(
                        vertical ? Matrix(column: values) : Matrix(rows: 1, cols: values.count, storage: values))
                }
            }
            switch try selector(items[0], size: m.rows, what: shape + " (axis 0)") {
            case .index(let i): return .matrix(m.submatrix(rows: i..<(i + 1), cols: 0..<m.cols))
            case .slice(let idx): return .matrix(gather(m, rows: idx, cols: Array(0..<m.cols)))
            }
        case 2:
            let r = try selector(items[0], size: m.rows, what: shape + " (axis 0)")
            let c = try selector(items[1], size: m.cols, what: shape + " (axis 1)")
            switch (r, c) {
            case (.index(let i), .index(let j)): return .number(m[i, j])
            case (.index(let i), .slice(let cols)): return .matrix(gather(m, rows: [i], cols: cols))
            case (.slice(let rows), .index(let j)): return .matrix(gather(m, rows: rows, cols: [j]))
            case (.slice(let rows), .slice(let cols)): return .matrix(gather(m, rows: rows, cols: cols))
            }
        default:
            throw .error("a matrix takes at most 2 indices, got \(items.count)", at: items[2].range)
        }
    }

    /// `I[a:b]`, `I[k]` and `I[idx]` (a list or n×1 matrix of whole-number indices) select samples
    /// and give images; a sample keeps its height, width and channels.
    private func index(_ images: Images, _ items: [IndexItem]) throws(Diagnostic) -> Value {
        guard items.count == 1 else {
            throw .error(
                "images take one index (samples: I[a:b], I[k] or I[idx]), got \(items.count); "
                    + "flatten(I) gives the matrix", at: items[1].range)
        }
        let what = "images of \(images.count) samples"
        guard case .single(let e) = items[0] else {
            guard case .slice(let idx) = try selector(items[0], size: images.count, what: what) else {
                return .images(images)
            }
            return .images(images.samples(idx))
        }
        let v = try evaluate(e)
        let indices: [Double]
        switch v {
        case .number(let x): indices = [x]
        case .list, .matrix:
            guard let m = v.asMatrix, m.cols == 1 || m.rows == 1 else {
                throw .error(
                    "images are indexed by a number, a list of indices or an n×1 matrix of them, got "
                        + v.typeDescription, at: e.range)
            }
            indices = m.storage
        default:
            throw .error(
                "images are indexed by a number, a list of indices or an n×1 matrix of them, got \(v.typeDescription)",
                at: e.range)
        }
        var picked: [Int] = []
        picked.reserveCapacity(indices.count)
        for x in indices {
            guard x.isFinite, x == x.rounded() else {
                throw .error("an index of images must be a whole number, got \(ValueFormatter.number(x))", at: e.range)
            }
            let size = Double(images.count)
            let k = x < 0 ? x + size : x
            guard k >= 0, k < size else {
                throw .error(
                    "index \(ValueFormatter.number(x)) is out of range for \(what) (valid: \(-images.count) to "
                        + "\(images.count - 1))", at: e.range)
            }
            picked.append(Int(k))
        }
        let (count, overflow) = picked.count.multipliedReportingOverflow(by: images.pixels.cols)
        try MemoryGuard.check(
            doubles: overflow ? .max : count, what: "the \(picked.count) selected samples", at: e.range)
        return .images(images.samples(picked))
    }

    private func gather(_ m: Matrix, rows: [Int], cols: [Int]) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(rows.count * cols.count)
        for i in rows { for j in cols { out.append(m[i, j]) } }
        return Matrix(rows: rows.count, cols: cols.count, storage: out)
    }

    private func selector(_ item: IndexItem, size: Int, what: String) throws(Diagnostic) -> Selector {
        switch item {
        case .single(let e):
            let i = try integer(e, role: "index")
            let k = i < 0 ? i + size : i
            guard k >= 0, k < size else {
                throw .error("index \(i) is out of range for a \(what) (valid: \(-size) to \(size - 1))", at: e.range)
            }
            return .index(k)
        case .slice(let a, let b, let c, _):
            let step = try c.map { e throws(Diagnostic) in try integer(e, role: "slice step") } ?? 1
            if step == 0, let c { throw .error("slice step cannot be zero", at: c.range) }
            let start = try a.map { e throws(Diagnostic) in try integer(e, role: "slice start") }
            let stop = try b.map { e throws(Diagnostic) in try integer(e, role: "slice stop") }
            return .slice(Evaluator.sliceIndices(start: start, stop: stop, step: step, size: size))
        }
    }

    /// The indices numpy's `slice(start, stop, step).indices(size)` selects.
    static func sliceIndices(start: Int?, stop: Int?, step: Int, size: Int) -> [Int] {
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var x = v else { return dflt }
            if x < 0 { x += size }
            return min(max(x, lo), hi)
        }
        var out: [Int] = []
        if step > 0 {
            let s = clamp(start, 0, lo: 0, hi: size)
            let e = clamp(stop, size, lo: 0, hi: size)
            var i = s
            while i < e {
                out.append(i)
                i += step
            }
        } else {
            let s = clamp(start, size - 1, lo: -1, hi: size - 1)
            let e = clamp(stop, -1, lo: -1, hi: size - 1)
            var i = s
            // An explicit negative stop that clamps to -1 means "before the first element".
            let end = stop == nil ? -1 : e
            while i > end {
                out.append(i)
                i += step
            }
        }
        return out
    }

    func integer(_ e: Expr, role: String) throws(Diagnostic) -> Int {
        let v = try evaluate(e)
        guard case .number(let x) = v else {
            throw .error("\(role) must be a whole number, got \(v.typeDescription)", at: e.range)
        }
        guard x.isFinite, x == x.rounded() else {
            throw .error("\(role) must be a whole number, got \(ValueFormatter.number(x))", at: e.range)
        }
        if role == "index" && abs(x) >= 1e15 {
            throw .error("index \(ValueFormatter.number(x)) is out of range", at: e.range)
        }
        // Slice bounds far beyond any matrix clamp, as in numpy.
        return abs(x) < 1e15 ? Int(x) : (x < 0 ? -Int(1e15) : Int(1e15))
    }
}
