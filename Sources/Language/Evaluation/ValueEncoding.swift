import NTKCore
import TangentSupport

// The binary form of values: what the block cache stores, what the kernel worker sends back,
// and what a value's fingerprint is computed from (equal values, equal fingerprints; the
// dependency tracking of blocks compares them). Decoding never traps: damaged bytes give nil.

extension Value {
    package func encode(into w: inout BinaryWriter) { encode(into: &w, locations: true) }

    /// `locations: false` leaves out where a function's source sits in the file, so a block
    /// that only moved does not change the fingerprint of the functions it defines.
    func encode(into w: inout BinaryWriter, locations: Bool) {
        switch self {
        case .number(let x):
            w.u8(0)
            w.double(x)
        case .bool(let b):
            w.u8(1)
            w.bool(b)
        case .string(let s):
            w.u8(2)
            w.string(s)
        case .none: w.u8(3)
        case .list(let items):
            w.u8(4)
            w.int(items.count)
            for item in items {
                item.encode(into: &w, locations: locations)
            }
        case .matrix(let m):
            w.u8(5)
            w.matrix(m)
        case .network(let n):
            w.u8(6)
            w.int(n.widths.count)
            for width in n.widths {
                w.int(width)
            }
            w.string(n.activation.rawValue)
            w.double(n.wStd)
            w.optionalDouble(n.bStd)
            w.double(n.wStdOut)
            w.optionalDouble(n.bStdOut)
            w.string(n.parameterization.rawValue)
            w.int(n.outDim)
            w.int(n.tanhDegree)
        case .layer(let l):
            w.u8(12)
            l.encode(into: &w)
        case .params(let p):
            w.u8(7)
            w.int(p.weights.count)
            for weight in p.weights {
                w.matrix(weight)
            }
            w.int(p.biases.count)
            for b in p.biases {
                w.bool(b != nil)
                if let b { w.matrix(b) }
            }
        case .record(let r):
            w.u8(8)
            w.int(r.fields.count)
            for f in r.fields {
                w.string(f.name)
                f.value.encode(into: &w, locations: locations)
            }
        case .table(let t):
            w.u8(11)
            w.matrix(t.matrix)
            w.int(t.columns.count)
            for column in t.columns {
                w.string(column)
            }
        case .images(let i):
            w.u8(13)
            w.int(i.height)
            w.int(i.width)
            w.int(i.channels)
            w.matrix(i.pixels)
        case .function(let f) where f.builtinName != nil:
            // A builtin used as a value: its name (every build has it).
            w.u8(14)
            w.string(f.builtinName!)
        case .function(let f):
            // A notebook-level function is its source (parsed again when read back) and its
            // defaults; one that closes over a call's scope is marked by that scope's identity
            // and cannot be read back (the cache does not store it).
            w.u8(f.closure == nil ? 9 : 10)
            w.string(f.definition.name)
            w.int(f.definition.source.count)
            for line in f.definition.source {
                if locations {
                    w.int(line.number)
                    w.int(line.columnOffset)
                }
                w.string(line.text)
            }
            let names = f.defaults.keys.sorted()
            w.int(names.count)
            for n in names {
                w.string(n)
                f.defaults[n]!.encode(into: &w, locations: locations)
            }
            if let scope = f.closure { w.u64(UInt64(UInt(bitPattern: ObjectIdentifier(scope).hashValue))) }
        }
    }

    package static func decode(from r: inout BinaryReader, depth: Int = 0) -> Value? {
        guard depth < 64, let tag = r.u8() else { return nil }
        switch tag {
        case 0: return r.double().map(Value.number)
        case 1: return r.bool().map(Value.bool)
        case 2: return r.string().map(Value.string)
        case 3: return Value.none
        case 14: return r.string().flatMap(Function.builtin).map(Value.function)
        case 4:
            guard let n = r.count() else { return nil }
            var items: [Value] = []
            for _ in 0..<n {
                guard let v = decode(from: &r, depth: depth + 1) else { return nil }
                items.append(v)
            }
            return .list(items)
        case 5: return r.matrix().map(Value.matrix)
        case 6:
            guard let n = r.count(unit: 8) else { return nil }
            var widths: [Int] = []
            for _ in 0..<n {
                guard let w = r.int() else { return nil }
                widths.append(w)
            }
            guard let act = r.string().flatMap(Activation.init(rawValue:)), let wStd = r.double(),
                let bStd = r.optionalDouble(), let wOut = r.double(), let bOut = r.optionalDouble(),
                let par = r.string().flatMap(Parameterization.init(rawValue:)), let outDim = r.int(),
                let deg = r.int()
            else { return nil }
            return .network(
                MLP(
                    widths: widths, activation: act, wStd: wStd, bStd: bStd, wStdOut: wOut,
                    bStdOut: .some(bOut), parameterization: par, outDim: outDim, tanhDegree: deg))
        case 12:
            return Layer.decode(from: &r, depth: depth + 1).map(Value.layer)
        case 7:
            guard let nw = r.count() else { return nil }
            var weights: [Matrix] = []
            for _ in 0..<nw {
                guard let m = r.matrix() else { return nil }
                weights.append(m)
            }
            guard let nb = r.count() else { return nil }
            var biases: [Matrix?] = []
            for _ in 0..<nb {
                guard let has = r.bool() else { return nil }
                if has {
                    guard let m = r.matrix() else { return nil }
                    biases.append(m)
                } else {
                    biases.append(nil)
                }
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
            for _ in 0..<n {
                guard let s = r.string() else { return nil }
                columns.append(s)
            }
            guard columns.count == m.cols else { return nil }
            return .table(Table(matrix: m, columns: columns))
        case 13:
            guard let h = r.int(), let wd = r.int(), let ch = r.int(), let m = r.matrix(), h >= 1, wd >= 1, ch >= 1
            else { return nil }
            let (hw, o1) = h.multipliedReportingOverflow(by: wd)
            let (hwc, o2) = hw.multipliedReportingOverflow(by: ch)
            guard !o1, !o2, hwc == m.cols else { return nil }
            return .images(Images(pixels: m, height: h, width: wd, channels: ch))
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
    package var fingerprint: UInt64 {
        // A matrix (the large values: kernels, data) is hashed from its own storage, without
        // the copy its encoding would make; the result is the encoding's fingerprint.
        if case .matrix(let m) = self {
            var header = BinaryWriter()
            header.u8(5)
            header.int(m.rows)
            header.int(m.cols)
            header.int(m.count)
            var hasher = Fingerprint.Hasher()
            header.bytes.withUnsafeBytes { hasher.update($0) }
            m.storage.withUnsafeBytes { hasher.update($0) }
            return hasher.finalize()
        }
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
            return SourceText.Line(
                text: String(line.text.dropFirst(cut)), number: line.number, columnOffset: line.columnOffset + cut)
        }
        guard let statements = try? Parser.parse(SourceText(lines: shifted)), statements.count == 1,
            case .function(let definition) = statements[0].kind
        else { return nil }
        return definition
    }
}

extension BinaryWriter {
    /// A source range: four integers.
    package mutating func range(_ r: SourceRange) {
        int(r.start.line)
        int(r.start.column)
        int(r.end.line)
        int(r.end.column)
    }
}

extension BinaryReader {
    /// A source range as `BinaryWriter.range` wrote it.
    package mutating func range() -> SourceRange? {
        guard let a = int(), let b = int(), let c = int(), let d = int() else { return nil }
        return SourceRange(SourceLocation(line: a, column: b), SourceLocation(line: c, column: d))
    }
}
