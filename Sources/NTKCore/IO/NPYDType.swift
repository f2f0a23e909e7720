import TangentSupport

/// The element types of a `.npy` file that become `Double`, and the conversion of their bytes.
extension NPY {
    /// An element type of a `.npy` file that can become `Double`.
    struct DType {
        enum Kind { case float, signed, unsigned, bool }
        var kind: Kind
        /// Bytes per element.
        var size: Int
        var bigEndian: Bool

        /// Parses a numpy type string such as `<f8`, `>i4` or `|b1`.
        init(parsing descr: String) throws(FileError) {
            var rest = Substring(descr)
            var bigEndian = false
            switch rest.first {
            case "<", "|": rest.removeFirst()
            case "=":
                rest.removeFirst()
                bigEndian = (1 as UInt16).bigEndian == 1
            case ">":
                rest.removeFirst()
                bigEndian = true
            default: bigEndian = (1 as UInt16).bigEndian == 1  // no prefix: native order
            }
            let unsupported = { (what: String) in
                FileError(
                    "unsupported dtype '\(descr)' (\(what)): only float, integer "
                        + "and boolean arrays can be loaded as a matrix")
            }
            guard let code = rest.first else { throw FileError("malformed header: empty dtype") }
            let size = Int(rest.dropFirst())
            let kind: Kind
            switch (code, size) {
            case ("f", 2), ("f", 4), ("f", 8): kind = .float
            case ("f", 12), ("f", 16): throw unsupported("extended-precision floats")
            case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
            case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
            case ("b", 1): kind = .bool
            case ("c", _): throw unsupported("complex numbers")
            case ("O", _): throw unsupported("Python objects")
            case ("U", _), ("S", _), ("a", _): throw unsupported("strings")
            case ("M", _), ("m", _): throw unsupported("dates and times")
            case ("V", _): throw unsupported("raw bytes")
            default: throw FileError("unsupported dtype '\(descr)'")
            }
            self.kind = kind
            self.size = size ?? 0
            self.bigEndian = bigEndian
        }

        /// Converts `count` packed elements to doubles.
        func values(in bytes: UnsafeRawBufferPointer, count: Int) -> [Double] {
            let swap = bigEndian != ((1 as UInt16).bigEndian == 1)
            if kind == .float && size == 8 && !swap {
                // The common case: the bytes already are the doubles.
                return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if let source = bytes.baseAddress, let destination = buffer.baseAddress {
                        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 8 * count)
                        initialized = count
                    } else {
                        initialized = 0  // count == 0
                    }
                }
            }
            var values = [Double]()
            values.reserveCapacity(count)
            for k in 0..<count {
                let offset = k * size
                let value: Double
                switch (kind, size) {
                case (.float, 8): value = Double(bitPattern: load(UInt64.self, bytes, offset, swap))
                case (.float, 4): value = Double(Float(bitPattern: load(UInt32.self, bytes, offset, swap)))
                case (.float, _): value = halfToDouble(load(UInt16.self, bytes, offset, swap))
                case (.signed, 1): value = Double(Int8(bitPattern: bytes[offset]))
                case (.signed, 2): value = Double(Int16(bitPattern: load(UInt16.self, bytes, offset, swap)))
                case (.signed, 4): value = Double(Int32(bitPattern: load(UInt32.self, bytes, offset, swap)))
                case (.signed, _): value = Double(Int64(bitPattern: load(UInt64.self, bytes, offset, swap)))
                case (.unsigned, 1): value = Double(bytes[offset])
                case (.unsigned, 2): value = Double(load(UInt16.self, bytes, offset, swap))
                case (.unsigned, 4): value = Double(load(UInt32.self, bytes, offset, swap))
                case (.unsigned, _): value = Double(load(UInt64.self, bytes, offset, swap))
                case (.bool, _): value = bytes[offset] == 0 ? 0 : 1
                }
                values.append(value)
            }
            return values
        }

        private func load<T: FixedWidthInteger>(
            _ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int, _ swap: Bool
        ) -> T {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
            return swap ? raw.byteSwapped : raw
        }

        /// IEEE 754 binary16 → binary64, exactly.
        private func halfToDouble(_ bits: UInt16) -> Double {
            let sign: Double = bits & 0x8000 != 0 ? -1 : 1
            let exponent = Int((bits >> 10) & 0x1F)
            let fraction = Double(bits & 0x3FF)
            switch exponent {
            case 0: return sign * fraction * 0x1p-24
            case 31: return fraction == 0 ? sign * .infinity : .nan
            default: return sign * (1024 + fraction) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
            }
        }
    }
}
