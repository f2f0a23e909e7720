import Testing

@testable import TangentSupport

/// The `%XX` decoder `tangent serve` and the language server share: escapes in either case, UTF-8
/// assembled from escaped bytes, and refusals of malformed escapes and of bytes that are not UTF-8.
@Suite struct PercentDecodingTests {
    @Test func decodesEscapesInEitherCaseAndKeepsEverythingElse() {
        #expect(PercentDecoding.decode("/a%20b/n%C3%A9.md") == "/a b/né.md")
        #expect(PercentDecoding.decode("/n%c3%a9") == "/né")
        #expect(PercentDecoding.decode("%2e%2E/%2F") == "..//", "dots and slashes decode like any byte")
        #expect(PercentDecoding.decode("/a+b?c#d") == "/a+b?c#d", "no query or form rules: + stays a plus")
        #expect(PercentDecoding.decode("/x/100%25.md") == "/x/100%.md")
        #expect(PercentDecoding.decode("%00") == "\0", "NUL decodes; the callers refuse it")
        #expect(PercentDecoding.decode("") == "")
    }

    @Test func refusesMalformedEscapesAndBytesThatAreNotUTF8() {
        for text in ["%", "/a%", "/a%2", "%zz", "%2g", "%g2", "/%C3", "%FF", "%C3%28", "%ED%A0%80"] {
            #expect(PercentDecoding.decode(Substring(text)) == nil, "\(text)")
        }
    }

    /// Every byte, escaped, decodes to itself: the hexadecimal digits are read right.
    @Test func everyASCIIByteRoundTripsThroughItsEscape() {
        for byte in UInt8(0)...UInt8(0x7F) {
            for digits in [String(byte, radix: 16, uppercase: true), String(byte, radix: 16, uppercase: false)] {
                let escape = "%" + String(repeating: "0", count: 2 - digits.count) + digits
                #expect(PercentDecoding.decode(Substring(escape)) == String(UnicodeScalar(byte)), "\(escape)")
            }
        }
    }
}
