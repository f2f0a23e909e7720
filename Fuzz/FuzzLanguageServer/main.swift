import FuzzSupport
import LanguageServer
import TangentSupport

// libFuzzer target: bytes → `MessageReader` (fed whole, and again in chunks whose sizes the
// first byte picks) → each body → `RPCMessage.parse` → the `LanguageServer` (its answers
// dropped; `workspace/executeCommand` is left out: running a notebook is not the reader's
// business). Must never crash, whatever the bytes.
// Invariants checked (a violation traps, so libFuzzer keeps the input):
// - fed in chunks, the reader hands out exactly the bodies and errors it does fed at once;
// - no body is longer than the limit, and the bodies together are no longer than the input.
func fuzzReader(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let limit = 4096
    func drain(_ reader: inout MessageReader) -> [Result<[UInt8], MessageReader.FramingError>] {
        var out: [Result<[UInt8], MessageReader.FramingError>] = []
        while let item = reader.next() { out.append(item) }
        return out
    }
    var whole = MessageReader(maxBodyBytes: limit)
    whole.feed(bytes)
    let once = drain(&whole)
    var chunked = MessageReader(maxBodyBytes: limit)
    let step = max(Int(bytes.first ?? 1) % 17, 1)
    var pieces: [Result<[UInt8], MessageReader.FramingError>] = []
    var k = 0
    while k < bytes.count {
        chunked.feed(bytes[k..<min(k + step, bytes.count)])
        pieces += drain(&chunked)
        k += step
    }
    require(pieces == once, "chunked reading (\(step) bytes at a time) differs from reading at once")
    var total = 0
    let server = LanguageServer(send: { _ in })
    for case .success(let body) in once {
        require(body.count <= limit, "a body of \(body.count) bytes passed the limit of \(limit)")
        total += body.count
        if case .success(.request(_, "workspace/executeCommand", _)) = RPCMessage.parse(body) { continue }
        server.receive(body)
    }
    require(total <= bytes.count, "the bodies hold more bytes than the input")
    return 0
}

/// A broken invariant: the message (release builds drop precondition messages), then a trap.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

runFuzzer { data, count in fuzzReader(data, count) }
