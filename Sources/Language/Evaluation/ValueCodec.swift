import NTKCore

/// A compact, bounds-checked binary encoding of values, outputs and diagnostics: what the
/// block cache stores. Decoding never traps: damaged bytes give nil.
public struct BinaryWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    public mutating func double(_ v: Double) { u64(v.bitPattern) }
    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    public mutating func string(_ s: String) { let u = Array(s.utf8); int(u.count); bytes.append(contentsOf: u) }
    public mutating func optionalString(_ s: String?) { bool(s != nil); if let s { string(s) } }
    public mutating func optionalDouble(_ v: Double?) { bool(v != nil); if let v { double(v) } }
    public mutating func doubles(_ values: [Double]) {
        int(values.count)
        values.withUnsafeBytes { raw in
            // Doubles are stored little-endian; this machine is little-endian (x86-64, arm64).
            bytes.append(contentsOf: raw)
        }
    }
    public mutating func matrix(_ m: Matrix) { int(m.rows); int(m.cols); doubles(m.storage) }
    /// Raw bytes, as they are (a value encoded by another writer).
    public mutating func bytes(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    public mutating func range(_ r: SourceRange) {
        int(r.start.line); int(r.start.column); int(r.end.line); int(r.end.column)
    }
}

/// Reads what `BinaryWriter` wrote; every read checks bounds and returns nil past the end.
public struct BinaryReader {
    let bytes: [UInt8]
    public private(set) var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var atEnd: Bool { position == bytes.count }

    public mutating func u8() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }
    public mutating func u64() -> UInt64? {
        guard position + 8 <= bytes.count else { return nil }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
        position += 8
        return v
    }
    public mutating func int() -> Int? { u64().map { Int(Int64(bitPattern: $0)) } }
    /// A count that must be non-negative and fit in what remains (each item at least `unit` bytes).
    public mutating func count(unit: Int = 1) -> Int? {
        guard let n = int(), n >= 0, n <= (bytes.count - position) / max(unit, 1) else { return nil }
        return n
    }
    public mutating func double() -> Double? { u64().map(Double.init(bitPattern:)) }
    public mutating func bool() -> Bool? {
        guard let b = u8(), b <= 1 else { return nil }
        return b == 1
    }
    public mutating func string() -> String? {
        guard let n = count() else { return nil }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }
    public mutating func optionalString() -> String?? {
        guard let has = bool() else { return nil }
        return has ? string().map { Optional($0) } : .some(nil)
    }
    public mutating func optionalDouble() -> Double?? {
        guard let has = bool() else { return nil }
        return has ? double().map { Optional($0) } : .some(nil)
    }
    public mutating func doubles() -> [Double]? {
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
    public mutating func matrix() -> Matrix? {
        guard let r = int(), let c = int(), r >= 0, c >= 0, let data = doubles(),
              r.multipliedReportingOverflow(by: c).overflow == false, data.count == r * c else { return nil }
        return Matrix(rows: r, cols: c, storage: data)
    }
    public mutating func range() -> SourceRange? {
        guard let a = int(), let b = int(), let c = int(), let d = int() else { return nil }
        return SourceRange(SourceLocation(line: a, column: b), SourceLocation(line: c, column: d))
    }
}

extension Value {
    public func encode(into w: inout BinaryWriter) { encode(into: &w, locations: true) }

    /// `locations: false` leaves out where a function's source sits in the file, so a block
    /// that only moved does not change the fingerprint of the functions it defines.
    func encode(into w: inout BinaryWriter, locations: Bool) {
        switch self {
        case .number(let x): w.u8(0); w.double(x)
        case .bool(let b): w.u8(1); w.bool(b)
        case .string(let s): w.u8(2); w.string(s)
        case .none: w.u8(3)
        case .list(let items): w.u8(4); w.int(items.count); items.forEach { $0.encode(into: &w, locations: locations) }
        case .matrix(let m): w.u8(5); w.matrix(m)
        case .network(let n):
            w.u8(6)
            w.int(n.widths.count); n.widths.forEach { w.int($0) }
            w.string(n.activation.rawValue); w.double(n.wStd); w.optionalDouble(n.bStd)
            w.double(n.wStdOut); w.optionalDouble(n.bStdOut)
            w.string(n.parameterization.rawValue); w.int(n.outDim); w.int(n.tanhDegree)
        case .params(let p):
            w.u8(7)
            w.int(p.weights.count); p.weights.forEach { w.matrix($0) }
            w.int(p.biases.count); p.biases.forEach { b in w.bool(b != nil); if let b { w.matrix(b) } }
        case .record(let r):
            w.u8(8)
            w.int(r.fields.count)
            for f in r.fields { w.string(f.name); f.value.encode(into: &w, locations: locations) }
        case .table(let t):
            w.u8(11); w.matrix(t.matrix); w.int(t.columns.count); t.columns.forEach { w.string($0) }
        case .function(let f):
            // A notebook-level function is its source (parsed again when read back) and its
            // defaults; one that closes over a call's scope is marked by that scope's identity
            // and cannot be read back (the cache does not store it).
            w.u8(f.closure == nil ? 9 : 10)
            w.string(f.definition.name)
            w.int(f.definition.source.count)
            for line in f.definition.source {
                if locations { w.int(line.number); w.int(line.columnOffset) }
                w.string(line.text)
            }
            let names = f.defaults.keys.sorted()
            w.int(names.count)
            for n in names { w.string(n); f.defaults[n]!.encode(into: &w, locations: locations) }
            if let scope = f.closure { w.u64(UInt64(UInt(bitPattern: ObjectIdentifier(scope).hashValue))) }
        }
    }

