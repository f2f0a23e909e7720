import Foundation
import FuzzSupport
import Language

// libFuzzer target: bytes → parse → evaluate, with a time budget per input (the deadline is
// checked between statements, calls and training chunks) and a memory budget
// (TANGENT_ALLOCATION_LIMIT, 256M unless already set): every allocation sized by the
// program is checked against it first. load/save are confined to a scratch folder, emptied
// after each input.
nonisolated(unsafe) private var scratch: URL?

private func scratchFolder() -> URL {
    if let scratch { return scratch }
    if getenv("TANGENT_ALLOCATION_LIMIT") == nil { setenv("TANGENT_ALLOCATION_LIMIT", "256M", 1) }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tangent-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    scratch = url
    return url
}

func fuzzEvaluator(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let folder = scratchFolder()
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let source = SourceText(text)
    guard let statements = try? Parser.parse(source) else { return 0 }
    let context = EvaluationContext(
        environment: Environment(), baseDirectory: folder, seed: 0,
        deadline: Deadline(seconds: 0.5), fileRoot: folder)
    do throws(Diagnostic) {
        try Evaluator(context: context, source: source).run(statements)
        for item in context.outputs {
            if case .value(let v, _, _) = item { _ = ValueFormatter.text(v) }
        }
    } catch {
        let lines = source.lines
        _ = error.formatted(file: "fuzz.ntk") { n in n >= 1 && n <= lines.count ? lines[n - 1].text : nil }
    }
    if let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
        for name in names { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
    }
    return 0
}

runFuzzer { data, count in fuzzEvaluator(data, count) }
