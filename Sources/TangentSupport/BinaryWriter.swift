/// A compact binary encoding, little-endian, that `BinaryReader` reads back with every read
/// bounds-checked: the form of cache entries and of the kernel worker's messages. Types add
/// their own `encode(into:)` (values, outputs, matrices) on top of these primitives.
package struct BinaryWriter {
    package private(set) var bytes: [UInt8] = []
    package init() {}

    package mutating func u8(_ v: UInt8) { bytes.append(v) }
    package mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    package mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    package mutating func double(_ v: Double) { u64(v.bitPattern) }
    package mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    package mutating func string(_ s: String) {
        let u = Array(s.utf8)
        int(u.count)
        bytes.append(contentsOf: u)
    }
    package mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }
    package mutating func optionalDouble(_ v: Double?) {
        bool(v != nil)
        if let v { double(v) }
    }
    package mutating func doubles(_ values: [Double]) {
        int(values.count)
        values.withUnsafeBytes { raw in
            // Doubles are stored little-endian; this machine is little-endian (x86-64, arm64).
            bytes.append(contentsOf: raw)
        }
    }
    /// Raw bytes, as they are (a value encoded by another writer).
    package mutating func bytes(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}
