import FuzzSupport
import Language

// libFuzzer target: bytes → lexer → parser → AST dump, and every diagnostic formatted with
// its source line. Must never crash, whatever the bytes (deep nesting included).
func fuzzParser(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let source = SourceText(text)
    do throws(Diagnostic) {
        let statements = try Parser.parse(source)
        _ = ASTDump.dump(statements)
        _ = Dependencies.of(statements)
    } catch {
        let lines = source.lines
        _ = error.formatted(file: "fuzz.ntk") { n in n >= 1 && n <= lines.count ? lines[n - 1].text : nil }
    }
    _ = Dependencies.approximate(source)
    return 0
}

runFuzzer { data, count in fuzzParser(data, count) }
