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
        return Set(text.split(separator: "\n").filter { $0.hasPrefix("\"") && $0.hasSuffix("\"") && $0.count >= 2 }
            .map { String($0.dropFirst().dropLast()) })
    }()

    @Test func listsEveryLayerNameAndKeyword() {
        #expect(Self.entries.count > 100)
        for b in Builtins.layers {
            #expect(Self.entries.contains(b.name), "\(b.name) is missing from Fuzz/ntk.dict")
            for p in b.parameters {
                #expect(Self.entries.contains(p.name + ":"), "\(b.name)'s keyword \(p.name): is missing from Fuzz/ntk.dict")
            }
        }
        for name in ["nngp", "ntk", "out:", "init", "apply", "empirical_ntk", "train", "loss", "predict_ensemble", "weights", "biases", "params"] {
            #expect(Self.entries.contains(name), "\(name) is missing from Fuzz/ntk.dict")
        }
    }
}
