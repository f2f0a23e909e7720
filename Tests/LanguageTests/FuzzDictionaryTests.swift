import Foundation
import Testing

@testable import Language

/// The fuzzers' dictionary (Fuzz/ntk.dict) knows the §9 layer language: every layer builtin's
/// name, each of its parameters as a keyword (`degree:`), and the kernel builtins' `out:`.
@Suite struct FuzzDictionaryTests {
    static let entries: Set<String> = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/ntk.dict")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return Set(
            text.split(separator: "\n").filter { $0.hasPrefix("\"") && $0.hasSuffix("\"") && $0.count >= 2 }
                .map { String($0.dropFirst().dropLast()) })
    }()

    @Test func listsEveryLayerNameAndKeyword() {
        #expect(Self.entries.count > 100)
        var wanted = [
            "nngp", "ntk", "out:", "init", "apply", "empirical_ntk", "train", "loss", "predict_ensemble",
            "weights", "biases", "params"
        ]
        for b in Builtins.layers { wanted += [b.name] + b.parameters.map { $0.name + ":" } }
        let missing = wanted.filter { !Self.entries.contains($0) }
        #expect(missing.isEmpty, "missing from Fuzz/ntk.dict: \(missing)")
    }
}
