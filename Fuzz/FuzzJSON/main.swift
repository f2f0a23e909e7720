import FuzzSupport
import TangentSupport

// libFuzzer target: bytes → (UTF-8, invalid sequences replaced) → JSON.parseLocated. Must never
// crash, whatever the bytes (deep nesting, surrogate escapes, huge numbers included).
// Invariants checked (a violation traps, so libFuzzer keeps the input):
// - a value that parses, serialised (pretty and compact), parses again to an equal value, and
//   serialising that gives the same bytes;
// - a refusal is located inside the text (line and column of a real place) and says why.
func fuzzJSON(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    do throws(JSON.SyntaxError) {
        let value = try JSON.parseLocated(text)
        for pretty in [true, false] {
            let written = value.serialized(pretty: pretty)
            guard let again = JSON.parse(written) else {
                fatalError("the serialised value does not parse: \(written.prefix(300))")
            }
            require(again == value, "serialise → parse changed the value: \(written.prefix(300))")
            require(
                again.serialized(pretty: pretty).utf8.elementsEqual(written.utf8),
                "serialising the parsed text again changed it")
        }
    } catch {
        let lines = text.utf8.split(separator: 0x0a, omittingEmptySubsequences: false)
        require(error.line >= 1 && error.line <= lines.count, "the error's line \(error.line) is not in the text")
        let length = String(decoding: lines[error.line - 1], as: UTF8.self).count
        require(
            error.column >= 1 && error.column <= length + 1, "the error's column \(error.column) is not in its line")
        require(!error.reason.isEmpty, "the error gives no reason")
    }
    return 0
}

/// A broken invariant: the message (release builds drop precondition messages), then a trap.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

runFuzzer { data, count in fuzzJSON(data, count) }
