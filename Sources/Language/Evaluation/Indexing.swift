import NTKCore

/// numpy-style indexing and slicing: 0-based, negative indices count from the end, slices are
/// `start:stop:step` with the end excluded. One index on an n×1 or 1×n matrix picks an element.
/// A list or vector of whole numbers selects those rows (`A[idx]`, `A[idx, :]`) or columns
/// (`A[:, idx]`) in its order, as numpy's fancy indexing; at most one index may be such a list.
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
            case .slice(let idx): return .matrix(try gather(m, rows: idx, cols: Array(0..<m.cols), at: items[0].range))
            }
        case 2:
            let (r, rowList) = try selection(items[0], size: m.rows, what: shape + " (axis 0)")
            let (c, colList) = try selection(items[1], size: m.cols, what: shape + " (axis 1)")
            if rowList && colList {
                throw .error(
                    "a matrix takes at most one list of indices (numpy would pair them up); select the rows, then "
                        + "the columns: A[rows][:, cols]", at: items[1].range)
            }
            switch (r, c) {
            case (.index(let i), .index(let j)): return .number(m[i, j])
            case (.index(let i), .slice(let cols)):
                return .matrix(try gather(m, rows: [i], cols: cols, at: items[1].range))
            case (.slice(let rows), .index(let j)):
                return .matrix(try gather(m, rows: rows, cols: [j], at: items[0].range))
            case (.slice(let rows), .slice(let cols)):
                return .matrix(try gather(m, rows: rows, cols: cols, at: (rowList ? items[0] : items[1]).range))
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

    /// The rows × cols selection of `m`; a list of indices may repeat rows, so the result is
    /// refused (at `range`) when it cannot fit in memory.
    private func gather(_ m: Matrix, rows: [Int], cols: [Int], at range: SourceRange) throws(Diagnostic) -> Matrix {
        let (count, overflow) = rows.count.multipliedReportingOverflow(by: cols.count)
        try MemoryGuard.check(doubles: overflow ? .max : count, what: "this selection", at: range)
        var out: [Double] = []
        out.reserveCapacity(rows.count * cols.count)
        for i in rows { for j in cols { out.append(m[i, j]) } }
        return Matrix(rows: rows.count, cols: cols.count, storage: out)
    }

    private func selector(_ item: IndexItem, size: Int, what: String) throws(Diagnostic) -> Selector {
        try selection(item, size: size, what: what).selector
    }

    /// The selector of one index, and whether it was a list of indices (fancy indexing).
    private func selection(_ item: IndexItem, size: Int, what: String) throws(Diagnostic) -> (
        selector: Selector, fromList: Bool
    ) {
        switch item {
        case .single(let e):
            let v = try evaluate(e)
            if let list = try indexList(v, at: e.range) {
                var out: [Int] = []
                out.reserveCapacity(list.count)
                for i in list {
                    let k = i < 0 ? i + size : i
                    guard k >= 0, k < size else {
                        throw .error(
                            "index \(i) is out of range for a \(what) (valid: \(-size) to \(size - 1))", at: e.range)
                    }
                    out.append(k)
                }
                return (.slice(out), true)
            }
            let i = try integer(v, at: e.range, role: "index")
            let k = i < 0 ? i + size : i
            guard k >= 0, k < size else {
                throw .error("index \(i) is out of range for a \(what) (valid: \(-size) to \(size - 1))", at: e.range)
            }
            return (.index(k), false)
        case .slice(let a, let b, let c, _):
            let step = try c.map { e throws(Diagnostic) in try integer(e, role: "slice step") } ?? 1
            if step == 0, let c { throw .error("slice step cannot be zero", at: c.range) }
            let start = try a.map { e throws(Diagnostic) in try integer(e, role: "slice start") }
            let stop = try b.map { e throws(Diagnostic) in try integer(e, role: "slice stop") }
            return (.slice(Evaluator.sliceIndices(start: start, stop: stop, step: step, size: size)), false)
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

    /// The indices of a list or vector used as an index (fancy indexing); nil for anything else.
    private func indexList(_ v: Value, at range: SourceRange) throws(Diagnostic) -> [Int]? {
        let numbers: [Double]
        switch v {
        case .list(let items):
            var xs: [Double] = []
            for item in items {
                guard case .number(let x) = item else {
                    throw .error("a list of indices must hold whole numbers, got \(item.typeDescription)", at: range)
                }
                xs.append(x)
            }
            numbers = xs
        case .matrix(let m) where m.cols == 1 || m.rows == 1: numbers = m.storage
        case .matrix(let m):
            throw .error("indices must be a list or an n×1 vector, got a \(m.shapeDescription) matrix", at: range)
        default: return nil
        }
        var out: [Int] = []
        out.reserveCapacity(numbers.count)
        for x in numbers {
            guard x.isFinite, x == x.rounded() else {
                throw .error("an index must be a whole number, got \(ValueFormatter.number(x))", at: range)
            }
            guard abs(x) < 1e15 else { throw .error("index \(ValueFormatter.number(x)) is out of range", at: range) }
            out.append(Int(x))
        }
        return out
    }

    func integer(_ e: Expr, role: String) throws(Diagnostic) -> Int {
        try integer(try evaluate(e), at: e.range, role: role)
    }

    func integer(_ v: Value, at range: SourceRange, role: String) throws(Diagnostic) -> Int {
        guard case .number(let x) = v else {
            throw .error("\(role) must be a whole number, got \(v.typeDescription)", at: range)
        }
        guard x.isFinite, x == x.rounded() else {
            throw .error("\(role) must be a whole number, got \(ValueFormatter.number(x))", at: range)
        }
        if role == "index" && abs(x) >= 1e15 {
            throw .error("index \(ValueFormatter.number(x)) is out of range", at: range)
        }
        // Slice bounds far beyond any matrix clamp, as in numpy.
        return abs(x) < 1e15 ? Int(x) : (x < 0 ? -Int(1e15) : Int(1e15))
    }
}
