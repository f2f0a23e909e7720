import Foundation
import TestSupport
import Testing

@testable import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// The JSON reader is strict RFC 8259 and never crashes: cases in the spirit of Nicolas Seriot's
/// JSONTestSuite (`y_` must parse to the given value, `n_` must be refused at the given place),
/// nesting and surrogate limits, and serialise → parse round trips.
@Suite struct JSONTests {
    struct Accepted: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var value: JSON
        var testDescription: String { name }
    }

    static let accepted: [Accepted] = [
        .init(name: "y_array_empty", text: "[]", value: .array([])),
        .init(name: "y_object_empty", text: "{}", value: .object([])),
        .init(name: "y_structure_lonely_string", text: "\"asd\"", value: .string("asd")),
        .init(name: "y_structure_lonely_int_in_space", text: " \t\r\n 42 \n", value: .number(42)),
        .init(name: "y_structure_lonely_null", text: "null", value: .null),
        .init(name: "y_structure_lonely_false", text: "false", value: .bool(false)),
        .init(
            name: "y_array_true_false_null", text: "[true,false,null]",
            value: .array([.bool(true), .bool(false), .null])),
        .init(name: "y_number_minus_zero", text: "-0", value: .number(-0.0)),
        .init(name: "y_number_zero_fraction", text: "0.5", value: .number(0.5)),
        .init(name: "y_number_negative_fraction_exponent", text: "-123.456e-7", value: .number(-0.0000123456)),
        .init(name: "y_number_capital_E_plus", text: "1E+2", value: .number(100)),
        .init(name: "y_number_exponent_minus", text: "1e-2", value: .number(0.01)),
        .init(name: "y_number_zero_exponent", text: "0e1", value: .number(0)),
        .init(name: "y_number_fraction_exponent", text: "[1.5e3]", value: .array([.number(1500)])),
        .init(name: "y_number_underflow_reads_as_zero", text: "1e-400", value: .number(0)),
        .init(
            name: "y_number_largest_double", text: "1.7976931348623157e308", value: .number(.greatestFiniteMagnitude)),
        .init(
            name: "y_number_long_integer", text: "123456789012345678901234567890",
            value: .number(1.2345678901234568e29)),
        .init(name: "y_string_simple_escapes", text: #""\"\\\/\b\f\n\r\t""#, value: .string("\"\\/\u{8}\u{C}\n\r\t")),
        .init(name: "y_string_u_escape", text: #""\u00e9\u00C9""#, value: .string("éÉ")),
        .init(name: "y_string_escaped_nul", text: #""a\u0000b""#, value: .string("a\u{0}b")),
        .init(name: "y_string_surrogate_pair", text: #""\uD834\uDD1E""#, value: .string("𝄞")),
        .init(name: "y_string_surrogate_pair_lower_case", text: #""\ud83d\ude00""#, value: .string("😀")),
        .init(name: "y_string_raw_utf8", text: "\"é日本😀\"", value: .string("é日本😀")),
        .init(name: "y_string_del_is_not_a_control", text: "\"a\u{7F}b\"", value: .string("a\u{7F}b")),
        .init(name: "y_string_line_separator", text: "\"\u{2028}\"", value: .string("\u{2028}")),
        .init(
            name: "y_object_nested", text: #"{"a":[1,{"b":null}],"c":true}"#,
            value: .object([("a", .array([.number(1), .object([("b", .null)])])), ("c", .bool(true))])),
        .init(
            name: "y_object_duplicated_key_kept_in_order", text: #"{"a":1,"a":2}"#,
            value: .object([("a", .number(1)), ("a", .number(2))])),
        .init(
            name: "y_object_spaces_everywhere", text: " { \"k\" : [ 1 , 2 ] } ",
            value: .object([("k", .array([.number(1), .number(2)]))])),
        .init(name: "y_object_empty_key", text: #"{"":0}"#, value: .object([("", .number(0))]))
    ]

    @Test(arguments: accepted) func acceptsValidJSON(_ c: Accepted) throws {
        let parsed = try JSON.parseLocated(c.text)
        #expect(parsed == c.value)
        #expect(JSON.parse(c.text) == c.value)
    }

    /// Numbers are compared as numbers too (`==` on JSON compares serialised text).
    @Test func acceptedNumbersAreExact() throws {
        #expect(JSON.parse("-0") == .number(0) && JSON.parse("-0").flatMap { $0.doubleValue }?.sign == .minus)
        #expect(JSON.parse("0.1")?.doubleValue == 0.1)
        #expect(JSON.parse("5e-324")?.doubleValue == .leastNonzeroMagnitude)
        #expect(JSON.parse("-123.456e-7")?.doubleValue == -123.456e-7)
    }

    struct Refused: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var testDescription: String { name }
    }

    static let refused: [Refused] = [
        .init(name: "n_number_plus", text: "+1", line: 1, column: 1),
        .init(name: "n_number_starting_with_dot", text: ".5", line: 1, column: 1),
        .init(name: "n_number_leading_zero", text: "01", line: 1, column: 2),
        .init(name: "n_number_leading_zero_in_array", text: "[01]", line: 1, column: 3),
        .init(name: "n_number_minus_leading_zero", text: "-01", line: 1, column: 3),
        .init(name: "n_number_trailing_dot", text: "1.", line: 1, column: 3),
        .init(name: "n_number_dot_before_exponent", text: "1.e5", line: 1, column: 3),
        .init(name: "n_number_exponent_without_digits", text: "1e", line: 1, column: 3),
        .init(name: "n_number_exponent_sign_without_digits", text: "[1e+]", line: 1, column: 5),
        .init(name: "n_number_lone_minus", text: "-", line: 1, column: 2),
        .init(name: "n_number_minus_space", text: "- 1", line: 1, column: 2),
        .init(name: "n_number_hex", text: "0x10", line: 1, column: 2),
        .init(name: "n_number_NaN", text: "NaN", line: 1, column: 1),
        .init(name: "n_number_Infinity", text: "Infinity", line: 1, column: 1),
        .init(name: "n_number_minus_Infinity", text: "-Infinity", line: 1, column: 2),
        .init(name: "n_number_overflow", text: "1e400", line: 1, column: 1),
        .init(name: "n_number_negative_overflow_in_array", text: "[0, -1e400]", line: 1, column: 5),
        .init(
            name: "n_number_overflow_many_digits", text: "1" + String(repeating: "0", count: 400), line: 1, column: 1),
        .init(name: "n_string_invalid_escape_a", text: #""\a""#, line: 1, column: 2),
        .init(name: "n_string_invalid_escape_x", text: #"["ok", "\x41"]"#, line: 1, column: 9),
        .init(name: "n_string_escaped_quote_missing_char", text: "\"\\", line: 1, column: 3),
        .init(name: "n_string_u_escape_too_short", text: #""\u12""#, line: 1, column: 6),
        .init(name: "n_string_u_escape_with_sign", text: #""\u+123""#, line: 1, column: 4),
        .init(name: "n_string_raw_tab", text: "\"a\tb\"", line: 1, column: 3),
        .init(name: "n_string_raw_newline", text: "\"a\nb\"", line: 1, column: 3),
        .init(name: "n_string_raw_nul", text: "\"a\u{0}b\"", line: 1, column: 3),
        .init(name: "n_string_unclosed", text: "\"abc", line: 1, column: 5),
        .init(name: "n_string_single_quotes", text: "'a'", line: 1, column: 1),
        .init(name: "n_string_lone_high_surrogate", text: #""\uD800""#, line: 1, column: 2),
        .init(name: "n_string_high_surrogate_then_letter", text: #""\uD800\u0041""#, line: 1, column: 2),
        .init(name: "n_string_high_surrogate_then_text", text: #"["\uD800x"]"#, line: 1, column: 3),
        .init(name: "n_string_two_high_surrogates", text: #""\uDBFF\uDBFF""#, line: 1, column: 2),
        .init(name: "n_string_lone_low_surrogate", text: #""ab\uDC00""#, line: 1, column: 4),
        .init(name: "n_array_trailing_comma", text: "[1,]", line: 1, column: 4),
        .init(name: "n_array_leading_comma", text: "[,1]", line: 1, column: 2),
        .init(name: "n_array_missing_comma", text: "[1 2]", line: 1, column: 4),
        .init(name: "n_array_unclosed", text: "[1", line: 1, column: 3),
        .init(name: "n_array_extra_close", text: "[1]]", line: 1, column: 4),
        .init(name: "n_array_nul_byte", text: "[\u{0}]", line: 1, column: 2),
        .init(name: "n_object_trailing_comma", text: #"{"a":1,}"#, line: 1, column: 8),
        .init(name: "n_object_unquoted_key", text: "{a:1}", line: 1, column: 2),
        .init(name: "n_object_missing_colon", text: #"{"a" 1}"#, line: 1, column: 6),
        .init(name: "n_object_missing_comma", text: #"{"a":1 "b":2}"#, line: 1, column: 8),
        .init(name: "n_object_non_string_key", text: "{1:1}", line: 1, column: 2),
        .init(name: "n_structure_empty", text: "", line: 1, column: 1),
        .init(name: "n_structure_only_space", text: "  \n ", line: 2, column: 2),
        .init(name: "n_structure_trailing_garbage", text: "[1]x", line: 1, column: 4),
        .init(name: "n_structure_two_values", text: "1 2", line: 1, column: 3),
        .init(name: "n_structure_comment", text: "// c\n1", line: 1, column: 1),
        .init(name: "n_structure_trailing_comment", text: "[1] // c", line: 1, column: 5),
        .init(name: "n_structure_bom", text: "\u{FEFF}[]", line: 1, column: 1),
        .init(name: "n_incomplete_true", text: "tru", line: 1, column: 1),
        .init(name: "n_capitalized_True", text: "[True]", line: 1, column: 2),
        .init(name: "n_incomplete_null_in_object", text: #"{"a":nul}"#, line: 1, column: 6),
        .init(name: "n_error_on_a_later_line", text: "[1,\n 2,\n+3]", line: 3, column: 1),
        .init(name: "n_column_counts_characters", text: #"{"é":+1}"#, line: 1, column: 6)
    ]

    @Test(arguments: refused) func refusesInvalidJSONWhereItStops(_ c: Refused) {
        #expect(JSON.parse(c.text) == nil)
        do {
            let v = try JSON.parseLocated(c.text)
            Issue.record("accepted as \(v.serialized(pretty: false))")
        } catch {
            #expect(
                error.line == c.line && error.column == c.column,
                "stopped at \(error.line):\(error.column): \(error.reason)")
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func reasonsNameTheProblem() {
        func reason(_ text: String) -> String {
            do {
                _ = try JSON.parseLocated(text)
                return "accepted"
            } catch { return error.reason }
        }
        #expect(reason(#""\uD800\u0041""#).contains("surrogate"))
        #expect(reason("1e400").contains("too large"))
        #expect(reason(#""\a""#).contains("invalid escape"))
        #expect(reason("\"a\tb\"").contains("control character"))
        #expect(reason("[1]x").contains("after the JSON value"))
        #expect(reason("[1,").contains("end of the text"))
    }

    // MARK: Nesting

    static func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func nestedObjects(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    }

    @Test func nestingUpToTheLimitParses() throws {
        let arrays = try JSON.parseLocated(JSONTests.nestedArrays(JSON.nestingLimit))
        var depth = 0
        var v: JSON? = arrays
        while let items = v?.arrayValue {
            depth += 1
            v = items.first
        }
        #expect(depth == JSON.nestingLimit)
        let objects = try JSON.parseLocated(JSONTests.nestedObjects(JSON.nestingLimit))
        depth = 0
        v = objects
        while case .object(let fields)? = v {
            depth += 1
            v = fields.first?.1
        }
        #expect(depth == JSON.nestingLimit)
    }

    @Test func oneLevelBeyondTheLimitIsLocatedAtItsBracket() {
        for text in [JSONTests.nestedArrays(JSON.nestingLimit + 1), JSONTests.nestedObjects(JSON.nestingLimit + 1)] {
            do {
                _ = try JSON.parseLocated(text)
                Issue.record("nesting deeper than the limit was accepted")
            } catch {
                // The bracket that opens level limit + 1: after `limit` openers of 1 or 5 characters.
                let opener = text.hasPrefix("[") ? 1 : #"{"a":"#.count
                #expect(error.line == 1 && error.column == JSON.nestingLimit * opener + 1)
                #expect(error.reason.contains("deeper than \(JSON.nestingLimit)"))
            }
        }
    }

    @Test func hundredThousandDeepNestingIsAnError() {
        let n = 100_000
        for text in [
            String(repeating: "[", count: n), JSONTests.nestedArrays(n),
            String(repeating: #"{"a":"#, count: n), String(repeating: "[{\"k\":", count: n)
        ] {
            #expect(JSON.parse(text) == nil)
            #expect(throws: JSON.SyntaxError.self) { try JSON.parseLocated(text) }
        }
    }

    /// `tangent run -j N` parses stored outputs on Dispatch threads (512 KiB stacks): a value at
    /// the nesting limit is parsed, serialised, compared and released on such a stack.
    @Test func nestingLimitFitsA512KiBThreadStack() throws {
        let outcome = SmallStack.run(bytes: 512 * 1024) {
            var ok = true
            let cases = [
                (JSONTests.nestedArrays(JSON.nestingLimit), true), (JSONTests.nestedObjects(JSON.nestingLimit), true),
                (JSONTests.nestedArrays(100_000), false)
            ]
            for (text, parses) in cases {
                guard let v = JSON.parse(text) else {
                    ok = ok && !parses
                    continue
                }
                ok = ok && parses && JSON.parse(v.serialized()) == v && JSON.parse(v.serialized(pretty: false)) == v
            }
            return ok
        }
        #expect(
            outcome.stackSize > 0 && outcome.stackSize <= 512 * 1024, "the thread's stack is \(outcome.stackSize) bytes"
        )
        #expect(outcome.result == true)
    }

    // MARK: Round trips

    @Test func numbersRoundTrip() throws {
        var values: [Double] = [
            0, 1, -1, 0.1, 1.0 / 3, 2.5, -2.5e-300, 1e15 - 1, 1e15, 1e15 + 1, 1e16, 9_007_199_254_740_993,
            123_456_789_012_345_680_000, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .ulpOfOne, .pi, -.pi * 1e200
        ]
        var random = SeededGenerator(seed: 7)
        while values.count < 2000 {
            // Random bit patterns cover every exponent; non-finite ones are skipped.
            let v = Double(bitPattern: random.next())
            if v.isFinite { values.append(v) }
        }
        for v in values {
            for pretty in [true, false] {
                let text = JSON.array([.number(v)]).serialized(pretty: pretty)
                let back = try JSON.parseLocated(text).arrayValue?.first?.doubleValue
                #expect(back == v, "\(v) was written as \(text)")
            }
        }
    }

    @Test func nonFiniteNumbersRoundTripAsStrings() throws {
        for v in [Double.infinity, -.infinity] {
            let back = try JSON.parseLocated(JSON.number(v).serialized())
            #expect(back.doubleValue == v)
        }
        #expect(try JSON.parseLocated(JSON.number(.nan).serialized()).doubleValue?.isNaN == true)
    }

    @Test func stringsRoundTrip() throws {
        let strings = [
            "", "plain", "quote \" backslash \\ slash /", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "tab\tcr\rlf\n",
            "é日本😀𝄞", "\u{2028}\u{2029}", "e\u{301}", "--> <!--", String(repeating: "\\u", count: 50)
        ]
        for s in strings {
            let text = JSON.object([(s, .string(s))]).serialized()
            let back = try JSON.parseLocated(text)
            guard case .object(let fields) = back else {
                Issue.record("not an object: \(text)")
                continue
            }
            #expect(fields.count == 1 && fields[0].0.unicodeScalars.elementsEqual(s.unicodeScalars))
            #expect(fields.first?.1.stringValue?.unicodeScalars.elementsEqual(s.unicodeScalars) == true)
        }
    }

    /// The writer became iterative: its text is the recursive writer's, byte for byte, on
    /// random values (notebooks, caches and reports keep their bytes).
    @Test func writerMatchesTheRecursiveWriter() throws {
        var random = SeededGenerator(seed: 42)
        for n in 0..<500 {
            let value = JSONTests.randomValue(&random, depth: 0)
            for pretty in [true, false] {
                for indent in [0, 2] {
                    #expect(
                        value.serialized(indent: indent, pretty: pretty)
                            == RecursiveWriter.serialized(value, level: indent, pretty: pretty), "value \(n)")
                }
            }
            #expect(try JSON.parseLocated(value.serialized()) == value)
        }
        let fixed = JSON.object([
            ("a", .array([.number(1), .object([("b", .null)])])), ("c", .object([])), ("d", .array([]))
        ])
        #expect(fixed.serialized(pretty: false) == #"{"a":[1,{"b":null}],"c":{},"d":[]}"#)
        #expect(
            fixed.serialized()
                == "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}")
    }

    static func randomValue(_ r: inout SeededGenerator, depth: Int) -> JSON {
        switch r.next() % (depth < 6 ? 8 : 5) {
        case 0: return .null
        case 1: return .bool(r.next() % 2 == 0)
        case 2:
            let v = Double(bitPattern: r.next())
            return .number(r.next() % 2 == 0 ? v : Double(Int64(bitPattern: r.next()) % 100_000) / 8)
        case 3, 4:
            let pool: [Unicode.Scalar] = ["a", "\"", "\\", "\n", "\u{1}", "\u{7F}", "é", "😀", " ", "-"]
            var s = String.UnicodeScalarView()
            for _ in 0..<(r.next() % 6) { s.append(pool[Int(r.next() % UInt64(pool.count))]) }
            return .string(String(s))
        case 5, 6:
            return .array((0..<(r.next() % 4)).map { _ in randomValue(&r, depth: depth + 1) })
        default:
            return .object((0..<(r.next() % 4)).map { k in ("k\(k)", randomValue(&r, depth: depth + 1)) })
        }
    }

    @Test func writtenValuesParseBack() throws {
        let value = JSON.object([
            ("kind", .string("matrix")),
            ("rows", .array([.array([.number(1.5), .number(-2e-9)]), .array([.number(3), .null])])),
            ("ok", .bool(true)), ("empty", .object([])), ("none", .array([]))
        ])
        for pretty in [true, false] {
            #expect(try JSON.parseLocated(value.serialized(pretty: pretty)) == value)
        }
    }
}

/// The recursive writer JSON had before it kept its own stack, kept as the reference for its text.
enum RecursiveWriter {
    static func serialized(_ value: JSON, level: Int, pretty: Bool) -> String {
        var out = ""
        write(value, into: &out, level: level, pretty: pretty)
        return out
    }

    static func write(_ value: JSON, into out: inout String, level: Int, pretty: Bool) {
        let pad = pretty ? String(repeating: "  ", count: level + 1) : ""
        let end = pretty ? "\n" + String(repeating: "  ", count: level) : ""
        let nl = pretty ? "\n" : ""
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
                return
            }
            out += "[" + nl
            for (i, item) in items.enumerated() {
                out += pad
                write(item, into: &out, level: level + 1, pretty: pretty)
                out += i + 1 < items.count ? "," + nl : ""
            }
            out += end + "]"
        case .object(let fields):
            if fields.isEmpty {
                out += "{}"
                return
            }
            out += "{" + nl
            for (i, (k, v)) in fields.enumerated() {
                out += pad + JSON.quote(k) + (pretty ? ": " : ":")
                write(v, into: &out, level: level + 1, pretty: pretty)
                out += i + 1 < fields.count ? "," + nl : ""
            }
            out += end + "}"
        }
    }
}

/// Runs a closure on a POSIX thread created with a small stack and reports the stack size the
/// thread was created with.
enum SmallStack {
    final class Box: @unchecked Sendable {
        let body: () -> Bool
        var result: Bool?
        init(_ body: @escaping () -> Bool) { self.body = body }
    }

    static func run(bytes: Int, _ body: @escaping () -> Bool) -> (result: Bool?, stackSize: Int) {
        let box = Box(body)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        guard pthread_attr_setstacksize(&attr, bytes) == 0 else { return (nil, 0) }
        var size = 0
        pthread_attr_getstacksize(&attr, &size)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(box).toOpaque()
        let created = pthread_create(
            &thread, &attr,
            { context in
                let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
                box.result = box.body()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return (nil, 0)
        }
        pthread_join(thread, nil)
        return (box.result, size)
    }
}
