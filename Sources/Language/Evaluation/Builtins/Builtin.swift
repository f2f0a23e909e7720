import Foundation
import NTKCore
import TangentSupport

/// A parameter of a builtin function: its label, whether it must be given, and its default.
struct Parameter: Sendable {
    var name: String
    var defaultValue: Value?
    /// Only `name: value` may set it (seeds, options); positional arguments skip it.
    var keywordOnly: Bool

    static func required(_ name: String) -> Parameter { Parameter(name: name, defaultValue: nil, keywordOnly: false) }
    static func optional(_ name: String, _ value: Value = .none) -> Parameter {
        Parameter(name: name, defaultValue: value, keywordOnly: false)
    }
    static func keyword(_ name: String, _ value: Value = .none) -> Parameter {
        Parameter(name: name, defaultValue: value, keywordOnly: true)
    }
}

/// A function callable from `ntk` code: a signature and a body that reads bound arguments.
struct Builtin: Sendable {
    var name: String
    var parameters: [Parameter]
    /// Name for any number of extra positional arguments (`hcat(A, B, ...)`), if allowed.
    var variadic: String?
    var summary: String
    var body: @Sendable (inout BuiltinCall) throws(Diagnostic) -> Value

    init(
        _ name: String, _ parameters: [Parameter], variadic: String? = nil, _ summary: String,
        _ body: @escaping @Sendable (inout BuiltinCall) throws(Diagnostic) -> Value
    ) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.summary = summary
        self.body = body
    }

    /// `linspace(start, stop, n)` as shown in messages and the reference.
    var signature: String {
        var parts: [String] = []
        for p in parameters {
            if p.keywordOnly || p.defaultValue != nil {
                let d = p.defaultValue.map { ValueFormatter.inline($0) } ?? ""
                parts.append("\(p.name): \(d)")
            } else {
                parts.append(p.name)
            }
        }
        if let v = variadic {
            parts.insert("\(v)...", at: parameters.filter { !$0.keywordOnly && $0.defaultValue == nil }.count)
        }
        return "\(name)(" + parts.joined(separator: ", ") + ")"
    }
}

/// A call with its arguments bound to parameter names, and typed accessors that report
/// wrong types and values at the argument's own source range.
struct BuiltinCall {
    let name: String
    let range: SourceRange
    let calleeRange: SourceRange
    let context: EvaluationContext
    private var bound: [String: (value: Value, range: SourceRange)] = [:]
    private let defaults: [String: Value]
    /// Extra positional arguments (for variadic builtins), in order.
    private(set) var rest: [(value: Value, range: SourceRange)] = []

