/// An expression node with its source range (every node has one, for diagnostics).
public struct Expr: Equatable, Sendable {
    public indirect enum Kind: Equatable, Sendable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case none
        case name(String)
        /// `[a, b, c]`; a list of equal-length number lists evaluates to a matrix.
        case list([Expr])
        case call(callee: String, calleeRange: SourceRange, arguments: [Argument])
        case index(Expr, [IndexItem])
        case field(Expr, name: String, nameRange: SourceRange)
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr, opRange: SourceRange)
        /// `a < b <= c`: chained like Python (every link must hold).
        case comparison(Expr, [ComparisonLink])
        case and(Expr, Expr)
        case or(Expr, Expr)
        case not(Expr)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, _ range: SourceRange) { self.kind = kind; self.range = range }
}

/// One argument of a call: positional (`label == nil`) or `label: value`.
public struct Argument: Equatable, Sendable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expr
    public init(label: String?, labelRange: SourceRange?, value: Expr) {
        self.label = label
        self.labelRange = labelRange
        self.value = value
    }
}

/// One subscript position: an index or a `start:stop:step` slice (each part optional).
public enum IndexItem: Equatable, Sendable {
    case single(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .single(let e): return e.range
        case .slice(_, _, _, let r): return r
        }
    }
}

public struct ComparisonLink: Equatable, Sendable {
    public var op: ComparisonOperator
    public var opRange: SourceRange
    public var rhs: Expr
}

public enum UnaryOperator: String, Sendable { case negate = "-", plus = "+" }

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", matmul = "@", power = "^"
}

public enum ComparisonOperator: String, Sendable {
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
}

/// One statement (one logical line) of an `ntk` block.
public struct Statement: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case assign(name: String, nameRange: SourceRange, value: Expr)
        case show(Expr, caption: Expr?)
        case expect(Expr)
        case expression(Expr)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, _ range: SourceRange) { self.kind = kind; self.range = range }
}
