/// Reads what `BinaryWriter` wrote; every read checks bounds and returns nil past the end.
package struct BinaryReader {
    package let bytes: [UInt8]
    package private(set) var position = 0
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
    package var atEnd: Bool { position == bytes.count }

    package mutating func u8() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }
    package mutating func u64() -> UInt64? {
        guard position + 8 <= bytes.count else { return nil }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
        position += 8
        return v
    }
    package mutating func int() -> Int? { u64().map { Int(Int64(bitPattern: $0)) } }
    /// A count that must be non-negative and fit in what remains (each item at least `unit` bytes).
    package mutating func count(unit: Int = 1) -> Int? {
        guard let n = int(), n >= 0, n <= (bytes.count - position) / max(unit, 1) else { return nil }
        return n
    }
    package mutating func double() -> Double? { u64().map(Double.init(bitPattern:)) }
    package mutating func bool() -> Bool? {
        guard let b = u8(), b <= 1 else { return nil }
        return b == 1
    }
    package mutating func string() -> String? {
        guard let n = count() else { return nil }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }
    package mutating func optionalString() -> String?? {
        guard let has = bool() else { return nil }
        return has ? string().map { Optional($0) } : .some(nil)
    }
    package mutating func optionalDouble() -> Double?? {
        guard let has = bool() else { return nil }
        return has ? double().map { Optional($0) } : .some(nil)
    }
    package mutating func doubles() -> [Double]? {
        guard let n = count(unit: 8) else { return nil }
        var out = [Double](repeating: 0, count: n)
        out.withUnsafeMutableBytes { raw in
            bytes.withUnsafeBytes { src in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position..<(position + 8 * n)]))
            }
        }
        position += 8 * n
        return out
    }
}
