/// A lexical token of the `ntk` language with its source range.
package struct Token: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        /// `f"…{expr:spec}…"`: literal pieces and fields, each field's code located in the file.
        case fstring([FStringPiece])
        case newline
        /// The first line of a body, indented deeper than its header (Python's INDENT).
        case indent
        /// A body ends: the next line is indented less (Python's DEDENT).
        case dedent
        case end
    }

    package var kind: Kind
    package var range: SourceRange
    /// The source text of the token, as written.
    package var text: String

    package init(_ kind: Kind, _ range: SourceRange, text: String) {
        self.kind = kind
        self.range = range
        self.text = text
    }
}

/// Reserved words. `inf` and `nan` are number literals, `true`/`false`/`none` constants.
package enum Keyword: String, CaseIterable, Sendable {
    case show, expect, and, or, not, `true`, `false`, none
    case `for`, `in`, `while`, `if`, elif, `else`, def, `return`, `break`, `continue`, pass
}

/// One piece of an f-string: literal text, or a field `{code:spec}` whose code starts at
/// `codeStart` in the file (so errors inside it are located exactly).
package enum FStringPiece: Equatable, Sendable {
    case literal(String)
    case field(code: String, codeStart: SourceLocation, spec: String?, range: SourceRange)
}

/// Operators and punctuation.
package enum Symbol: String, CaseIterable, Sendable {
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    case at = "@"
    case caret = "^"
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case equalEqual = "=="
    case bangEqual = "!="
    case assign = "="
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case comma = ","
    case colon = ":"
    case dot = "."
}

extension Token.Kind: CustomStringConvertible {
    /// How a token kind is named in diagnostics ("expected ')' but found end of line").
    package var description: String {
        switch self {
        case .number(let v): return "number \(v)"
        case .string: return "string"
        case .identifier(let n): return "name '\(n)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .fstring: return "f-string"
        case .newline: return "end of line"
        case .indent: return "indented line"
        case .dedent: return "end of the indented body"
        case .end: return "end of block"
        }
    }
}
