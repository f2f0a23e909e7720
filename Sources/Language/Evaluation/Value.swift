import NTKCore

/// A value of the `ntk` language (docs/language.md#values). Every matrix is float64; a vector
/// is n×1.
package enum Value: Equatable, Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case none
    case list([Value])
    case matrix(Matrix)
    case network(MLP)
    /// A network built from stax layers (docs/language.md#builtins).
    case layer(Layer)
    case params(NetworkParams)
    case record(Record)
    /// A `def` function (docs/language.md#functions-and-scope).
    case function(Function)
    /// `table(A, columns:)`: a matrix shown in full with named columns.
    case table(Table)
    /// n samples of height × width × channels (docs/language.md#images-and-convolutions).
    case images(Images)

    /// The kind of value as a user reads it in an error message ("a 3×2 matrix").
    package var typeDescription: String {
        switch self {
        case .number: return "a number"
        case .bool: return "a bool"
        case .string: return "a string"
        case .none: return "none"
        case .list(let items): return "a list of \(items.count)"
        case .matrix(let m): return "a \(m.shapeDescription) matrix"
        case .network: return "a network"
        case .layer: return "a network"
        case .params: return "params"
        case .record: return "a record"
        case .function(let f) where f.builtinName != nil:
            // Most often a call without its parentheses (`I = eye`): say how to call it.
            return "the builtin function \(f.name) (to call it: \(f.name)(...))"
        case .function(let f): return "the function \(f.name)"
        case .table(let t): return "a \(t.matrix.shapeDescription) table"
        case .images(let i): return "images (\(i.shapeDescription))"
        }
    }

    /// The kind name alone ("matrix"), for signatures.
    package var kindName: String {
        switch self {
        case .number: return "number"
        case .bool: return "bool"
        case .string: return "string"
        case .none: return "none"
        case .list: return "list"
        case .matrix: return "matrix"
        case .network: return "network"
        case .layer: return "layer"
        case .params: return "params"
        case .record: return "record"
        case .function: return "function"
        case .table: return "table"
        case .images: return "images"
        }
    }

    /// This value as a matrix, when it is one or can stand for one: a number is 1×1, a list of
    /// numbers is an n×1 column, a list of equal-length number lists is a matrix.
    package var asMatrix: Matrix? {
        switch self {
        case .matrix(let m): return m
        case .table(let t): return t.matrix
        case .number(let v): return Matrix(rows: 1, cols: 1, storage: [v])
        case .list(let items): return Value.matrix(fromList: items)
        default: return nil
        }
    }

    /// `[1, 2, 3]` → 3×1; `[[1, 2], [3, 4]]` → 2×2; anything else → nil.
    static func matrix(fromList items: [Value]) -> Matrix? {
        if items.isEmpty { return nil }
        var numbers: [Double] = []
        numbers.reserveCapacity(items.count)
        for item in items {
            guard case .number(let v) = item else { break }
            numbers.append(v)
        }
        if numbers.count == items.count { return Matrix(column: numbers) }
        var rows: [[Double]] = []
        for item in items {
            guard case .list(let row) = item else { return nil }
            var r: [Double] = []
            for x in row {
                guard case .number(let v) = x else { return nil }
                r.append(v)
            }
            rows.append(r)
        }
        guard let width = rows.first?.count, width > 0, rows.allSatisfy({ $0.count == width }) else { return nil }
        return Matrix(rowArrays: rows)
    }
}

/// A value with named fields (what `predict_ensemble` returns: `r.mean`, `r.cov`).
package struct Record: Equatable, Sendable {
    package var fields: [(name: String, value: Value)]

    package init(_ fields: [(name: String, value: Value)]) { self.fields = fields }

    package subscript(name: String) -> Value? { fields.first { $0.name == name }?.value }
    package var fieldNames: [String] { fields.map(\.name) }

    package static func == (a: Record, b: Record) -> Bool {
        a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
