import NTKCore

/// Runs statements against an `EvaluationContext`: a `switch` over the AST, no visitor classes.
public struct Evaluator {
    public let context: EvaluationContext
    let source: SourceText

    public init(context: EvaluationContext, source: SourceText) {
        self.context = context
        self.source = source
    }

    public func run(_ statements: [Statement]) throws(Diagnostic) {
        for s in statements {
            try context.checkDeadline(at: s.range)
            try execute(s)
        }
    }

    func execute(_ s: Statement) throws(Diagnostic) {
        switch s.kind {
        case .assign(let name, _, let value):
            context.bind(name, try evaluate(value))
        case .show(let e, let captionExpr):
            let value = try evaluate(e)
            var caption: String?
            if let c = captionExpr {
                guard case .string(let text) = try evaluate(c) else {
                    throw .error("a caption must be a string", at: c.range)
                }
                caption = text
            }
            context.emit(.value(value, caption: caption, range: s.range))
        case .expect(let e):
            try expect(e)
        case .expression(let e):
            _ = try evaluate(e)
        }
    }

    private func expect(_ e: Expr) throws(Diagnostic) {
        let value = try evaluate(e)
        guard case .bool(let ok) = value else {
            throw .error("expect needs true or false, got \(value.typeDescription)", at: e.range)
        }
        if ok { return }
        var message = "expectation failed: \(text(of: e.range))"
        if case .comparison(let first, let links) = e.kind {
            var parts = [describeOperand(first)]
            for link in links { parts.append(describeOperand(link.rhs)) }
            message += " (" + parts.joined(separator: " vs ") + ")"
        }
        throw .error(message, at: e.range)
    }

    private func describeOperand(_ e: Expr) -> String {
        guard let v = try? evaluate(e) else { return "?" }
        if case .matrix(let m) = v, m.count > 1 {
            let s = MatrixSummary(m)
            return "\(m.shapeDescription) in [\(ValueFormatter.cell(s.min)), \(ValueFormatter.cell(s.max))]"
        }
        return ValueFormatter.inline(v)
    }

    /// The source text of a range on one line (for messages).
    func text(of range: SourceRange) -> String {
        guard let line = source.lines.first(where: { $0.number == range.start.line }) else { return "" }
        let chars = Array(line.text)
        let a = max(range.start.column - 1 - line.columnOffset, 0)
        let b = range.end.line == range.start.line ? range.end.column - 1 - line.columnOffset : chars.count
        guard a <= b, b <= chars.count else { return String(chars[min(a, chars.count)...]) }
        return String(chars[a..<b])
    }

    // MARK: Expressions

    public func evaluate(_ e: Expr) throws(Diagnostic) -> Value {
        switch e.kind {
        case .number(let v): return .number(v)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .name(let name):
            if let v = context.lookup(name) { return v }
            if let c = Builtins.constants[name] { return .number(c) }
            if context.environment.isDamaged(name) {
                throw .error("the cached value of '\(name)' could not be read back; run again with --no-cache", at: e.range)
            }
            if Builtins.table[name] != nil {
                throw .error("'\(name)' is a function; call it with parentheses: \(name)(...)", at: e.range)
            }
            let hint = Suggestions.hint(for: name, in: Array(context.environment.names) + Builtins.names)
            throw .error("unknown name '\(name)'\(hint)", at: e.range)
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return try listOrMatrix(values, items: items, range: e.range)
        case .call(let callee, let calleeRange, let args):
            try context.checkDeadline(at: e.range)
            return try context.stoppable(at: e.range) { () throws(Diagnostic) in
                try call(callee, calleeRange: calleeRange, args, range: e.range)
            }
        case .index(let base, let items):
            return try index(try evaluate(base), items, baseRange: base.range, range: e.range)
        case .field(let base, let name, let nameRange):
            return try field(try evaluate(base), name, nameRange: nameRange)
        case .unary(let op, let x):
            let v = try evaluate(x)
            switch op {
            case .plus: return try Operators.unaryPlus(v, range: e.range)
            case .negate: return try Operators.negate(v, range: e.range)
            }
        case .binary(let op, let a, let b, let opRange):
            return try Operators.binary(op, try evaluate(a), try evaluate(b), opRange: opRange)
        case .comparison(let first, let links):
            var lhs = try evaluate(first)
            for link in links {
                let rhs = try evaluate(link.rhs)
                if !(try Operators.compare(link.op, lhs, rhs, opRange: link.opRange)) { return .bool(false) }
                lhs = rhs
            }
            return .bool(true)
        case .and(let a, let b):
            guard try truth(a, "and") else { return .bool(false) }
            return .bool(try truth(b, "and"))
        case .or(let a, let b):
            if try truth(a, "or") { return .bool(true) }
            return .bool(try truth(b, "or"))
        case .not(let x):
            return .bool(!(try truth(x, "not")))
        }
    }

    private func truth(_ e: Expr, _ op: String) throws(Diagnostic) -> Bool {
        let v = try evaluate(e)
        guard case .bool(let b) = v else {
            throw .error("'\(op)' needs true or false, got \(v.typeDescription)", at: e.range)
        }
        return b
    }

    /// A list literal: numbers stay a list; a list of equal-length number lists is a matrix.
    private func listOrMatrix(_ values: [Value], items: [Expr], range: SourceRange) throws(Diagnostic) -> Value {
        guard values.contains(where: { if case .list = $0 { return true } else { return false } }),
              items.allSatisfy({ if case .list = $0.kind { return true } else { return false } })
        else { return .list(values) }
        var width: Int?
        for (v, item) in zip(values, items) {
            guard case .list(let row) = v else { return .list(values) }
            guard row.allSatisfy({ if case .number = $0 { return true } else { return false } }) else {
                return .list(values)
            }
            if let w = width, w != row.count {
                throw .error("matrix rows must have equal lengths: row 1 has \(w) entries, this row has \(row.count)",
                             at: item.range)
            }
            width = row.count
        }
        if width == 0 { return .list(values) }
        return Value.matrix(fromList: values).map(Value.matrix) ?? .list(values)
    }

    private func field(_ v: Value, _ name: String, nameRange: SourceRange) throws(Diagnostic) -> Value {
        switch v {
        case .matrix(let m):
            if name == "T" { return .matrix(m.transposed) }
        case .number:
            if name == "T" { return v }
        case .record(let r):
            if let f = r[name] { return f }
            throw .error("record has no field '\(name)'\(Suggestions.hint(for: name, in: r.fieldNames))"
                         + " (fields: \(r.fieldNames.joined(separator: ", ")))", at: nameRange)
        default: break
        }
        let known = v.kindName == "matrix" || v.kindName == "number" ? " (a matrix has the field 'T')" : ""
        throw .error("\(v.typeDescription) has no field '\(name)'\(known)", at: nameRange)
    }

    // MARK: Calls

    private func call(_ name: String, calleeRange: SourceRange, _ args: [Argument], range: SourceRange) throws(Diagnostic) -> Value {
        guard let builtin = Builtins.table[name] else {
            if let v = context.environment[name] {
                throw .error("'\(name)' is \(v.typeDescription), not a function", at: calleeRange)
            }
            throw .error("unknown function '\(name)'\(Suggestions.hint(for: name, in: Builtins.names))", at: calleeRange)
        }
        var evaluated: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)] = []
        for a in args {
            evaluated.append((a.label, a.labelRange, try evaluate(a.value), a.value.range))
        }
        var call = try BuiltinCall(builtin: builtin, arguments: evaluated, range: range,
                                   calleeRange: calleeRange, context: context)
        return try builtin.body(&call)
    }
}
