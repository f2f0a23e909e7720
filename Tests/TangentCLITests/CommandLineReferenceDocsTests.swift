import Foundation
import Testing

@testable import TangentCLI

/// docs/guide.md embeds the command-line reference generated from the verbs' declarations.
@Suite struct CommandLineReferenceDocsTests {
    @Test func theGuidesReferenceIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let guide = try String(contentsOf: root.appendingPathComponent("docs/guide.md"), encoding: .utf8)
        let begin = try #require(guide.range(of: "<!-- cli:begin -->\n"), "docs/guide.md has no cli:begin marker")
        let end = try #require(guide.range(of: "<!-- cli:end -->", range: begin.upperBound..<guide.endIndex))
        let embedded = String(guide[begin.upperBound..<end.lowerBound])
        let generated = CapturedConsole.run(["help", "--markdown"])
        #expect(generated.status == 0)
        #expect(
            embedded == generated.out, "docs/guide.md is stale: run scripts/update-docs.sh (tangent help --markdown)")
        // Every verb's help, and every option it lists, is in the guide.
        for verb in CommandLineReference.verbs {
            #expect(
                embedded.contains("### `tangent \(verb.name)`\n\n```text\n\(verb.help)\n```\n"), "tangent \(verb.name)")
        }
    }
}
