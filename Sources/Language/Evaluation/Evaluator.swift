import NTKCore

/// Runs statements against an `EvaluationContext`: a `switch` over the AST, no visitor classes.
///
/// At notebook level names live in the context's environment; inside a function call they live
/// in that call's `Scope` (and names not bound there are read from the enclosing function's
/// scope, then from the notebook: lexical scope, as in Python).
package struct Evaluator {
    package let context: EvaluationContext
    let source: SourceText
    /// The innermost function call or comprehension being evaluated; nil at notebook level.
    let scope: Scope?

    package init(context: EvaluationContext, source: SourceText) {
        self.init(context: context, source: source, scope: nil)
    }

    init(context: EvaluationContext, source: SourceText, scope: Scope?) {
        self.context = context
        self.source = source
        self.scope = scope
    }

    /// How a statement ended: normally, or by `break`, `continue` or `return`.
    enum Flow {
        case normal, breakLoop, continueLoop
        case returned(Value)
    }

    package func run(_ statements: [Statement]) throws(Diagnostic) {
        context.pairedKernelCalls = KernelPairs.firstCalls(in: statements)
        defer {
            context.pairedKernelCalls = []
            context.keptKernel = nil
        }
        _ = try execute(statements)
    }

    /// Runs a body; stops early on `break`, `continue` or `return` and says which.
    func execute(_ body: [Statement]) throws(Diagnostic) -> Flow {
        for s in body {
            try context.checkDeadline(at: s.range)
            let flow = try execute(s)
            // A statement that ran past the deadline is where the time ran out (not the next
            // one); the statements of a loop, `if` or `def` body are checked inside it.
            if Evaluator.isSimple(s) { try context.checkDeadline(at: s.range) }
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    /// A statement without a body.
    private static func isSimple(_ s: Statement) -> Bool {
        switch s.kind {
        case .conditional, .loop, .whileLoop, .function: return false
        default: return true
        }
    }

    func execute(_ s: Statement) throws(Diagnostic) -> Flow {
        switch s.kind {
        case .assign(let name, _, let value):
            bind(name, try evaluate(value))
        case .show(let e, let captionExpr):
            let value = try evaluate(e)
            var caption: String?
            if let c = captionExpr {
                guard case .string(let text) = try evaluate(c) else {
                    throw .error("a caption must be a string", at: c.range)
                }
                caption = text
            }
            try context.emit(.value(value, caption: caption, range: s.range))
            // Images are also drawn: their first samples as one figure.
            if case .images(let images) = value { try context.emit(.figure(images.preview, range: s.range)) }
        case .expect(let e):
            try expect(e)
        case .expression(let e):
            _ = try evaluate(e)
        case .conditional(let branches, let orElse):
            for b in branches where try truth(b.condition, "if") {
                return try execute(b.body)
            }
            if let orElse { return try execute(orElse) }
        case .loop(let name, let nameRange, let iterable, let body):
            for item in try iterate(try evaluate(iterable), at: iterable.range) {
                try context.checkDeadline(at: nameRange)
                bind(name, item)
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                case .normal, .continueLoop: continue
                }
            }
        case .whileLoop(let condition, let body):
            while try truth(condition, "while") {
                try context.checkDeadline(at: condition.range)
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                case .normal, .continueLoop: continue
                }
            }
        case .function(let definition):
            var defaults: [String: Value] = [:]
            for p in definition.parameters {
                if let d = p.defaultValue { defaults[p.name] = try evaluate(d) }
            }
            bind(definition.name, .function(Function(definition: definition, defaults: defaults, closure: scope)))
        case .returnValue(let e):
            return .returned(try e.map { x throws(Diagnostic) in try evaluate(x) } ?? .none)
        case .breakLoop: return .breakLoop
        case .continueLoop: return .continueLoop
        case .pass: break
        }
        return .normal
    }

    /// Binds a name where this code runs: the notebook, or the current function call.
    func bind(_ name: String, _ value: Value) {
        var s = scope
        while let current = s, !current.isFunction { s = current.parent }
        if let function = s { function.values[name] = value } else { context.bind(name, value) }
    }

    /// The value of a name: the innermost scope that has it, else the notebook's binding.
    /// Throws for a function's local that is read before it is assigned.
    func lookup(_ name: String, at range: SourceRange) throws(Diagnostic) -> Value? {
        var s = scope
        var innermostFunction = true
        while let current = s {
            if let v = current.values[name] { return v }
            if current.isFunction {
                if innermostFunction, current.locals.contains(name) {
                    throw .error(
                        "'\(name)' is read before it is assigned in this function (it is local because the "
                            + "function assigns it)", at: range)
                }
                innermostFunction = false
            }
            s = current.parent
        }
        return context.lookup(name)
    }

    /// The items a `for` loop or a comprehension goes through: a list's items; a vector's
    /// numbers; an n×k matrix's rows (each 1×k).
    func iterate(_ v: Value, at range: SourceRange) throws(Diagnostic) -> [Value] {
        switch v {
        case .list(let items): return items
        case .matrix(let m):
            if m.rows == 1 || m.cols == 1 { return m.storage.map(Value.number) }
            return (0..<m.rows).map { i in .matrix(m.submatrix(rows: i..<(i + 1), cols: 0..<m.cols)) }
        default:
            throw .error(
                "cannot loop over \(v.typeDescription) (loop over a list, a range(...) or a matrix)", at: range)
        }
    }

    private func expect(_ e: Expr) throws(Diagnostic) {
        let value = try evaluate(e)
        guard let ok = Evaluator.truthValue(value) else {
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

    package func evaluate(_ e: Expr) throws(Diagnostic) -> Value {
        try StackGuard.check(context, at: e.range)
        switch e.kind {
        case .number(let v): return .number(v)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .name(let name):
            if let v = try lookup(name, at: e.range) { return v }
            if let c = Builtins.constants[name] { return .number(c) }
            if context.environment.isDamaged(name) {
                throw .error(
                    "the cached value of '\(name)' could not be read back (the cache file was damaged)", at: e.range)
            }
            if let culprit = context.environment.withdrawal(of: name) {
                throw .error("'\(name)' is not available: \(culprit) did not produce it", at: e.range)
            }
            // A builtin is a value too (LANGUAGE.md §8: functions are values), as in Python.
            if let f = Function.builtin(name) { return .function(f) }
            let hint = Suggestions.hint(for: name, in: visibleNames + Builtins.names)
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
        case .callValue(let callee, let args):
            try context.checkDeadline(at: e.range)
            return try context.stoppable(at: e.range) { () throws(Diagnostic) in
                try callValue(callee, args, range: e.range)
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
            // Chained like Python (every link must hold); links of matrices give masks, which
            // are combined entry by entry.
            var lhs = try evaluate(first)
            var result: Value = .bool(true)
            for link in links {
                let rhs = try evaluate(link.rhs)
                let r = try Operators.compare(link.op, lhs, rhs, opRange: link.opRange)
                if case .bool(false) = r { return r }
                result = try Operators.both(result, r, opRange: link.opRange)
                lhs = rhs
            }
            return result
        case .and(let a, let b):
            guard try truth(a, "and") else { return .bool(false) }
            return .bool(try truth(b, "and"))
        case .or(let a, let b):
            if try truth(a, "or") { return .bool(true) }
            return .bool(try truth(b, "or"))
        case .not(let x):
            return .bool(!(try truth(x, "not")))
        case .comprehension(let element, let clauses):
            var out: [Value] = []
            let inner = Scope(locals: [], parent: scope, isFunction: false)
            try comprehend(
                element, clauses[...], in: Evaluator(context: context, source: source, scope: inner),
                scope: inner, into: &out)
            return .list(out)
        case .fstring(let segments):
            var text = ""
            for segment in segments {
                switch segment {
                case .literal(let s): text += s
                case .field(let x, let spec, let range):
                    text += try PythonFormat.format(try evaluate(x), spec: spec, at: range)
                }
            }
            return .string(text)
        }
    }

    /// Names that can be read here (for "did you mean").
    private var visibleNames: [String] {
        var names = Array(context.environment.names)
        var s = scope
        while let current = s {
            names += current.values.keys
            s = current.parent
        }
        return names
    }

    /// The clauses of a comprehension from the left; each `for` binds its name in the
    /// comprehension's own scope (so it does not leak), each `if` filters.
    private func comprehend(
        _ element: Expr, _ clauses: ArraySlice<ComprehensionClause>, in inner: Evaluator, scope: Scope,
        into out: inout [Value]
    ) throws(Diagnostic) {
        guard let clause = clauses.first else {
            out.append(try inner.evaluate(element))
            // Several `for` clauses multiply: check the budget each time the list doubles.
            if out.count >= 4096, out.count & (out.count - 1) == 0 {
                try MemoryGuard.check(
                    listItems: 2 * out.count, what: "a comprehension of more than \(out.count) items",
                    at: element.range)
            }
            return
        }
        switch clause {
        case .for(let name, let nameRange, let iterable):
            for item in try iterate(try inner.evaluate(iterable), at: iterable.range) {
                try context.checkDeadline(at: nameRange)
                scope.values[name] = item
                try comprehend(element, clauses.dropFirst(), in: inner, scope: scope, into: &out)
            }
        case .if(let condition):
            if try inner.truth(condition, "if") {
                try comprehend(element, clauses.dropFirst(), in: inner, scope: scope, into: &out)
            }
        }
    }

    /// What a value means where a truth value is needed: a bool; a matrix is true only if every
    /// entry is non-zero (so `expect A > 0` means every entry is positive). Nil otherwise.
    static func truthValue(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .matrix(let m): return m.storage.allSatisfy { $0 != 0 }
        default: return nil
        }
    }

    func truth(_ e: Expr, _ op: String) throws(Diagnostic) -> Bool {
        let v = try evaluate(e)
        guard let b = Evaluator.truthValue(v) else {
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
                throw .error(
                    "matrix rows must have equal lengths: row 1 has \(w) entries, this row has \(row.count)",
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
        case .list:
            // A list of numbers stands for the n×1 column it is.
            if name == "T", let m = v.asMatrix { return .matrix(m.transposed) }
        case .record(let r):
            if let f = r[name] { return f }
            throw .error(
                "record has no field '\(name)'\(Suggestions.hint(for: name, in: r.fieldNames))"
                    + " (fields: \(r.fieldNames.joined(separator: ", ")))", at: nameRange)
        default: break
        }
        let known = ["matrix", "number", "list"].contains(v.kindName) ? " (a matrix has the field 'T')" : ""
        throw .error("\(v.typeDescription) has no field '\(name)'\(known)", at: nameRange)
    }
}
