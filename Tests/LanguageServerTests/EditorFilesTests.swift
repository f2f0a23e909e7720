import Foundation
import Language
import TangentSupport
import Testing

/// editors/vscode stays in step with the language: the grammar names every builtin and layer
/// and every keyword, and the extension starts `tangent lsp` with that grammar.
@Suite struct EditorFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func json(_ relative: String) throws -> JSON {
        let text = try String(contentsOf: EditorFilesTests.root.appendingPathComponent(relative), encoding: .utf8)
        return try #require(JSON.parse(text), "\(relative) is not JSON")
    }

    /// The names of a `\b(a|b|c)\b` pattern.
    private func alternatives(_ pattern: String) -> Set<String> {
        guard let open = pattern.firstIndex(of: "("), let close = pattern.firstIndex(of: ")") else { return [] }
        return Set(pattern[pattern.index(after: open)..<close].split(separator: "|").map(String.init))
    }

    @Test func theGrammarHighlightsEveryBuiltinLayerAndKeyword() throws {
        let grammar = try json("editors/vscode/syntaxes/ntk.markdown.tmLanguage.json")
        #expect(grammar["injectionSelector"]?.stringValue == "L:text.html.markdown")
        let repository = try #require(grammar["repository"])
        let builtins = alternatives(repository["builtin"]?["match"]?.stringValue ?? "")
        let layers = alternatives(repository["layer"]?["match"]?.stringValue ?? "")
        for info in BuiltinInfo.all {
            #expect((info.isLayer ? layers : builtins).contains(info.name), "\(info.name) is not highlighted")
        }
        let keywordPatterns = repository["keyword"]?["patterns"]?.arrayValue ?? []
        let constants = alternatives(repository["constant"]?["match"]?.stringValue ?? "")
        let keywords = keywordPatterns.reduce(constants) { $0.union(alternatives($1["match"]?.stringValue ?? "")) }
        for k in Keyword.allCases { #expect(keywords.contains(k.rawValue), "keyword \(k.rawValue)") }
        for c in BuiltinInfo.constants { #expect(constants.contains(c), "constant \(c)") }
        // The fence it injects into is ```ntk with or without attributes.
        let begin = try #require(repository["ntk-fence"]?["begin"]?.stringValue)
        let regex = try NSRegularExpression(pattern: begin)
        for line in ["```ntk", "```ntk {#fit seed=1}", "  ~~~ntk", "```ntk {.x}"] {
            #expect(regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil, "\(line)")
        }
        for line in ["```python", "```ntkx", "``ntk"] {
            #expect(regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) == nil, "\(line)")
        }
    }

    @Test func theExtensionStartsTheServerWithTheGrammar() throws {
        let package = try json("editors/vscode/package.json")
        let grammars = package["contributes"]?["grammars"]?.arrayValue ?? []
        #expect(grammars.first?["path"]?.stringValue == "./syntaxes/ntk.markdown.tmLanguage.json")
        #expect(grammars.first?["injectTo"] == .array([.string("text.html.markdown")]))
        let main = try #require(package["main"]?.stringValue)
        let script = try String(
            contentsOf: EditorFilesTests.root.appendingPathComponent("editors/vscode/\(main)"), encoding: .utf8)
        #expect(script.contains("args: ['lsp']"))
    }
}
