/// A lexical token of the `ntk` language with its source range.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case newline
        case end
    }

    public var kind: Kind
    public var range: SourceRange
    /// The source text of the token, as written.
    public var text: String

    public init(_ kind: Kind, _ range: SourceRange, text: String) {
        self.kind = kind
        self.range = range
        self.text = text
    }
}

/// Reserved words. `inf` and `nan` are number literals, `true`/`false`/`none` constants.
public enum Keyword: String, CaseIterable, Sendable {
    case show, expect, and, or, not, `true`, `false`, none
}

/// Operators and punctuation.
public enum Symbol: String, CaseIterable, Sendable {
    case plus = "+", minus = "-", star = "*", slash = "/", at = "@", caret = "^"
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case equalEqual = "==", bangEqual = "!="
    case assign = "="
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case comma = ",", colon = ":", dot = "."
}

extension Token.Kind: CustomStringConvertible {
    /// How a token kind is named in diagnostics ("expected ')' but found end of line").
    public var description: String {
        switch self {
        case .number(let v): return "number \(v)"
        case .string: return "string"
        case .identifier(let n): return "name '\(n)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .newline: return "end of line"
        case .end: return "end of block"
        }
    }
}
