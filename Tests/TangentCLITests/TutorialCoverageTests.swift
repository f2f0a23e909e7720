import Foundation
import Language
import Testing

@testable import TangentCLI

/// The tutorials are the language's showcase: every builtin appears in at least one, and
/// docs/tutorials.md (which lists where) is current.
@Suite struct TutorialCoverageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyContractBuiltinIsUsedByATutorial() throws {
        let files = try NotebookFiles.collect([TutorialCoverageTests.root.appendingPathComponent("notebooks").path])
        #expect(files.count >= 8, "the course has at least eight tutorials")
        let usage = BuiltinUsage.usage(in: files)
        #expect(BuiltinCatalog.contract.isSubset(of: BuiltinCatalog.names), "every LANGUAGE.md builtin exists")
        let unused = usage.filter { $0.value.isEmpty && BuiltinCatalog.contract.contains($0.key) }.keys.sorted()
        #expect(unused.isEmpty, "LANGUAGE.md builtins no tutorial uses: \(unused.joined(separator: ", "))")
    }

    @Test func tutorialTableIsCurrent() throws {
        // Links in the table use file names only, so an absolute path gives the same table.
        let files = try NotebookFiles.collect([TutorialCoverageTests.root.appendingPathComponent("notebooks").path])
        let table = BuiltinUsage.markdown(BuiltinUsage.usage(in: files))
        let doc = try String(
            contentsOf: TutorialCoverageTests.root.appendingPathComponent("docs/tutorials.md"), encoding: .utf8)
        #expect(doc.contains(table), "docs/tutorials.md is stale: run scripts/update-docs.sh")
    }
}
