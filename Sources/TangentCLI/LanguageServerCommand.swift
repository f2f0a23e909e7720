import LanguageServer

/// `tangent lsp`: the language server for editors, speaking LSP on standard input and output
/// until the client says `exit` (docs/editors.md).
enum LanguageServerCommand {
    /// What `tangent lsp` takes: no operand and no option but its help (VerbSpec).
    static let spec = VerbSpec<Bool>(
        "lsp", operands: "", needed: nil,
        summary: "serve the Language Server Protocol on stdin/stdout (for editors)",
        about: """
            Speaks the Language Server Protocol (JSON-RPC with Content-Length framing) on standard
            input and output for Markdown notebooks: diagnostics as you type, hover, completion,
            go to definition, references, symbols, and a code lens that runs the notebook through a
            block (tangent.runBlock, with the cache). Editors start it themselves: docs/editors.md.
            """,
        options: [],
        exitStatus: [
            .init("0", "the client sent 'shutdown' then 'exit'"),
            .init("1", "the input ended, or 'exit' came, without 'shutdown'"),
            .init("2", "usage error")
        ],
        start: { false }, operand: { model, _ in model = true },
        validate: { extra throws(UsageError) in
            if extra { throw UsageError("'tangent lsp' takes no PATH (the editor sends the documents)") }
        })

    static func main() -> Int32 { StdioTransport.serve() }
}