    public static func decode(from r: inout BinaryReader, depth: Int = 0) -> Value? {
        guard depth < 64, let tag = r.u8() else { return nil }
        switch tag {
        case 0: return r.double().map(Value.number)
        case 1: return r.bool().map(Value.bool)
        case 2: return r.string().map(Value.string)
        case 3: return Value.none
        case 4:
            guard let n = r.count() else { return nil }
            var items: [Value] = []
            for _ in 0..<n { guard let v = decode(from: &r, depth: depth + 1) else { return nil }; items.append(v) }
            return .list(items)
        case 5: return r.matrix().map(Value.matrix)
        case 6:
            guard let n = r.count(unit: 8) else { return nil }
            var widths: [Int] = []
            for _ in 0..<n { guard let w = r.int() else { return nil }; widths.append(w) }
            guard let act = r.string().flatMap(Activation.init(rawValue:)), let wStd = r.double(),
                  let bStd = r.optionalDouble(), let wOut = r.double(), let bOut = r.optionalDouble(),
                  let par = r.string().flatMap(Parameterization.init(rawValue:)), let outDim = r.int(),
                  let deg = r.int() else { return nil }
            return .network(MLP(widths: widths, activation: act, wStd: wStd, bStd: bStd, wStdOut: wOut,
                                bStdOut: .some(bOut), parameterization: par, outDim: outDim, tanhDegree: deg))
        case 7:
            guard let nw = r.count() else { return nil }
            var weights: [Matrix] = []
            for _ in 0..<nw { guard let m = r.matrix() else { return nil }; weights.append(m) }
            guard let nb = r.count() else { return nil }
            var biases: [Matrix?] = []
            for _ in 0..<nb {
                guard let has = r.bool() else { return nil }
                if has { guard let m = r.matrix() else { return nil }; biases.append(m) } else { biases.append(nil) }
            }
            return .params(NetworkParams(weights: weights, biases: biases))
        case 8:
            guard let n = r.count() else { return nil }
            var fields: [(name: String, value: Value)] = []
            for _ in 0..<n {
                guard let name = r.string(), let v = decode(from: &r, depth: depth + 1) else { return nil }
                fields.append((name, v))
            }
            return .record(Record(fields))
        case 11:
            guard let m = r.matrix(), let n = r.count(unit: 8) else { return nil }
            var columns: [String] = []
            for _ in 0..<n { guard let s = r.string() else { return nil }; columns.append(s) }
            guard columns.count == m.cols else { return nil }
            return .table(Table(matrix: m, columns: columns))
        case 9:
            guard let name = r.string(), let n = r.count(unit: 24) else { return nil }
            var lines: [SourceText.Line] = []
            for _ in 0..<n {
                guard let number = r.int(), let offset = r.int(), let text = r.string() else { return nil }
                lines.append(SourceText.Line(text: text, number: number, columnOffset: offset))
            }
            guard let nd = r.count() else { return nil }
            var defaults: [String: Value] = [:]
            for _ in 0..<nd {
                guard let k = r.string(), let v = decode(from: &r, depth: depth + 1) else { return nil }
                defaults[k] = v
            }
            guard let definition = FunctionDefinition.reparse(lines), definition.name == name else { return nil }
            return .function(Function(definition: definition, defaults: defaults, closure: nil))
        default: return nil
        }
    }

    /// A 64-bit fingerprint of the value's content (equal values, equal fingerprints).
    public var fingerprint: UInt64 {
        var w = BinaryWriter()
        encode(into: &w, locations: false)
        return Fingerprint.of(w.bytes)
    }
}

