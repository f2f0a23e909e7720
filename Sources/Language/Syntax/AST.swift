/// An expression node with its source range (every node has one, for diagnostics).
package struct Expr: Equatable, Sendable {
    package indirect enum Kind: Equatable, Sendable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case none
        case name(String)
        /// `[a, b, c]`; a list of equal-length number lists evaluates to a matrix.
        case list([Expr])
        case call(callee: String, calleeRange: SourceRange, arguments: [Argument])
        /// `make(2)(5)`, `fs[0](x)`: a call of the function an expression evaluates to.
        case callValue(Expr, arguments: [Argument])
        case index(Expr, [IndexItem])
        case field(Expr, name: String, nameRange: SourceRange)
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr, opRange: SourceRange)
        /// `a < b <= c`: chained like Python (every link must hold).
        case comparison(Expr, [ComparisonLink])
        case and(Expr, Expr)
        case or(Expr, Expr)
        case not(Expr)
        /// `[element for x in xs if cond for y in ys]`: a list, its variables local to it.
        case comprehension(element: Expr, clauses: [ComprehensionClause])
        /// `f"…{expr:spec}…"`.
        case fstring([FStringSegment])
    }

    package var kind: Kind
    package var range: SourceRange
    /// Levels of nesting below and including this node (a literal is 1). The parser refuses
    /// trees deeper than `Parser.maxDepth`, so evaluation can never overflow the stack.
    package let height: Int

    package init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
        height = 1 + Expr.childHeight(kind)
    }

    private static func childHeight(_ kind: Kind) -> Int {
        children(of: kind).map(\.height).max() ?? 0
    }

    /// The direct subexpressions, in the order they are evaluated (a comprehension's clauses
    /// before its element).
    package var children: [Expr] { Expr.children(of: kind) }

    private static func children(of kind: Kind) -> [Expr] {
        switch kind {
        case .number, .string, .bool, .none, .name: return []
        case .list(let items): return items
        case .call(_, _, let args): return args.map(\.value)
        case .callValue(let callee, let args): return [callee] + args.map(\.value)
        case .index(let base, let items):
            return [base]
                + items.flatMap { item -> [Expr] in
                    switch item {
                    case .single(let e): return [e]
                    case .slice(let a, let b, let c, _): return [a, b, c].compactMap { $0 }
                    }
                }
        case .field(let base, _, _): return [base]
        case .unary(_, let x), .not(let x): return [x]
        case .binary(_, let a, let b, _), .and(let a, let b), .or(let a, let b): return [a, b]
        case .comparison(let first, let links): return [first] + links.map(\.rhs)
        case .comprehension(let element, let clauses):
            return clauses.map { c in
                switch c {
                case .for(_, _, let xs): return xs
                case .if(let x): return x
                }
            } + [element]
        case .fstring(let segments):
            return segments.compactMap { s in
                if case .field(let e, _, _) = s { return e }
                return nil
            }
        }
    }
}

/// One `for name in iterable` or `if condition` clause of a comprehension, in source order.
package enum ComprehensionClause: Equatable, Sendable {
    case `for`(name: String, nameRange: SourceRange, iterable: Expr)
    case `if`(Expr)
}

/// A piece of an f-string: literal text or a field with an optional format spec.
package enum FStringSegment: Equatable, Sendable {
    case literal(String)
    case field(Expr, spec: String?, range: SourceRange)
}

/// One argument of a call: positional (`label == nil`) or `label: value`.
package struct Argument: Equatable, Sendable {
    package var label: String?
    package var labelRange: SourceRange?
    package var value: Expr
    package init(label: String?, labelRange: SourceRange?, value: Expr) {
        self.label = label
        self.labelRange = labelRange
        self.value = value
    }
}

/// One subscript position: an index or a `start:stop:step` slice (each part optional).
package enum IndexItem: Equatable, Sendable {
    case single(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?, range: SourceRange)

    package var range: SourceRange {
        switch self {
        case .single(let e): return e.range
        case .slice(_, _, _, let r): return r
        }
    }
}

package struct ComparisonLink: Equatable, Sendable {
    package var op: ComparisonOperator
    package var opRange: SourceRange
    package var rhs: Expr
}

package enum UnaryOperator: String, Sendable {
    case negate = "-"
    case plus = "+"
}

package enum BinaryOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case matmul = "@"
    case power = "^"
}

package enum ComparisonOperator: String, Sendable {
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case equal = "=="
    case notEqual = "!="
}

/// One statement (one logical line) of an `ntk` block.
package struct Statement: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case assign(name: String, nameRange: SourceRange, value: Expr)
        case show(Expr, caption: Expr?)
        case expect(Expr)
        case expression(Expr)
        /// `if c: … elif d: … else: …`
        case conditional(branches: [ConditionalBranch], orElse: [Statement]?)
        /// `for name in iterable:`
        case loop(name: String, nameRange: SourceRange, iterable: Expr, body: [Statement])
        /// `while condition:`
        case whileLoop(condition: Expr, body: [Statement])
        /// `def name(params):`
        case function(FunctionDefinition)
        case returnValue(Expr?)
        case breakLoop
        case continueLoop
        case pass
    }

    package var kind: Kind
    package var range: SourceRange
    package init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// `if`/`elif` condition and the body it guards.
package struct ConditionalBranch: Equatable, Sendable {
    package var condition: Expr
    package var body: [Statement]
    package init(condition: Expr, body: [Statement]) {
        self.condition = condition
        self.body = body
    }
}

/// A `def`: its parameters (positional ones first, then keyword ones with defaults), its body,
/// the names it binds (local to each call, as in Python), and its own source lines, so that a
/// function kept in the cache can be parsed again at the same place in the file.
package struct FunctionDefinition: Equatable, Sendable {
    package struct Parameter: Equatable, Sendable {
        package var name: String
        package var range: SourceRange
        /// Set for keyword parameters (`seed: 0`); evaluated when the `def` runs.
        package var defaultValue: Expr?
    }

    package var name: String
    package var nameRange: SourceRange
    package var parameters: [Parameter]
    package var body: [Statement]
    /// Parameters and every name the body binds (assignments, loop variables, nested defs).
    package var locals: Set<String>
    /// The lines of the `def` (header and body) as they are in the file.
    package var source: [SourceText.Line]

    package static func == (a: FunctionDefinition, b: FunctionDefinition) -> Bool {
        a.name == b.name && a.nameRange == b.nameRange && a.parameters == b.parameters && a.body == b.body
    }
}
