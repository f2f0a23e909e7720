import Foundation
import Language
import LanguageServer
import TangentSupport
import Testing

/// The bad-notebook corpus of the command line (Tests/TangentCLITests/Corpus, its manifest
/// giving each notebook's first error as `tangent run` reports it): where the server reports a
/// problem at that place it says the same, and it reports nothing earlier than the first error
/// (a run stops at the first error of a block, so anything before it would be a false alarm).
@Suite struct CorpusDiagnosticsTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TangentCLITests/Corpus")

    @Test func theServerAgreesWithTheCommandLineOnTheCorpus() throws {
        let manifest = try #require(
            JSON.parse(
                try String(
                    contentsOf: CorpusDiagnosticsTests.corpus.appendingPathComponent("manifest.json"), encoding: .utf8)
            ))
        let cases = try #require(manifest["notebooks"]?.arrayValue)
        var same = 0
        for c in cases {
            guard let file = c["file"]?.stringValue, file.hasSuffix(".md"), c["errorFile"] == nil,
                let line = c["line"]?.int, let column = c["column"]?.int, let piece = c["message"]?.stringValue,
                c["exit"]?.int != 0
            else { continue }
            let url = CorpusDiagnosticsTests.corpus.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(validating: Array(data), as: UTF8.self)
            else { continue }  // the not-UTF-8 cases are refused before any notebook is read
            let analysis = NotebookAnalysis(text: text, path: url.path)
            let first = SourceLocation(line: line, column: column)
            for d in analysis.diagnostics where d.range.start == first {
                #expect(d.message.contains(piece), "\(file): \(d.message)")
                same += 1
            }
            let earlier = analysis.diagnostics.filter { $0.range.start < first }
            #expect(earlier.isEmpty, "\(file): \(earlier.map { "\($0.range.start): \($0.message)" })")
        }
        print("lsp: \(same) corpus notebooks diagnosed at the command line's place")
        #expect(same > 100)
    }
}