extension FunctionDefinition {
    /// The definition parsed again from its own lines (at their places in the file), as the
    /// cache reads a function back; nil when they no longer hold exactly one `def`.
    static func reparse(_ lines: [SourceText.Line]) -> FunctionDefinition? {
        guard let first = lines.first else { return nil }
        // A `def` nested in an `if` at notebook level is indented: parse it at indentation 0.
        let indent = first.text.prefix { $0 == " " }.count
        let shifted = lines.map { line in
            let cut = min(indent, line.text.prefix { $0 == " " }.count)
            return SourceText.Line(text: String(line.text.dropFirst(cut)), number: line.number, columnOffset: line.columnOffset + cut)
        }
        guard let statements = try? Parser.parse(SourceText(lines: shifted)), statements.count == 1,
              case .function(let definition) = statements[0].kind else { return nil }
        return definition
    }
}

extension DisplayItem {
    public func encode(into w: inout BinaryWriter) {
        switch self {
        case .value(let v, let caption, let range):
            w.u8(0); v.encode(into: &w); w.optionalString(caption); w.range(range)
        case .text(let s, let range):
            w.u8(1); w.string(s); w.range(range)
        case .figure(let f, let range):
            w.u8(2)
            w.optionalString(f.title); w.optionalString(f.xlabel); w.optionalString(f.ylabel)
            w.bool(f.logX); w.bool(f.logY)
            w.int(f.series.count)
            for s in f.series { w.string(s.kind.rawValue); w.doubles(s.x); w.doubles(s.y); w.optionalString(s.label) }
            w.bool(f.heatmap != nil); if let h = f.heatmap { w.matrix(h) }
            w.range(range)
        }
    }

    public static func decode(from r: inout BinaryReader) -> DisplayItem? {
        guard let tag = r.u8() else { return nil }
        switch tag {
        case 0:
            guard let v = Value.decode(from: &r), let caption = r.optionalString(), let range = r.range() else { return nil }
            return .value(v, caption: caption, range: range)
        case 1:
            guard let s = r.string(), let range = r.range() else { return nil }
            return .text(s, range: range)
        case 2:
            guard let title = r.optionalString(), let xl = r.optionalString(), let yl = r.optionalString(),
                  let logX = r.bool(), let logY = r.bool(), let n = r.count() else { return nil }
            var f = Figure(title: title, xlabel: xl, ylabel: yl)
            f.logX = logX
            f.logY = logY
            for _ in 0..<n {
                guard let kind = r.string().flatMap(Figure.SeriesKind.init(rawValue:)), let x = r.doubles(),
                      let y = r.doubles(), let label = r.optionalString() else { return nil }
                f.series.append(.init(kind: kind, x: x, y: y, label: label))
            }
            guard let hasHeat = r.bool() else { return nil }
            if hasHeat { guard let h = r.matrix() else { return nil }; f.heatmap = h }
            guard let range = r.range() else { return nil }
            return .figure(f, range: range)
        default: return nil
        }
    }
}

extension Diagnostic {
    public func encode(into w: inout BinaryWriter) {
        w.string(severity.rawValue); w.string(message); w.range(range)
        w.int(notes.count)
        for n in notes { w.string(n.severity.rawValue); w.string(n.message); w.range(n.range) }
    }

    public static func decode(from r: inout BinaryReader) -> Diagnostic? {
        guard let s = r.string().flatMap(Severity.init(rawValue:)), let m = r.string(), let range = r.range(),
              let n = r.count(unit: 48) else { return nil }
        var d = Diagnostic(s, m, at: range)
        for _ in 0..<n {
            guard let ns = r.string().flatMap(Severity.init(rawValue:)), let nm = r.string(), let nr = r.range() else { return nil }
            d.notes.append(Diagnostic(ns, nm, at: nr))
        }
        return d
    }
}

/// A fast 64-bit content hash (not cryptographic): 8 bytes at a time with a strong mixer.
public enum Fingerprint {
    public static func of(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let n = raw.count / 8
            for k in 0..<n {
                let word = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                h = mix(h ^ word)
            }
            var tail: UInt64 = 0
            for k in (8 * n)..<raw.count { tail |= UInt64(raw[k]) << (8 * UInt64(k - 8 * n)) }
            h = mix(h ^ tail ^ 0xff51_afd7_ed55_8ccd)
        }
        return h
    }

    public static func of(_ text: String) -> UInt64 { of(Array(text.utf8)) }

    /// The SplitMix64 finaliser (a bijection with full avalanche).
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    public static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
