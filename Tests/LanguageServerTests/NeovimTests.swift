import Foundation
import TangentSupport
import TestSupport
import Testing

/// Neovim's binary, when installed.
private let neovim: URL? = ["/usr/bin/nvim", "/usr/local/bin/nvim"].map(URL.init(fileURLWithPath:))
    .first { FileManager.default.isExecutableFile(atPath: $0.path) }

/// A real client: Neovim's built-in LSP client, headless, driven by Neovim/client.lua. It opens a
/// notebook, receives the diagnostic of a misspelt name (Neovim turns the server's UTF-16
/// columns into byte columns, so a wrong count after `θ` or `𝒩` shows), and asks for completion
/// and hover. Runs when `nvim` is installed (scripts/test.sh installs it).
@Suite(
    .enabled(if: neovim != nil, "needs nvim (Debian's neovim)"),
    .enabled(if: TangentBinary.exists, "needs .build/debug/tangent (swift build)"))
struct NeovimTests {

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Neovim/client.lua")

    static let notebook = """
        ---
        title: Neovim θ
        ---

        # The kernel of 𝒩

        ```ntk {#data}
        θ = 0.5
        X = randn(4, 2, seed: 1)
        ```

        ```ntk {#use}
        K = X @ X.T * θ
        show [θ, "𝒩", nrom(K)]
        Z = randn(3, 2)
        ```
        """

    @Test func neovimGetsTheDiagnosticWhereTheTypoIsAndCompletes() throws {
        let nvim = try #require(neovim)
        let folder = try TemporaryFolder("lsp-neovim")
        defer { folder.remove() }
        let path = folder.path("nb.md")
        try NeovimTests.notebook.write(toFile: path, atomically: true, encoding: .utf8)
        let lines = NeovimTests.notebook.physicalLines
        // Where the typo is, in bytes as Neovim counts (computed from the text, not the server).
        let typoLine = try #require(lines.firstIndex { $0.contains("nrom(") })
        let typoText = lines[typoLine]
        let typoStart = try #require(typoText.range(of: "nrom"))
        let byteColumn = typoText[..<typoStart.lowerBound].utf8.count
        // Completion inside `randn(3, ` of the last line of code, hover on `K` before the typo.
        let callLine = try #require(lines.firstIndex { $0.hasPrefix("Z = randn(") })
        let callCharacter = "Z = randn(3, ".utf16.count
        let hoverLine = try #require(lines.firstIndex { $0.hasPrefix("K = ") })
        let result = try ChildProcess.run(
            nvim, ["--headless", "--clean", "-u", "NONE", "-c", "luafile \(NeovimTests.script.path)"],
            in: folder.root, scratch: folder.root,
            environment: [
                "TANGENT_BINARY": TangentBinary.url.path, "TANGENT_NOTEBOOK": path,
                "TANGENT_RESULT": folder.path("result.json"),
                "TANGENT_COMPLETE_AT": "\(callLine):\(callCharacter)", "TANGENT_HOVER_AT": "\(hoverLine):0",
                "XDG_STATE_HOME": folder.path("state"), "XDG_DATA_HOME": folder.path("data"),
                "XDG_CONFIG_HOME": folder.path("config"), "XDG_CACHE_HOME": folder.path("cache")
            ],
            watchdog: 120)
        #expect(result.status == 0, "\(result.transcript)")
        let text = try String(contentsOfFile: folder.path("result.json"), encoding: .utf8)
        let json = try #require(JSON.parse(text), "\(text)")
        let diagnostics = try #require(json["diagnostics"]?.arrayValue)
        #expect(diagnostics.count == 1)
        let d = try #require(diagnostics.first)
        #expect(d["message"]?.stringValue == "unknown function 'nrom' (did you mean 'norm'?)")
        #expect(d["lnum"]?.int == typoLine)
        #expect(d["col"]?.int == byteColumn)
        #expect(d["end_col"]?.int == byteColumn + 4)
        let labels = (json["completion"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(Array(labels.prefix(3)) == ["rows:", "cols:", "seed:"])
        #expect(labels.contains("X") && labels.contains("θ") && labels.contains("linspace"))
        #expect(json["hover"]?.stringValue?.contains("block `use`") == true)
        #expect(json["stopped"] == .bool(true))
    }
}