    init(
        builtin: Builtin, arguments: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)],
        range: SourceRange, calleeRange: SourceRange, context: EvaluationContext
    ) throws(Diagnostic) {
        name = builtin.name
        self.range = range
        self.calleeRange = calleeRange
        self.context = context
        var d: [String: Value] = [:]
        for p in builtin.parameters { if let v = p.defaultValue { d[p.name] = v } }
        defaults = d
        let positional = builtin.parameters.filter { !$0.keywordOnly }
        var next = 0
        for arg in arguments {
            if let label = arg.label {
                guard builtin.parameters.contains(where: { $0.name == label }) else {
                    let hint = Suggestions.hint(for: label, in: builtin.parameters.map(\.name))
                    throw .error(
                        "\(name)() has no argument '\(label)'\(hint); it takes \(builtin.signature)",
                        at: arg.labelRange ?? arg.range)
                }
                if bound[label] != nil {
                    throw .error("argument '\(label)' of \(name)() is given twice", at: arg.labelRange ?? arg.range)
                }
                bound[label] = (arg.value, arg.range)
                continue
            }
            while next < positional.count, bound[positional[next].name] != nil { next += 1 }
            if next < positional.count, builtin.variadic == nil || positional[next].defaultValue == nil {
                bound[positional[next].name] = (arg.value, arg.range)
                next += 1
            } else if builtin.variadic != nil {
                rest.append((arg.value, arg.range))
            } else {
                throw .error(
                    "\(name)() takes at most \(positional.count) positional argument\(positional.count == 1 ? "" : "s"), "
                        + "got \(arguments.filter { $0.label == nil }.count); it takes \(builtin.signature)",
                    at: arg.range)
            }
        }
        for p in builtin.parameters where p.defaultValue == nil && bound[p.name] == nil {
            throw .error("\(name)() is missing argument '\(p.name)'; it takes \(builtin.signature)", at: range)
        }
    }

    // MARK: Access

    /// The argument's value (its default when not given).
    func value(_ p: String) -> Value { bound[p]?.value ?? defaults[p] ?? .none }
    /// True when the caller wrote this argument.
    func has(_ p: String) -> Bool { bound[p] != nil }
    /// Where to point an error about this argument (the whole call when it was not given).
    func range(_ p: String) -> SourceRange { bound[p]?.range ?? range }
    func isNone(_ p: String) -> Bool { if case .none = value(p) { return true } else { return false } }

    func fail(_ p: String, _ message: String) -> Diagnostic { .error(message, at: range(p)) }

    func number(_ p: String) throws(Diagnostic) -> Double {
        switch value(p) {
        case .number(let x): return x
        case .matrix(let m) where m.count == 1: return m.storage[0]
        case .none where !has(p): throw fail(p, "\(name)() is missing argument '\(p)'")
        case let v: throw fail(p, "argument '\(p)' of \(name)() must be a number, got \(v.typeDescription)")
        }
    }

    func finiteNumber(_ p: String) throws(Diagnostic) -> Double {
        let x = try number(p)
        guard x.isFinite else {
            throw fail(p, "argument '\(p)' of \(name)() must be finite, got \(ValueFormatter.number(x))")
        }
        return x
    }

    /// A whole number ≥ `minimum`.
    func integer(_ p: String, minimum: Int = 0) throws(Diagnostic) -> Int {
        let x = try number(p)
        if x.isFinite, x == x.rounded(), abs(x) >= 1e15 {
            throw fail(p, "argument '\(p)' of \(name)() is too large: \(ValueFormatter.number(x)) (at most 10^15)")
        }
        guard x.isFinite, x == x.rounded(), abs(x) < 1e15 else {
            throw fail(p, "argument '\(p)' of \(name)() must be a whole number, got \(ValueFormatter.number(x))")
        }
        guard Int(x) >= minimum else {
            throw fail(p, "argument '\(p)' of \(name)() must be at least \(minimum), got \(Int(x))")
        }
        return Int(x)
    }

    func string(_ p: String) throws(Diagnostic) -> String {
        guard case .string(let s) = value(p) else {
            throw fail(p, "argument '\(p)' of \(name)() must be a string, got \(value(p).typeDescription)")
        }
        return s
    }

    func optionalString(_ p: String) throws(Diagnostic) -> String? {
        isNone(p) ? nil : try string(p)
    }

    func bool(_ p: String) throws(Diagnostic) -> Bool {
        guard case .bool(let b) = value(p) else {
            throw fail(p, "argument '\(p)' of \(name)() must be true or false, got \(value(p).typeDescription)")
        }
        return b
    }

    /// A matrix argument; numbers are 1×1 and lists of numbers are columns.
    func matrix(_ p: String) throws(Diagnostic) -> Matrix {
        let what = "argument '\(p)' of \(name)()"
        if case .images(let i) = value(p) { throw fail(p, Builtins.imagesWhereMatrix(i, builtin: name, what: what)) }
        return try BuiltinCall.matrix(value(p), at: range(p), what: what)
    }

    /// A network's inputs: a matrix (one sample a row, vectors) or images (kept as their
    /// n×(h·w·c) NHWC matrix, with their shape), as docs/language.md#images-and-convolutions says.
    func networkInputs(_ p: String) throws(Diagnostic) -> (matrix: Matrix, shape: FeatureShape) {
        if case .images(let i) = value(p) {
            return (i.pixels, .image(height: i.height, width: i.width, channels: i.channels))
        }
        let m = try matrix(p)
        return (m, .vector(m.cols))
    }

    static func matrix(_ v: Value, at range: SourceRange, what: String) throws(Diagnostic) -> Matrix {
        if case .images(let i) = v { throw .error(Builtins.imagesWhereMatrix(i, builtin: "", what: what), at: range) }
        guard let m = v.asMatrix else {
            throw .error("\(what) must be a matrix, got \(v.typeDescription)", at: range)
        }
        return m
    }

    /// A random stream: `default_rng(seed)` when `seed:` is given, else the block's stream.
    mutating func withGenerator<T>(_ p: String = "seed", _ body: (inout NumpyGenerator) -> T) throws(Diagnostic) -> T {
        if isNone(p) { return body(&context.generator) }
        var g = NumpyGenerator(seed: try seed(p))
        return body(&g)
    }

    func seed(_ p: String) throws(Diagnostic) -> UInt64 {
        let x = try number(p)
        guard x.isFinite, x == x.rounded(), x >= 0, x < 18446744073709551616.0 else {
            throw fail(p, "a seed must be a whole number from 0 to 2^64-1, got \(ValueFormatter.number(x))")
        }
        return UInt64(x)
    }

    /// Refuses an allocation of `count` doubles that cannot fit in memory.
    func ensureAllocatable(_ count: Int, what: String) throws(Diagnostic) {
        try MemoryGuard.check(doubles: count, what: what, at: range)
    }
}

/// Refuses matrices that would not fit in the memory available (NTKCore's `MemoryBudget`:
/// /proc/meminfo, the cgroup limit and `TANGENT_MEMORY_LIMIT`).
package enum MemoryGuard {
    package static func check(doubles count: Int, what: String, at range: SourceRange) throws(Diagnostic) {
        let (bytes, overflow) = max(count, 0).multipliedReportingOverflow(by: 8)
        try check(bytes: overflow ? .max : bytes, what: what, at: range)
    }

    /// The same for a list of `count` values (each takes `MemoryLayout<Value>.stride` bytes, ~10
    /// times a matrix entry: `range(1e8)` needs 10 GB, not 800 MB).
    package static func check(listItems count: Int, what: String, at range: SourceRange) throws(Diagnostic) {
        let (bytes, overflow) = max(count, 0).multipliedReportingOverflow(by: MemoryLayout<Value>.stride)
        try check(bytes: overflow ? .max : bytes, what: what, at: range)
    }

    /// The same for `bytes` bytes (strings); `Int.max` stands for more than 64 bits can count.
    package static func check(bytes: Int, what: String, at range: SourceRange) throws(Diagnostic) {
        let available = MemoryBudget.availableBytes(for: bytes) ?? Int.max
        if bytes == .max || bytes > available {
            throw .error(
                "\(what) needs \(ByteCount.formatted(bytes == .max ? nil : bytes)) but only \(ByteCount.formatted(available)) of memory is available",
                at: range)
        }
    }
}
