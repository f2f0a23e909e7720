import Foundation
import Language
import NTKCore
import TangentSupport

/// A value's stored form (exactly `Value.encode`'s bytes) as a list of pieces: small encoded
/// runs, and matrices' storage referenced where it lies. The cache hashes and writes the pieces
/// one after the other, so a large matrix is never copied to be encoded, tagged or written.
struct CacheChunks {
    enum Piece {
        case bytes([UInt8])
        case doubles([Double])
    }
    private(set) var pieces: [Piece] = []
    private var pending = BinaryWriter()
    private(set) var count = 0

    init(_ value: Value) {
        append(value)
        flush()
    }

    /// Values at least this large are referenced rather than copied.
    private static let referenceBytes = 64 * 1024

    private mutating func flush() {
        guard !pending.bytes.isEmpty else { return }
        count += pending.bytes.count
        pieces.append(.bytes(pending.bytes))
        pending = BinaryWriter()
    }

    private mutating func matrix(_ m: Matrix) {
        guard 8 * m.count >= Self.referenceBytes else {
            pending.matrix(m)
            return
        }
        pending.int(m.rows)
        pending.int(m.cols)
        pending.int(m.storage.count)
        flush()
        count += 8 * m.storage.count
        pieces.append(.doubles(m.storage))
    }

    private mutating func append(_ value: Value) {
        switch value {
        case .matrix(let m):
            pending.u8(5)
            matrix(m)
        case .list(let items):
            pending.u8(4)
            pending.int(items.count)
            for item in items { append(item) }
        case .params(let p):
            pending.u8(7)
            pending.int(p.weights.count)
            for weight in p.weights { matrix(weight) }
            pending.int(p.biases.count)
            for b in p.biases {
                pending.bool(b != nil)
                if let b { matrix(b) }
            }
        case .record(let r):
            pending.u8(8)
            pending.int(r.fields.count)
            for f in r.fields {
                pending.string(f.name)
                append(f.value)
            }
        case .table(let t):
            pending.u8(11)
            matrix(t.matrix)
            pending.int(t.columns.count)
            for column in t.columns { pending.string(column) }
        default:
            value.encode(into: &pending)
        }
    }

    /// Calls `body` with each piece's bytes in order.
    func forEachPiece(_ body: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws(FileError) {
        for piece in pieces {
            let outcome: Result<Void, FileError>
            switch piece {
            case .bytes(let b): outcome = b.withUnsafeBytes { raw in Result { () throws(FileError) in try body(raw) } }
            case .doubles(let d):
                outcome = d.withUnsafeBytes { raw in Result { () throws(FileError) in try body(raw) } }
            }
            try outcome.get()
        }
    }

    /// The content fingerprint `Value.fingerprint` gives (for values without functions).
    var fingerprint: UInt64 {
        var h = Fingerprint.Hasher()
        try? forEachPiece { h.update($0) }
        return h.finalize()
    }

    /// The keyed tag `CacheSecret.tag` gives for the whole encoding.
    func tag(_ secret: CacheSecret) -> UInt64 {
        var h = SipHash(key: secret.key)
        try? forEachPiece { h.update($0) }
        return h.finalize()
    }

    /// All the bytes in one array (for values small enough to live inside the entry).
    var bytes: [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(count)
        try? forEachPiece { all.append(contentsOf: $0) }
        return all
    }
}
