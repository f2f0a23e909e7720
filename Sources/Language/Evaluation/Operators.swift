import Foundation
import NTKCore

/// Arithmetic and comparison with numpy's 2-D broadcasting (numbers, n×1, 1×k, n×k).
enum Operators {
    /// Strings up to this many bytes are joined without checking the memory budget.
    static let smallString = 64 * 1024
    /// Lists up to this many items are joined without reading the memory budget.
    static let smallList = 4096

    static func unaryPlus(_ v: Value, range: SourceRange) throws(Diagnostic) -> Value {
        switch v {
        case .number, .matrix, .images: return v
        default: throw .error("unary '+' needs a number or matrix, got \(v.typeDescription)", at: range)
        }
    }

    static func negate(_ v: Value, range: SourceRange) throws(Diagnostic) -> Value {
        switch v {
        case .number(let x): return .number(-x)
        case .matrix(let m): return .matrix(m.map { -$0 })
        case .images(let i): return .images(i.with(pixels: i.pixels.map { -$0 }))
        case .list where v.asMatrix != nil: return .matrix(v.asMatrix!.map { -$0 })
        default: throw .error("unary '-' needs a number or matrix, got \(v.typeDescription)", at: range)
        }
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, opRange: SourceRange) throws(Diagnostic) -> Value {
        if case .images = a { return try images(op, a, b, opRange: opRange) }
        if case .images = b { return try images(op, a, b, opRange: opRange) }
        if op == .matmul { return try matmul(a, b, opRange: opRange) }
        if op == .add, case .string(let x) = a, case .string(let y) = b {
            // `s = s + s` line after line doubles a string: refuse one that cannot fit (short
            // ones, the usual labels and captions, skip reading the budget).
            let (bytes, overflow) = x.utf8.count.addingReportingOverflow(y.utf8.count)
            if overflow || bytes > smallString {
                try MemoryGuard.check(
                    bytes: overflow ? .max : bytes,
                    what: "the \(overflow ? "" : "\(bytes)-byte ")string made by '+'", at: opRange)
            }
            return .string(x + y)
        }
        // `+` joins two lists (docs/language.md#comprehensions-lists-and-strings); a list with a
        // matrix or number is a column. (`xs = xs + xs` in a loop doubles a list: refuse one that
        // cannot fit.)
        if op == .add, case .list(let x) = a, case .list(let y) = b {
            if x.count + y.count > smallList {
                try MemoryGuard.check(
                    listItems: x.count + y.count, what: "the list of \(x.count + y.count) items made by '+'",
                    at: opRange)
            }
            return .list(x + y)
        }
        let f: (Double, Double) -> Double
        switch op {
        case .add: f = (+)
        case .subtract: f = (-)
        case .multiply: f = (*)
        case .divide: f = (/)
        case .power: f = { Foundation.pow($0, $1) }
        case .matmul: f = (*)  // handled above
        }
        if case .number(let x) = a, case .number(let y) = b { return .number(f(x, y)) }
        let (ma, mb) = try operands(a, b, op.rawValue, opRange: opRange)
        return .matrix(Matrix.broadcast(ma, mb, f))
    }

    /// Arithmetic on images: `+ - * /` with a number, or with images of the same shape,
    /// elementwise; anything else is a located error that says what is allowed.
    private static func images(_ op: BinaryOperator, _ a: Value, _ b: Value, opRange: SourceRange) throws(Diagnostic)
        -> Value
    {
        let f: (Double, Double) -> Double
        switch op {
        case .add: f = (+)
        case .subtract: f = (-)
        case .multiply: f = (*)
        case .divide: f = (/)
        case .power, .matmul:
            throw .error(
                "'\(op.rawValue)' does not take images: images allow + - * / with a number or with images of the "
                    + "same shape (flatten(I) gives the matrix)", at: opRange)
        }
        // The result is as large as the images operand; refuse one that cannot fit.
        var size = 0
        for case .images(let i) in [a, b] { size = max(size, i.pixels.count) }
        try MemoryGuard.check(doubles: size, what: "the images made by '\(op.rawValue)'", at: opRange)
        switch (a, b) {
        case (.images(let x), .number(let y)): return .images(x.with(pixels: x.pixels.map { f($0, y) }))
        case (.number(let x), .images(let y)): return .images(y.with(pixels: y.pixels.map { f(x, $0) }))
        case (.images(let x), .images(let y)):
            guard x.shape == y.shape else {
                throw .error(
                    "'\(op.rawValue)' needs images of the same shape, got \(x.shapeDescription) and "
                        + "\(y.shapeDescription)", at: opRange)
            }
            return .images(x.with(pixels: Matrix.broadcast(x.pixels, y.pixels, f)))
        default:
            let other = { if case .images = a { return b } else { return a } }()
            throw .error(
                "'\(op.rawValue)' cannot combine images with \(other.typeDescription): images allow + - * / with a "
                    + "number or with images of the same shape (flatten(I) gives the matrix)", at: opRange)
        }
    }

