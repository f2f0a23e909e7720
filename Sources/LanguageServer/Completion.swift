import Language
import Notebook
import TangentSupport

/// `textDocument/completion` inside an `ntk` block: the keyword arguments of the call being
/// typed (first), names bound earlier in the notebook and `def` functions, parameters of the
/// function being written, builtins and layers, constants and keywords. Nothing in prose.
enum Completion {
    /// LSP's CompletionItemKind values used here.
    private enum Kind: Int {
        case function = 3
        case variable = 6
        case layer = 7
        case keywordArgument = 10
        case keyword = 14
        case constant = 21
    }

    private struct Item {
        var label: String
        var kind: Kind
        var detail: String?
        var documentation: String?
        var insertText: String?
        /// Keyword arguments of the call being typed come first (in parameter order), then the
        /// notebook's names, then builtins, constants and keywords.
        var rank = 2
        var order = 0

        var json: JSON {
            var fields: [(String, JSON)] = [("label", .string(label)), ("kind", .int(kind.rawValue))]
            if let detail { fields.append(("detail", .string(detail))) }
            if let documentation { fields.append(("documentation", .string(documentation))) }
            if let insertText { fields.append(("insertText", .string(insertText))) }
            let position = rank == 0 ? String(1000 + order) : label
            fields.append(("sortText", .string("\(rank)\(position)")))
            return .object(fields)
        }
    }

    static func items(_ analysis: NotebookAnalysis, _ document: TextDocument, at position: LSPPosition) -> JSON {
        let location = document.location(of: position)
        guard let block = analysis.block(atLine: location.line) else { return list([]) }
        let cell = analysis.blocks[block].cell
        // In the code: below the opening fence, above the closing one (an unclosed block runs
        // to the end of the file).
        let last = document.lines.indices.contains(cell.endLine - 1) ? document.lines[cell.endLine - 1] : ""
        let closed = last.drop { $0 == " " }.hasPrefix(String(repeating: cell.fence.character, count: 3))
        guard location.line > cell.fenceLine, location.line < cell.endLine || !closed else { return list([]) }
        let line = Array(document.lines[location.line - 1].withoutCarriageReturn)
        let cursor = min(location.column - 1, line.count)
        var start = cursor
        while start > 0, line[start - 1].isLetter || line[start - 1].isNumber || line[start - 1] == "_" { start -= 1 }
        let prefix = String(line[start..<cursor])
        // A field (`r.mean`), a number (`1e`), a comment or a string: nothing to offer.
        if start > 0, line[start - 1] == "." { return list([]) }
        if let first = prefix.first, first.isNumber { return list([]) }
        let code = codeBefore(cell: cell, document: document, line: location.line, column: cursor)
        guard let call = openCall(in: code) else { return list([]) }
        var items: [Item] = []
        if let callee = call.callee {
            items += keywordArguments(of: callee, analysis: analysis, given: call.labels)
        }
        items += boundNames(analysis, before: location, block: block, code: code)
        for info in BuiltinInfo.all {
            items.append(
                Item(
                    label: info.name, kind: info.isLayer ? .layer : .function, detail: info.signature,
                    documentation: info.summary))
        }
        for c in BuiltinInfo.constants { items.append(Item(label: c, kind: .constant, detail: "constant")) }
        for k in Keyword.allCases { items.append(Item(label: k.rawValue, kind: .keyword)) }
        var seen = Set<String>()
        let lowered = prefix.lowercased()
        let chosen = items.filter { item in
            guard lowered.isEmpty || item.label.lowercased().hasPrefix(lowered) else { return false }
            return seen.insert(item.label).inserted
        }
        return list(chosen.map(\.json))
    }

    private static func list(_ items: [JSON]) -> JSON {
        .fields(("isIncomplete", .bool(false)), ("items", .array(items)))
    }

    /// The block's code from its first line up to the cursor.
    private static func codeBefore(cell: CodeCell, document: TextDocument, line: Int, column: Int) -> [Character] {
        var code: [Character] = []
        for n in cell.codeLine..<line where n <= document.lines.count {
            code += Array(document.lines[n - 1].withoutCarriageReturn)
            code.append("\n")
        }
        code += Array(document.lines[line - 1].withoutCarriageReturn).prefix(column)
        return code
    }

