/// A stable S-expression dump of the AST with `@line:col` positions, for golden tests
/// (in the spirit of swift-markdown's MarkupTreeDumper).
public enum ASTDump {
    public static func dump(_ statements: [Statement]) -> String {
        statements.map(dump).joined(separator: "\n")
    }

    public static func dump(_ s: Statement) -> String {
        let at = "@\(s.range.start)"
        switch s.kind {
        case .assign(let name, _, let value): return "(assign\(at) \(name) \(dump(value)))"
        case .show(let e, let caption): return "(show\(at) \(dump(e))\(caption.map { " " + dump($0) } ?? ""))"
        case .expect(let e): return "(expect\(at) \(dump(e)))"
        case .expression(let e): return "(expr\(at) \(dump(e)))"
        }
    }

    public static func dump(_ e: Expr) -> String {
        let at = "@\(e.range.start)"
        switch e.kind {
        case .number(let v): return "\(v)\(at)"
        case .string(let s): return "\"\(s)\"\(at)"
        case .bool(let b): return "\(b)\(at)"
        case .none: return "none\(at)"
        case .name(let n): return "\(n)\(at)"
        case .list(let items): return "(list\(at)" + items.map { " " + dump($0) }.joined() + ")"
        case .call(let callee, _, let args):
            return "(call\(at) \(callee)" + args.map { a in
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
