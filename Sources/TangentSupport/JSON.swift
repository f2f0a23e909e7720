import Foundation

/// A JSON value with a deterministic serialiser (keys in insertion order, numbers round-trip).
package indirect enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    package static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

    package func serialized(indent: Int = 0, pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, level: indent, pretty: pretty)
        return out
    }

    /// Writes the value with a stack of open arrays and objects rather than recursion, so that
    /// the depth of a value costs heap, not thread stack (debug frames are over 1 KiB a level).
    private func write(into out: inout String, level: Int, pretty: Bool) {
        /// An array or object being written: its items (keys for an object) and the next one.
        struct Open {
            var items: [JSON]
            var keys: [String]?
            var next = 0
            var level: Int
        }
        let nl = pretty ? "\n" : ""
        var open: [Open] = []
        var pending: JSON? = self
        var pendingLevel = level
        while true {
            if let value = pending {
                pending = nil
                switch value {
                case .null: out += "null"
                case .bool(let b): out += b ? "true" : "false"
                case .number(let v):
                    if !v.isFinite {
                        out += v.isNaN ? "\"nan\"" : (v < 0 ? "\"-inf\"" : "\"inf\"")
                    } else if v == v.rounded(), abs(v) < 1e15 {
                        out += String(Int64(v))
                    } else {
                        out += "\(v)"
                    }
                case .string(let s): out += JSON.quote(s)
                case .array(let items):
                    if items.isEmpty {
                        out += "[]"
                    } else {
                        out += "[" + nl
                        open.append(Open(items: items, keys: nil, level: pendingLevel))
                    }
                case .object(let fields):
                    if fields.isEmpty {
                        out += "{}"
                    } else {
                        out += "{" + nl
                        open.append(Open(items: fields.map(\.1), keys: fields.map(\.0), level: pendingLevel))
                    }
                }
            }
            guard let top = open.indices.last else { return }
            let frame = open[top]
            if frame.next < frame.items.count {
                if frame.next > 0 { out += "," + nl }
                if pretty { out += String(repeating: "  ", count: frame.level + 1) }
                if let keys = frame.keys { out += JSON.quote(keys[frame.next]) + (pretty ? ": " : ":") }
                pending = frame.items[frame.next]
                pendingLevel = frame.level + 1
                open[top].next += 1
            } else {
                if pretty { out += "\n" + String(repeating: "  ", count: frame.level) }
                out += frame.keys == nil ? "]" : "}"
                open.removeLast()
            }
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

extension JSON {
    /// How deeply arrays and objects may nest in parsed text. RFC 8259 lets a parser limit
    /// nesting; Tangent never writes more than a few levels, and the limit keeps the recursive
    /// writer, `==` and the release of a parsed value shallow enough for a 512 KiB thread stack.
    package static let nestingLimit = 512

    /// Parses JSON text (numbers read with Swift's exact `Double(String)`). Nil when malformed.
    package static func parse(_ text: String) -> JSON? {
        try? parseLocated(text)
    }

    /// Where JSON text stops being valid: 1-based line and column (in characters), and why.
    package struct SyntaxError: Error, Equatable, Sendable {
        package var line: Int
        package var column: Int
        /// What is wrong there, e.g. "arrays and objects nest deeper than 512 levels".
        package var reason: String

        package init(line: Int, column: Int, reason: String = "") {
            self.line = line
            self.column = column
            self.reason = reason
        }
    }

    /// Parses JSON text strictly by RFC 8259; when it is malformed, throws where the parser
    /// stopped. Beyond the grammar: nesting deeper than `nestingLimit` is an error at the bracket
    /// that goes too deep; a `\u` escape of a lone or misordered UTF-16 surrogate is an error
    /// (not U+FFFD as Foundation decodes it: Tangent never writes one, since a Swift string cannot
    /// hold it, so it marks damaged or hostile input, and replacing it would change the text
    /// without a word); a number too large for a `Double` (`1e400`) is an error (Tangent writes
    /// non-finite numbers as the strings "inf", "-inf", "nan", never as numbers), while one too
    /// small (`1e-400`) reads as the nearest `Double`, as RFC 8259 allows. A byte order mark is
    /// not white space. Duplicate keys are kept in order (`subscript` finds the first).
    package static func parseLocated(_ text: String) throws(SyntaxError) -> JSON {
        var p = JSONParser(Array(text.utf8))
        do throws(JSONParser.Stop) {
            return try p.document()
        } catch {
            let bytes = p.bytes[..<min(error.offset, p.bytes.count)]
            let lineStart = (bytes.lastIndex(of: 0x0a) ?? -1) + 1
            let line = bytes.reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) }
            throw SyntaxError(
                line: line, column: String(decoding: bytes[lineStart...], as: UTF8.self).count + 1,
                reason: error.reason)
        }
    }

    package subscript(key: String) -> JSON? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    package var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    package var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    /// A number; the strings "nan", "inf", "-inf" (how the serialiser writes them) count too.
    package var doubleValue: Double? {
        switch self {
        case .number(let v): return v
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return nil
        }
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes. It keeps the open arrays and objects on a stack
/// of its own rather than recursing, so its depth costs heap, not thread stack.
private struct JSONParser {
    /// Where and why parsing stopped (a byte offset into `bytes`).
    struct Stop: Error {
        var offset: Int
        var reason: String
    }

    /// An array or object still open: its items so far, and for an object the key of the
    /// value being parsed.
    struct Open {
        var isObject: Bool
        var items: [JSON] = []
        var fields: [(String, JSON)] = []
        var key = ""
    }

    let bytes: [UInt8]
    var i = 0
    var open: [Open] = []
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    func stop(_ reason: String, at offset: Int? = nil) -> Stop {
        Stop(offset: offset ?? i, reason: i < bytes.count || offset != nil ? reason : "unexpected end of the text")
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 { i += 1 }
    }

    /// One value and nothing but white space after it.
    mutating func document() throws(Stop) -> JSON {
        let v = try value()
        skipSpace()
        guard i == bytes.count else { throw stop("unexpected text after the JSON value") }
        return v
    }

    /// A value; open arrays and objects are pushed on `open` and closed in the inner loop.
    mutating func value() throws(Stop) -> JSON {
        next: while true {
            skipSpace()
            var v: JSON
            switch peek ?? 0 {  // 0: the end (a NUL byte is no value either)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                let isObject = bytes[i] == UInt8(ascii: "{")
                guard open.count < JSON.nestingLimit else {
                    throw stop("arrays and objects nest deeper than \(JSON.nestingLimit) levels")
                }
                i += 1
                skipSpace()
                if peek == UInt8(ascii: isObject ? "}" : "]") {
                    i += 1
                    v = isObject ? .object([]) : .array([])
                } else {
                    var o = Open(isObject: isObject)
                    if isObject { o.key = try key() }
                    open.append(o)
                    continue next
                }
            case UInt8(ascii: "\""): v = .string(try string())
            case UInt8(ascii: "t"): v = try literal("true", .bool(true))
            case UInt8(ascii: "f"): v = try literal("false", .bool(false))
            case UInt8(ascii: "n"): v = try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): v = try number()
            default: throw stop("expected a JSON value")
            }
            // A complete value: add it to the innermost open container, closing those that end.
            while !open.isEmpty {
                let top = open.count - 1
                if open[top].isObject { open[top].fields.append((open[top].key, v)) } else { open[top].items.append(v) }
                skipSpace()
                let close = UInt8(ascii: open[top].isObject ? "}" : "]")
                if peek == UInt8(ascii: ",") {
                    i += 1
                    if open[top].isObject { open[top].key = try key() }
                    continue next
                }
                guard peek == close else {
                    throw stop(
                        open[top].isObject
                            ? "expected ',' or '}' after an object member" : "expected ',' or ']' after an array item")
                }
                i += 1
                let done = open.removeLast()
                v = done.isObject ? .object(done.fields) : .array(done.items)
            }
            return v
        }
    }

    /// An object member's key and its colon.
    mutating func key() throws(Stop) -> String {
        skipSpace()
        guard peek == UInt8(ascii: "\"") else { throw stop("expected a string key in double quotes") }
        let k = try string()
        skipSpace()
        guard peek == UInt8(ascii: ":") else { throw stop("expected ':' after an object key") }
        i += 1
        return k
    }

    mutating func literal(_ word: StaticString, _ v: JSON) throws(Stop) -> JSON {
        let n = word.utf8CodeUnitCount
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for k in 0..<n where i + k >= bytes.count || bytes[i + k] != w[k] {
            throw stop("expected a JSON value", at: i)
        }
        i += n
        return v
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a `Double`.
    mutating func number() throws(Stop) -> JSON {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let first = peek, isDigit(first) else { throw stop("expected a digit in a number") }
        i += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard let d = peek, isDigit(d) else { throw stop("expected a digit after the decimal point") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard let d = peek, isDigit(d) else { throw stop("expected a digit in the exponent") }
            skipDigits()
        }
        guard let v = Double(String(decoding: bytes[start..<i], as: UTF8.self)), v.isFinite else {
            throw stop("the number is too large for a 64-bit float", at: start)
        }
        return .number(v)
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    mutating func skipDigits() {
        while let b = peek, isDigit(b) { i += 1 }
    }

    /// A string from its opening quote to its closing one.
    mutating func string() throws(Stop) -> String {
        i += 1
        var out = [UInt8]()
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw stop("a control character in a string must be escaped") }
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            let escape = i
            guard i + 1 < bytes.count else { throw stop("unexpected end of the text", at: bytes.count) }
            i += 2
            switch bytes[escape + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(bytes[escape + 1])
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xDC00...0xDFFF).contains(scalar) {
                    throw stop("a \\u escape of a lone low surrogate", at: escape)
                }
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw stop("a \\u escape of a high surrogate without a low one after it", at: escape)
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw stop("a \\u escape of a high surrogate without a low one after it", at: escape)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw stop("an invalid \\u escape", at: escape) }
                out.append(contentsOf: UTF8.encode(u)!)
            default:
                throw stop(
                    "an invalid escape in a string (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at: escape)
            }
        }
        throw stop("a string is not closed", at: bytes.count)
    }

    /// Exactly four hexadecimal digits.
    mutating func hex4() throws(Stop) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw stop("expected four hexadecimal digits after \\u") }
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw stop("expected four hexadecimal digits after \\u")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