    /// The innermost call still open at the end of `code` (its callee, and the keywords it was
    /// given so far); nil when the cursor is in a comment or a string.
    private static func openCall(in code: [Character]) -> (callee: String?, labels: Set<String>)? {
        var stack: [(callee: String?, labels: Set<String>)] = []
        var i = 0
        var lastWord: String?
        while i < code.count {
            let c = code[i]
            if c == "#" {
                while i < code.count, code[i] != "\n" { i += 1 }
                if i == code.count { return nil }
                continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < code.count, code[j] != c, code[j] != "\n" { j += code[j] == "\\" ? 2 : 1 }
                if j >= code.count { return nil }
                i = j + 1
                lastWord = nil
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < code.count, code[j].isLetter || code[j].isNumber || code[j] == "_" { j += 1 }
                lastWord = String(code[i..<j])
                i = j
                continue
            }
            switch c {
            case "(":
                stack.append((lastWord, []))
            case "[":
                stack.append((nil, []))
            case ")", "]":
                if !stack.isEmpty { stack.removeLast() }
            case ":":
                if let word = lastWord, !stack.isEmpty { stack[stack.count - 1].labels.insert(word) }
            case "\n":
                if stack.isEmpty { lastWord = nil }
            default: break
            }
            if c != " " && c != "\t" { lastWord = nil }
            i += 1
        }
        return stack.last(where: { $0.callee != nil }).map { ($0.callee, $0.labels) } ?? (nil, [])
    }

    /// `name:` items for the parameters of the builtin or `def` called `callee` that a keyword
    /// may set (any of a builtin's, a `def`'s keyword ones).
    private static func keywordArguments(of callee: String, analysis: NotebookAnalysis, given: Set<String>) -> [Item] {
        var parameters: [(name: String, detail: String)] = []
        if let f = analysis.symbols.functions.last(where: { $0.name == callee }) {
            // A `def`'s positional parameters are passed by position only.
            parameters = zip(f.parameters, f.defaults).filter { $0.1 != nil }.map { ($0.0, f.signature) }
        } else if let info = BuiltinInfo.named(callee) {
            parameters = info.parameters.map { ($0.name, info.signature) }
        }
        return parameters.filter { !given.contains($0.name) }.enumerated().map { k, p in
            Item(
                label: p.name + ":", kind: .keywordArgument, detail: p.detail, insertText: p.name + ": ", rank: 0,
                order: k)
        }
    }

    /// Names bound before the cursor: in earlier blocks and earlier in this one, `def` functions,
    /// and the parameters of a function the cursor is inside. In a block that does not parse
    /// (it is being typed), its `name =` lines are read as the run would approximately.
    private static func boundNames(
        _ analysis: NotebookAnalysis, before location: SourceLocation, block: Int, code: [Character]
    ) -> [Item] {
        var items: [Item] = []
        // (A name bound on the cursor's line is the one being written: not yet.)
        for o in analysis.symbols.occurrences
        where o.isBinding && o.scope == .notebook && o.range.start.line < location.line {
            if let f = analysis.symbols.function(boundAt: o) {
                items.append(Item(label: o.name, kind: .function, detail: "def " + f.signature, rank: 1))
            } else {
                let id = analysis.blocks[o.block].cell.id
                items.append(Item(label: o.name, kind: .variable, detail: "bound in block \(id)", rank: 1))
            }
        }
        for f in analysis.symbols.functions where f.range.start <= location && location <= f.range.end {
            for p in f.parameters {
                items.append(Item(label: p, kind: .variable, detail: "parameter of \(f.name)", rank: 1))
            }
        }
        if analysis.blocks[block].statements == nil {
            let text = String(code)
            let source = SourceText(text, firstLine: analysis.blocks[block].cell.codeLine)
            for name in Dependencies.approximate(source).writes.sorted() {
                items.append(Item(label: name, kind: .variable, detail: "bound in this block", rank: 1))
            }
            for line in text.split(separator: "\n") {
                let words = line.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ":" })
                if words.count >= 2, words[0] == "def" {
                    items.append(Item(label: String(words[1]), kind: .function, detail: "def in this block", rank: 1))
                }
            }
        }
        return items
    }
}
