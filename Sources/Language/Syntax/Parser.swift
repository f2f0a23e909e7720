/// Recursive-descent parser for `ntk` blocks. Precedence, loosest first: `or`, `and`, `not`,
/// comparisons, `+ -`, `* / @`, unary `-`, `^` (right-associative), then calls, indexing and
/// field access.
package struct Parser {
    private var tokens: [Token]
    private var position = 0
    /// How deeply expressions may nest (brackets, operators, unary chains). Real notebooks
    /// stay far below; the limit keeps the recursive parser and evaluator off the stack's end.
    package static let maxDepth = 200
    private var depth = 0
    /// How deeply bodies (`if`, `for`, `while`, `def`) may nest. Each level costs the parser and
    /// the evaluator several frames; without a limit a notebook of nested `if`s (a 500 KB file)
    /// ran off the stack's end.
    package static let maxBodyDepth = 50
    private var bodyDepth = 0
    /// The block's lines (kept with each `def`, so a cached function can be parsed again).
    private var source: SourceText?
    /// Enclosing `def`s and loops of the statement being parsed.
    private var functionDepth = 0
    private var loopDepth = 0

    package init(tokens: [Token], source: SourceText? = nil) {
        self.tokens = tokens
        self.source = source
    }

    /// Lexes and parses a whole block.
    package static func parse(_ source: SourceText) throws(Diagnostic) -> [Statement] {
        var parser = Parser(tokens: try Lexer(source).tokenize(), source: source)
        return try parser.parseStatements()
    }

    package mutating func parseStatements() throws(Diagnostic) -> [Statement] {
        var out: [Statement] = []
        while true {
            while peek.kind == .newline { advance() }
            if peek.kind == .end { return out }
            if peek.kind == .indent {
                throw .error("unexpected indentation: this line follows no header ending in ':'", at: peek.range)
            }
            out.append(try statement())
        }
    }

    /// The statements of an indented body, up to its `dedent`.
    private mutating func body(after header: Token) throws(Diagnostic) -> [Statement] {
        if peek.kind != .newline && peek.kind != .end {
            // A one-line body: `if x > 0: y = 1`.
            return [try simpleStatement(endsLine: true)]
        }
        while peek.kind == .newline { advance() }
        guard peek.kind == .indent else {
            throw .error("expected an indented body after '\(header.text)' (indent the lines below it)", at: peek.range)
        }
        guard bodyDepth < Parser.maxBodyDepth else {
            throw .error("bodies are nested too deeply (more than \(Parser.maxBodyDepth) levels)", at: header.range)
        }
        bodyDepth += 1
        defer { bodyDepth -= 1 }
        advance()
        var out: [Statement] = []
        while peek.kind != .dedent && peek.kind != .end {
            if peek.kind == .newline {
                advance()
                continue
            }
            if peek.kind == .indent {
                throw .error(
                    "unexpected indentation: this line is indented deeper than the body it is in", at: peek.range)
            }
            out.append(try statement())
        }
        if peek.kind == .dedent { advance() }
        return out
    }

    // MARK: Statements

    /// Python statements people type from habit, with what to do instead.
    static let pythonStatements: [String: String] = [
        "lambda": "there are no lambdas; define a function with def",
        "import": "every builtin is always available; there is nothing to import",
        "from": "every builtin is always available; there is nothing to import",
        "class": "there are no classes",
        "assert": "use expect",
        "del": "names cannot be deleted; rebind them"
    ]

    /// The keywords that start a statement, for "did you mean" on a slip (`esle`, `retrun`).
    static let statementKeywords: [Keyword] = [.for, .while, .if, .elif, .else, .def, .return, .break, .continue, .pass]

    private mutating func statement() throws(Diagnostic) -> Statement {
        let first = peek
        switch first.kind {
        case .keyword(.if): return try conditional()
        case .keyword(.for): return try forLoop()
        case .keyword(.while): return try whileLoop()
        case .keyword(.def): return try functionDefinition()
        case .keyword(.elif), .keyword(.else):
            throw .error("'\(first.text)' without an 'if' before it (at the same indentation)", at: first.range)
        default: return try simpleStatement(endsLine: true)
        }
    }

    /// A statement that fits on its line, and the end of that line.
    private mutating func simpleStatement(endsLine: Bool) throws(Diagnostic) -> Statement {
        let s = try simpleStatement()
        switch peek.kind {
        case .newline: advance()
        case .end, .dedent: break
        default:
            throw .error("expected end of statement, found \(peek.kind)", at: peek.range)
        }
        return s
    }

    private mutating func simpleStatement() throws(Diagnostic) -> Statement {
        let first = peek
        switch first.kind {
        case .keyword(.return):
            advance()
            guard functionDepth > 0 else { throw .error("'return' outside a function", at: first.range) }
            if peek.kind == .newline || peek.kind == .end || peek.kind == .dedent {
                return Statement(.returnValue(nil), first.range)
            }
            let value = try expression()
            return Statement(.returnValue(value), first.range.union(value.range))
        case .keyword(.break), .keyword(.continue):
            advance()
            guard loopDepth > 0 else { throw .error("'\(first.text)' outside a loop", at: first.range) }
            return Statement(first.kind == .keyword(.break) ? .breakLoop : .continueLoop, first.range)
        case .keyword(.pass):
            advance()
            return Statement(.pass, first.range)
        case .keyword(.if), .keyword(.for), .keyword(.while), .keyword(.def), .keyword(.elif), .keyword(.else):
            throw .error("'\(first.text)' must start its own line", at: first.range)
        default: break
        }
        if case .identifier(let name) = first.kind {
            // `esle:`, `retrun x`, `whle x > 0:`: a slip of a keyword, followed by what the
            // keyword would take (a lone `brek` is a slip of a keyword that stands alone).
            let candidates: [Keyword]?
            switch peekKind(1) {
            case .identifier, .number, .string, .fstring, .symbol(.colon), .keyword(.none), .keyword(.true),
                .keyword(.false),
                .keyword(.not):
                candidates = Parser.statementKeywords
            case .newline, .end, .dedent:
                candidates = [.break, .continue, .pass, .return]
            default:
                candidates = nil
            }
            if let candidates, let k = Suggestions.nearest(to: name, in: candidates.map(\.rawValue)) {
                throw .error("unknown statement '\(name)' (did you mean '\(k)'?)", at: first.range)
            }
        }
        if case .keyword(let k) = first.kind, peekKind(1) == .symbol(.assign) {
            throw .error("'\(k.rawValue)' is a keyword and cannot be assigned to; choose another name", at: first.range)
        }
        if case .identifier(let name) = first.kind, let hint = Parser.pythonStatements[name], !hint.isEmpty {
            // `for x in …`, `import numpy`: a name followed directly by a name, number or string.
            switch peekKind(1) {
            case .identifier, .number, .string, .symbol(.colon):
                throw .error("'\(name)' is not part of the language: \(hint)", at: first.range)
            default: break
            }
        }
        switch first.kind {
        case .identifier(let name) where peekKind(1) == .symbol(.assign):
            advance()
            advance()
            if peek.kind == .newline || peek.kind == .end {
                throw .error("expected an expression after '='", at: peek.range)
            }
            let value = try expression()
            return Statement(.assign(name: name, nameRange: first.range, value: value), first.range.union(value.range))
        case .keyword(.show):
            advance()
            let value = try expression()
            var caption: Expr?
            if peek.kind == .symbol(.comma) {
                advance()
                caption = try expression()
            }
            return Statement(.show(value, caption: caption), first.range.union(caption?.range ?? value.range))
        case .keyword(.expect):
            advance()
            let value = try expression()
            return Statement(.expect(value), first.range.union(value.range))
        default:
            let value = try expression()
            if peek.kind == .symbol(.assign) {
                throw .error("cannot assign to this expression (only a name can be bound with '=')", at: value.range)
            }
            return Statement(.expression(value), value.range)
        }
    }

    // MARK: Compound statements

    private mutating func header(_ keyword: Token) throws(Diagnostic) {
        guard peek.kind == .symbol(.colon) else {
            throw .error("expected ':' at the end of the '\(keyword.text)' line, found \(peek.kind)", at: peek.range)
        }
        advance()
    }

    private mutating func conditional() throws(Diagnostic) -> Statement {
        let first = advance()
        var branches: [ConditionalBranch] = []
        var keyword = first
        var end = first.range
        while true {
            let condition = try expression()
            try header(keyword)
            let body = try body(after: keyword)
            end = body.last?.range ?? condition.range
            branches.append(ConditionalBranch(condition: condition, body: body))
            guard peek.kind == .keyword(.elif) else { break }
            keyword = advance()
        }
        var orElse: [Statement]?
        if peek.kind == .keyword(.else) {
            let e = advance()
            try header(e)
            let body = try body(after: e)
            end = body.last?.range ?? e.range
            orElse = body
        }
        return Statement(.conditional(branches: branches, orElse: orElse), first.range.union(end))
    }

    /// `name in` after a `for` (of a loop or a comprehension clause).
    private mutating func loopVariable() throws(Diagnostic) -> (name: String, range: SourceRange) {
        guard case .identifier(let name) = peek.kind else {
            throw .error("expected a name after 'for', found \(peek.kind)", at: peek.range)
        }
        let nameToken = advance()
        guard peek.kind == .keyword(.in) else {
            throw .error("expected 'in' after 'for \(name)', found \(peek.kind)", at: peek.range)
        }
        advance()
        return (name, nameToken.range)
    }

    private mutating func forLoop() throws(Diagnostic) -> Statement {
        let first = advance()
        let (name, nameRange) = try loopVariable()
        let iterable = try expression()
        try header(first)
        loopDepth += 1
        defer { loopDepth -= 1 }
        let body = try body(after: first)
        return Statement(
            .loop(name: name, nameRange: nameRange, iterable: iterable, body: body),
            first.range.union(body.last?.range ?? iterable.range))
    }

    private mutating func whileLoop() throws(Diagnostic) -> Statement {
        let first = advance()
        let condition = try expression()
        try header(first)
        loopDepth += 1
        defer { loopDepth -= 1 }
        let body = try body(after: first)
        return Statement(
            .whileLoop(condition: condition, body: body), first.range.union(body.last?.range ?? condition.range))
    }

    private mutating func functionDefinition() throws(Diagnostic) -> Statement {
        let first = advance()
        guard case .identifier(let name) = peek.kind else {
            if case .keyword(let k) = peek.kind {
                throw .error("'\(k.rawValue)' is a keyword and cannot name a function", at: peek.range)
            }
            throw .error("expected a function name after 'def', found \(peek.kind)", at: peek.range)
        }
        let nameToken = advance()
        _ = try consume(.leftParen, "'(' after the function name")
        var parameters: [FunctionDefinition.Parameter] = []
        while peek.kind != .symbol(.rightParen) {
            guard case .identifier(let p) = peek.kind else {
                throw .error("expected a parameter name, found \(peek.kind)", at: peek.range)
            }
            let pToken = advance()
            if parameters.contains(where: { $0.name == p }) {
                throw .error("parameter '\(p)' is given twice", at: pToken.range)
            }
            var defaultValue: Expr?
            if peek.kind == .symbol(.colon) || peek.kind == .symbol(.assign) {
                advance()
                defaultValue = try expression()
            } else if parameters.contains(where: { $0.defaultValue != nil }) {
                throw .error(
                    "positional parameter '\(p)' after a keyword parameter (positional ones come first)",
                    at: pToken.range)
            }
            parameters.append(.init(name: p, range: pToken.range, defaultValue: defaultValue))
            if peek.kind == .symbol(.comma) { advance() } else { break }
        }
        _ = try consume(.rightParen, "')' to close the parameters")
        try header(first)
        functionDepth += 1
        let savedLoops = loopDepth
        loopDepth = 0
        defer {
            functionDepth -= 1
            loopDepth = savedLoops
        }
        let body = try body(after: first)
        let range = first.range.union(body.last?.range ?? nameToken.range)
        var locals = Set(parameters.map(\.name))
        Parser.collectBindings(body, into: &locals)
        let lines = source?.lines.filter { $0.number >= range.start.line && $0.number <= range.end.line } ?? []
        let def = FunctionDefinition(
            name: name, nameRange: nameToken.range, parameters: parameters, body: body,
            locals: locals, source: lines)
        return Statement(.function(def), range)
    }

    /// Names a body binds: assignments, loop variables, nested `def` names (not their insides).
    static func collectBindings(_ body: [Statement], into names: inout Set<String>) {
        for s in body {
            switch s.kind {
            case .assign(let n, _, _): names.insert(n)
            case .loop(let n, _, _, let b):
                names.insert(n)
                collectBindings(b, into: &names)
            case .whileLoop(_, let b): collectBindings(b, into: &names)
            case .conditional(let branches, let orElse):
                for br in branches { collectBindings(br.body, into: &names) }
                if let orElse { collectBindings(orElse, into: &names) }
            case .function(let f): names.insert(f.name)
            default: break
            }
        }
    }

    // MARK: Expressions

    package mutating func expression() throws(Diagnostic) -> Expr {
        try enter()
        defer { depth -= 1 }
        return try checked(try orExpr())
    }

    private mutating func enter() throws(Diagnostic) {
        depth += 1
        if depth > Parser.maxDepth {
            throw .error("expression is nested too deeply (more than \(Parser.maxDepth) levels)", at: peek.range)
        }
    }

    /// Refuses a tree deeper than the limit (long operator chains build depth without recursion).
    private func checked(_ e: Expr) throws(Diagnostic) -> Expr {
        if e.height > Parser.maxDepth {
            throw .error("expression is nested too deeply (more than \(Parser.maxDepth) levels)", at: e.range)
        }
        return e
    }

    private mutating func orExpr() throws(Diagnostic) -> Expr {
        var lhs = try andExpr()
        while peek.kind == .keyword(.or) {
            advance()
            let rhs = try andExpr()
            lhs = try checked(Expr(.or(lhs, rhs), lhs.range.union(rhs.range)))
        }
        return lhs
    }

    private mutating func andExpr() throws(Diagnostic) -> Expr {
        var lhs = try notExpr()
        while peek.kind == .keyword(.and) {
            advance()
            let rhs = try notExpr()
            lhs = try checked(Expr(.and(lhs, rhs), lhs.range.union(rhs.range)))
        }
        return lhs
    }

    private mutating func notExpr() throws(Diagnostic) -> Expr {
        if peek.kind == .keyword(.not) {
            let op = advance()
            try enter()
            defer { depth -= 1 }
            let x = try notExpr()
            return Expr(.not(x), op.range.union(x.range))
        }
        return try comparison()
    }

    private static let comparisonSymbols: [Symbol: ComparisonOperator] = [
        .less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
        .equalEqual: .equal, .bangEqual: .notEqual
    ]

    private mutating func comparison() throws(Diagnostic) -> Expr {
        let first = try additive()
        var links: [ComparisonLink] = []
        while case .symbol(let s) = peek.kind, let op = Parser.comparisonSymbols[s] {
            let opToken = advance()
            links.append(ComparisonLink(op: op, opRange: opToken.range, rhs: try additive()))
        }
        guard let last = links.last else { return first }
        return Expr(.comparison(first, links), first.range.union(last.rhs.range))
    }

    private mutating func additive() throws(Diagnostic) -> Expr {
        var lhs = try multiplicative()
        while true {
            let op: BinaryOperator
            switch peek.kind {
            case .symbol(.plus): op = .add
            case .symbol(.minus): op = .subtract
            default: return lhs
            }
            let opToken = advance()
            let rhs = try multiplicative()
            lhs = try checked(Expr(.binary(op, lhs, rhs, opRange: opToken.range), lhs.range.union(rhs.range)))
        }
    }

    private mutating func multiplicative() throws(Diagnostic) -> Expr {
        var lhs = try unary()
        while true {
            let op: BinaryOperator
            switch peek.kind {
            case .symbol(.star): op = .multiply
            case .symbol(.slash): op = .divide
            case .symbol(.at): op = .matmul
            default: return lhs
            }
            let opToken = advance()
            let rhs = try unary()
            lhs = try checked(Expr(.binary(op, lhs, rhs, opRange: opToken.range), lhs.range.union(rhs.range)))
        }
    }

    private mutating func unary() throws(Diagnostic) -> Expr {
        switch peek.kind {
        case .symbol(.minus), .symbol(.plus):
            let op = advance()
            try enter()
            defer { depth -= 1 }
            let x = try unary()
            // Fold `-3` into a literal so that `-3` dumps and evaluates as a number.
            if op.kind == .symbol(.minus), case .number(let v) = x.kind {
                return Expr(.number(-v), op.range.union(x.range))
            }
            return Expr(.unary(op.kind == .symbol(.minus) ? .negate : .plus, x), op.range.union(x.range))
        default:
            return try power()
        }
    }

    private mutating func power() throws(Diagnostic) -> Expr {
        let base = try postfix()
        guard peek.kind == .symbol(.caret) else { return base }
        let opToken = advance()
        try enter()
        defer { depth -= 1 }
        let exponent = try unary()
        return Expr(.binary(.power, base, exponent, opRange: opToken.range), base.range.union(exponent.range))
    }

    private mutating func postfix() throws(Diagnostic) -> Expr {
        var e = try primary()
        while true {
            switch peek.kind {
            case .symbol(.leftParen):
                if case .field(let base, let name, _) = e.kind {
                    // numpy's `x.sum()`: there are no methods, only functions.
                    var object = "x"
                    if case .name(let n) = base.kind { object = n }
                    throw .error(
                        "only a named function can be called: write \(name)(\(object)), not \(object).\(name)()",
                        at: peek.range)
                }
                advance()
                let args = try arguments()
                let close = try consume(.rightParen, "')' to close the call")
                if case .name(let callee) = e.kind {
                    e = Expr(.call(callee: callee, calleeRange: e.range, arguments: args), e.range.union(close.range))
                } else {
                    e = try checked(Expr(.callValue(e, arguments: args), e.range.union(close.range)))
                }
            case .symbol(.leftBracket):
                advance()
                let items = try indexItems()
                let close = try consume(.rightBracket, "']' to close the index")
                e = try checked(Expr(.index(e, items), e.range.union(close.range)))
            case .symbol(.dot):
                advance()
                guard case .identifier(let name) = peek.kind else {
                    throw .error("expected a field name after '.', found \(peek.kind)", at: peek.range)
                }
                let nameToken = advance()
                e = try checked(Expr(.field(e, name: name, nameRange: nameToken.range), e.range.union(nameToken.range)))
            default:
                return e
            }
        }
    }

    private mutating func arguments() throws(Diagnostic) -> [Argument] {
        var args: [Argument] = []
        var sawLabel = false
        while peek.kind != .symbol(.rightParen) {
            if case .identifier(let label) = peek.kind, peekKind(1) == .symbol(.colon) {
                let labelToken = advance()
                advance()
                if let dup = args.first(where: { $0.label == label }), dup.labelRange != nil {
                    throw .error("argument '\(label)' is given twice", at: labelToken.range)
                }
                args.append(Argument(label: label, labelRange: labelToken.range, value: try expression()))
                sawLabel = true
            } else {
                let value = try expression()
                if sawLabel {
                    throw .error("positional argument after a labelled one", at: value.range)
                }
                args.append(Argument(label: nil, labelRange: nil, value: value))
            }
            if peek.kind == .symbol(.comma) { advance() } else { break }
        }
        return args
    }

    private mutating func indexItems() throws(Diagnostic) -> [IndexItem] {
        var items: [IndexItem] = [try indexItem()]
        while peek.kind == .symbol(.comma) {
            advance()
            items.append(try indexItem())
        }
        return items
    }

    private mutating func indexItem() throws(Diagnostic) -> IndexItem {
        let startToken = peek
        var parts: [Expr?] = []
        var current: Expr? = nil
        var sawColon = false
        var end = startToken.range
        while true {
            if peek.kind == .symbol(.colon) {
                sawColon = true
                end = advance().range
                parts.append(current)
                current = nil
                if parts.count > 2 { throw .error("a slice has at most start:stop:step", at: end) }
                continue
            }
            if peek.kind == .symbol(.comma) || peek.kind == .symbol(.rightBracket) { break }
            if current != nil {
                throw .error("expected ',' or ']' in index, found \(peek.kind)", at: peek.range)
            }
            let e = try expression()
            end = e.range
            current = e
        }
        if !sawColon {
            guard let e = current else { throw .error("expected an index", at: peek.range) }
            return .single(e)
        }
        parts.append(current)
        while parts.count < 3 { parts.append(nil) }
        return .slice(start: parts[0], stop: parts[1], step: parts[2], range: startToken.range.union(end))
    }

    private mutating func primary() throws(Diagnostic) -> Expr {
        let t = peek
        switch t.kind {
        case .number(let v):
            advance()
            return Expr(.number(v), t.range)
        case .string(let s):
            advance()
            return Expr(.string(s), t.range)
        case .keyword(.true):
            advance()
            return Expr(.bool(true), t.range)
        case .keyword(.false):
            advance()
            return Expr(.bool(false), t.range)
        case .keyword(.none):
            advance()
            return Expr(.none, t.range)
        case .identifier(let n):
            advance()
            return Expr(.name(n), t.range)
        case .symbol(.leftParen):
            advance()
            var inner = try expression()
            let close = try consume(.rightParen, "')'")
            inner.range = t.range.union(close.range)
            return inner
        case .symbol(.leftBracket):
            advance()
            var items: [Expr] = []
            while peek.kind != .symbol(.rightBracket) {
                items.append(try expression())
                if items.count == 1, peek.kind == .keyword(.for) {
                    let clauses = try comprehensionClauses()
                    let close = try consume(.rightBracket, "']' to close the comprehension")
                    return try checked(
                        Expr(.comprehension(element: items[0], clauses: clauses), t.range.union(close.range)))
                }
                if peek.kind == .symbol(.comma) { advance() } else { break }
            }
            let close = try consume(.rightBracket, "']' to close the list")
            return Expr(.list(items), t.range.union(close.range))
        case .fstring(let pieces):
            advance()
            var segments: [FStringSegment] = []
            for piece in pieces {
                switch piece {
                case .literal(let text): segments.append(.literal(text))
                case .field(let code, let start, let spec, let range):
                    segments.append(
                        .field(try Parser.fieldExpression(code, at: start, depth: depth), spec: spec, range: range))
                }
            }
            return Expr(.fstring(segments), t.range)
        case .keyword(let k) where k == .show || k == .expect:
            throw .error("'\(k.rawValue)' must start a statement", at: t.range)
        case .newline, .end:
            throw .error("expected an expression, found \(t.kind)", at: t.range)
        default:
            throw .error("expected an expression, found \(t.kind)", at: t.range)
        }
    }

    /// `for x in xs`, `if cond`, … after a comprehension's element (the first is a `for`).
    private mutating func comprehensionClauses() throws(Diagnostic) -> [ComprehensionClause] {
        var clauses: [ComprehensionClause] = []
        while true {
            if peek.kind == .keyword(.for) {
                advance()
                let (name, nameRange) = try loopVariable()
                clauses.append(.for(name: name, nameRange: nameRange, iterable: try orExprChecked()))
            } else if peek.kind == .keyword(.if) {
                advance()
                clauses.append(.if(try orExprChecked()))
            } else {
                return clauses
            }
        }
    }

    private mutating func orExprChecked() throws(Diagnostic) -> Expr {
        try enter()
        defer { depth -= 1 }
        return try checked(try orExpr())
    }

    /// The expression of an f-string field, parsed where it sits in the file.
    static func fieldExpression(_ code: String, at start: SourceLocation, depth: Int) throws(Diagnostic) -> Expr {
        let lead = code.prefix { $0 == " " }.count
        let line = SourceText.Line(
            text: String(code.dropFirst(lead)), number: start.line, columnOffset: start.column - 1 + lead)
        var parser = Parser(tokens: try Lexer(SourceText(lines: [line])).tokenize())
        parser.depth = depth
        let e = try parser.expression()
        while parser.peek.kind == .newline { parser.advance() }
        guard parser.peek.kind == .end else {
            throw .error("unexpected \(parser.peek.kind) in an f-string field", at: parser.peek.range)
        }
        return e
    }

    // MARK: Token helpers

    private var peek: Token { tokens[min(position, tokens.count - 1)] }
    private func peekKind(_ offset: Int) -> Token.Kind { tokens[min(position + offset, tokens.count - 1)].kind }

    @discardableResult
    private mutating func advance() -> Token {
        let t = peek
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private mutating func consume(_ symbol: Symbol, _ what: String) throws(Diagnostic) -> Token {
        guard peek.kind == .symbol(symbol) else {
            throw .error("expected \(what), found \(peek.kind)", at: peek.range)
        }
        return advance()
    }
}
