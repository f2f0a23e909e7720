/// A stable S-expression dump of the AST with `@line:col` positions, for golden tests
/// (in the spirit of swift-markdown's MarkupTreeDumper).
package enum ASTDump {
    package static func dump(_ statements: [Statement]) -> String {
        statements.map(dump).joined(separator: "\n")
    }

    package static func dump(_ s: Statement) -> String {
        let at = "@\(s.range.start)"
        switch s.kind {
        case .assign(let name, _, let value): return "(assign\(at) \(name) \(dump(value)))"
        case .show(let e, let caption): return "(show\(at) \(dump(e))\(caption.map { " " + dump($0) } ?? ""))"
        case .expect(let e): return "(expect\(at) \(dump(e)))"
        case .expression(let e): return "(expr\(at) \(dump(e)))"
        case .conditional(let branches, let orElse):
            var out = "(if\(at)"
            for b in branches { out += " (branch \(dump(b.condition)) \(dump(body: b.body)))" }
            if let orElse { out += " (else \(dump(body: orElse)))" }
            return out + ")"
        case .loop(let name, _, let iterable, let body):
            return "(for\(at) \(name) \(dump(iterable)) \(dump(body: body)))"
        case .whileLoop(let condition, let body):
            return "(while\(at) \(dump(condition)) \(dump(body: body)))"
        case .function(let f):
            let params = f.parameters.map { p in p.name + (p.defaultValue.map { ": " + dump($0) } ?? "") }
            return "(def\(at) \(f.name) (\(params.joined(separator: " "))) \(dump(body: f.body)))"
        case .returnValue(let e): return "(return\(at)\(e.map { " " + dump($0) } ?? ""))"
        case .breakLoop: return "(break\(at))"
        case .continueLoop: return "(continue\(at))"
        case .pass: return "(pass\(at))"
        }
    }

    static func dump(body: [Statement]) -> String {
        "(body" + body.map { " " + dump($0) }.joined() + ")"
    }

    package static func dump(_ e: Expr) -> String {
        let at = "@\(e.range.start)"
        switch e.kind {
        case .number(let v): return "\(v)\(at)"
        case .string(let s): return "\"\(s)\"\(at)"
        case .bool(let b): return "\(b)\(at)"
        case .none: return "none\(at)"
        case .name(let n): return "\(n)\(at)"
        case .list(let items): return "(list\(at)" + items.map { " " + dump($0) }.joined() + ")"
        case .call(let callee, _, let args):
            return "(call\(at) \(callee)"
                + args.map { a in
                    " " + (a.label.map { "\($0): " } ?? "") + dump(a.value)
                }.joined() + ")"
        case .callValue(let callee, let args):
            return "(call\(at) \(dump(callee))"
                + args.map { a in
                    " " + (a.label.map { "\($0): " } ?? "") + dump(a.value)
                }.joined() + ")"
        case .index(let base, let items):
            return "(index\(at) \(dump(base))" + items.map { " " + dump($0) }.joined() + ")"
        case .field(let base, let name, _): return "(field\(at) \(dump(base)) \(name))"
        case .unary(let op, let x): return "(\(op.rawValue)\(at) \(dump(x)))"
        case .binary(let op, let a, let b, _): return "(\(op.rawValue)\(at) \(dump(a)) \(dump(b)))"
        case .comparison(let first, let links):
            return "(compare\(at) \(dump(first))" + links.map { " \($0.op.rawValue) \(dump($0.rhs))" }.joined() + ")"
        case .and(let a, let b): return "(and\(at) \(dump(a)) \(dump(b)))"
        case .or(let a, let b): return "(or\(at) \(dump(a)) \(dump(b)))"
        case .not(let x): return "(not\(at) \(dump(x)))"
        case .comprehension(let element, let clauses):
            return "(comprehension\(at) \(dump(element))"
                + clauses.map { c in
                    switch c {
                    case .for(let n, _, let xs): return " (for \(n) \(dump(xs)))"
                    case .if(let x): return " (if \(dump(x)))"
                    }
                }.joined() + ")"
        case .fstring(let segments):
            return "(fstring\(at)"
                + segments.map { s in
                    switch s {
                    case .literal(let text): return " \"\(text)\""
                    case .field(let x, let spec, _): return " (field \(dump(x))\(spec.map { " :" + $0 } ?? ""))"
                    }
                }.joined() + ")"
        }
    }

    static func dump(_ item: IndexItem) -> String {
        switch item {
        case .single(let e): return dump(e)
        case .slice(let a, let b, let c, _):
            return "(slice \(a.map(dump) ?? "_") \(b.map(dump) ?? "_") \(c.map(dump) ?? "_"))"
        }
    }
}