    /// Both operands as matrices with broadcast-compatible shapes, or a located error.
    private static func operands(_ a: Value, _ b: Value, _ op: String, opRange: SourceRange) throws(Diagnostic) -> (
        Matrix, Matrix
    ) {
        guard let ma = numeric(a) else {
            throw .error("'\(op)' needs numbers or matrices, got \(a.typeDescription) on the left", at: opRange)
        }
        guard let mb = numeric(b) else {
            throw .error("'\(op)' needs numbers or matrices, got \(b.typeDescription) on the right", at: opRange)
        }
        guard let shape = Matrix.broadcastShape((ma.rows, ma.cols), (mb.rows, mb.cols)) else {
            throw .error(
                "shapes \(ma.shapeDescription) and \(mb.shapeDescription) cannot be broadcast together for '\(op)'",
                at: opRange)
        }
        // An n×1 column against a 1×k row makes an n×k result: refuse one that cannot fit.
        try guardResult(shape.0, shape.1, op, opRange: opRange)
        return (ma, mb)
    }

    private static func numeric(_ v: Value) -> Matrix? {
        switch v {
        case .number, .matrix, .list: return v.asMatrix
        default: return nil
        }
    }

    private static func matmul(_ a: Value, _ b: Value, opRange: SourceRange) throws(Diagnostic) -> Value {
        guard case .matrix(let ma) = a.asMatrix.map(Value.matrix) ?? .none, !(isNumber(a)) else {
            throw .error("'@' needs matrices, got \(a.typeDescription) on the left (use '*' to scale)", at: opRange)
        }
        guard case .matrix(let mb) = b.asMatrix.map(Value.matrix) ?? .none, !(isNumber(b)) else {
            throw .error("'@' needs matrices, got \(b.typeDescription) on the right (use '*' to scale)", at: opRange)
        }
        guard ma.cols == mb.rows else {
            throw .error(
                "shapes \(ma.shapeDescription) and \(mb.shapeDescription) do not match for '@' "
                    + "(\(ma.cols) columns vs \(mb.rows) rows)", at: opRange)
        }
        try guardResult(ma.rows, mb.cols, "@", opRange: opRange)
        return .matrix(ma.matmul(mb))
    }

    private static func guardResult(_ rows: Int, _ cols: Int, _ op: String, opRange: SourceRange) throws(Diagnostic) {
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        try MemoryGuard.check(
            doubles: overflow ? .max : count, what: "the \(rows)×\(cols) result of '\(op)'", at: opRange)
    }

    private static func isNumber(_ v: Value) -> Bool {
        if case .number = v { return true }
        return false
    }

    /// True when the comparison holds (for matrices: for every element after broadcasting).
    /// A comparison: of two numbers (or strings, or any values for `==`/`!=`) a bool; of
    /// matrices (a number or list against a matrix too) the 0/1 mask of where it holds, entry by
    /// entry with numpy broadcasting (docs/language.md#expressions).
    static func compare(_ op: ComparisonOperator, _ a: Value, _ b: Value, opRange: SourceRange) throws(Diagnostic)
        -> Value
    {
        let f = predicate(op)
        let isMatrix: (Value) -> Bool = { if case .matrix = $0 { return true } else { return false } }
        if isMatrix(a) || isMatrix(b), numeric(a) != nil, numeric(b) != nil {
            let (ma, mb) = try operands(a, b, op.rawValue, opRange: opRange)
            return .matrix(Matrix.broadcast(ma, mb) { f($0, $1) ? 1 : 0 })
        }
        return .bool(try compareValues(op, a, b, opRange: opRange))
    }

    /// Two links of a chained comparison, both holding: `and` of bools, entrywise of masks.
    static func both(_ a: Value, _ b: Value, opRange: SourceRange) throws(Diagnostic) -> Value {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return .bool(x && y)
        case (.bool(true), _): return b
        case (_, .bool(true)): return a
        case (.bool(false), _), (_, .bool(false)): return .bool(false)
        default:
            let (ma, mb) = try operands(a, b, "and", opRange: opRange)
            return .matrix(Matrix.broadcast(ma, mb) { $0 != 0 && $1 != 0 ? 1 : 0 })
        }
    }

    private static func predicate(_ op: ComparisonOperator) -> (Double, Double) -> Bool {
        switch op {
        case .less: return (<)
        case .lessEqual: return (<=)
        case .greater: return (>)
        case .greaterEqual: return (>=)
        case .equal: return (==)
        case .notEqual: return (!=)
        }
    }

    private static func compareValues(_ op: ComparisonOperator, _ a: Value, _ b: Value, opRange: SourceRange)
        throws(Diagnostic) -> Bool
    {
        let f: (Double, Double) -> Bool
        switch op {
        case .less: f = (<)
        case .lessEqual: f = (<=)
        case .greater: f = (>)
        case .greaterEqual: f = (>=)
        case .equal: f = (==)
        case .notEqual: f = (!=)
        }
        if case .number(let x) = a, case .number(let y) = b { return f(x, y) }
        if numeric(a) != nil, numeric(b) != nil {
            let (ma, mb) = try operands(a, b, op.rawValue, opRange: opRange)
            let result = Matrix.broadcast(ma, mb) { f($0, $1) ? 1 : 0 }
            return result.storage.allSatisfy { $0 == 1 }
        }
        switch (op, a, b) {
        case (.equal, _, _): return a == b
        case (.notEqual, _, _): return a != b
        case (_, .string(let x), .string(let y)):
            switch op {
            case .less: return x < y
            case .lessEqual: return x <= y
            case .greater: return x > y
            default: return x >= y
            }
        default:
            throw .error(
                "cannot compare \(a.typeDescription) with \(b.typeDescription) using '\(op.rawValue)'", at: opRange)
        }
    }
}
