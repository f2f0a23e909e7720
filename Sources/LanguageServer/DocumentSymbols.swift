import Language
import TangentSupport

/// `textDocument/documentSymbol`: the notebook's `ntk` blocks by id, each with the functions it
/// defines and the names it binds at notebook level.
enum DocumentSymbols {
    /// LSP's SymbolKind values used here.
    private enum Kind: Int {
        case module = 2
        case function = 12
        case variable = 13
    }

    static func symbols(_ analysis: NotebookAnalysis, _ document: TextDocument) -> JSON {
        var out: [JSON] = []
        for (k, block) in analysis.blocks.enumerated() {
            let cell = block.cell
            var children: [JSON] = []
            var named = Set<String>()
            for f in analysis.symbols.functions where f.block == k && f.isTopLevel {
                named.insert(f.name)
                children.append(
                    symbol(
                        f.name, detail: "def " + f.signature, kind: .function, range: f.range, selection: f.nameRange,
                        document))
            }
            for o in analysis.symbols.occurrences
            where o.block == k && o.isBinding && o.scope == .notebook && !named.contains(o.name) {
                named.insert(o.name)
                children.append(
                    symbol(o.name, detail: nil, kind: .variable, range: o.range, selection: o.range, document))
            }
            let whole = SourceRange(
                SourceLocation(line: cell.fenceLine, column: 1), SourceLocation(line: cell.endLine, column: 1 << 20))
            let fence = SourceRange(
                SourceLocation(line: cell.fenceLine, column: cell.fenceColumn),
                SourceLocation(line: cell.fenceLine, column: 1 << 20))
            var item = symbol(
                cell.id, detail: "ntk block, line \(cell.fenceLine)", kind: .module, range: whole, selection: fence,
                document)
            if case .object(var fields) = item {
                fields.append(("children", .array(children)))
                item = .object(fields)
            }
            out.append(item)
        }
        return .array(out)
    }

    private static func symbol(
        _ name: String, detail: String?, kind: Kind, range: SourceRange, selection: SourceRange,
        _ document: TextDocument
    ) -> JSON {
        var fields: [(String, JSON)] = [("name", .string(name))]
        if let detail { fields.append(("detail", .string(detail))) }
        fields += [
            ("kind", .int(kind.rawValue)), ("range", document.json(range)), ("selectionRange", document.json(selection))
        ]
        return .object(fields)
    }
}
