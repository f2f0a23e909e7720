/// Decodes HTML character references (`&amp;`, `&#106;`, `&#x6A`, `&Tab;`) as a browser does
/// before it looks at an attribute value, so `HTMLSanitizer` judges a URL by the characters the
/// browser will see (`jav&#x09;ascript:` is `jav<TAB>ascript:`).
///
/// Only common names are known. An unknown name stays as written, and the sanitizer then
/// escapes its `&`, so the browser sees the same literal text the check saw.
enum HTMLEntities {
    /// Names decoded with a `;`. The first group are also decoded without one (legacy names),
    /// except inside an attribute value when the next character is a letter, digit or `=`.
    static let legacy: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "nbsp": "\u{A0}",
        "copy": "©", "reg": "®", "deg": "°", "times": "×", "middot": "·"
    ]
    static let named: [String: String] = legacy.merging([
        "apos": "'", "Tab": "\t", "NewLine": "\n", "colon": ":", "sol": "/", "bsol": "\\", "lpar": "(",
        "rpar": ")", "period": ".", "comma": ",", "excl": "!", "num": "#", "percnt": "%", "plus": "+",
        "equals": "=", "quest": "?", "commat": "@", "lowbar": "_", "semi": ";", "ast": "*", "grave": "`",
        "lsqb": "[", "rsqb": "]", "lcub": "{", "rcub": "}", "verbar": "|", "dollar": "$",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“",
        "rdquo": "”", "plusmn": "±", "larr": "←", "rarr": "→", "AMP": "&", "LT": "<", "GT": ">", "QUOT": "\""
    ]) { a, _ in a }

    /// What the code points 0x80–0x9F of a numeric reference stand for (windows-1252).
    static let windows1252: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
        0x017E, 0x0178
    ]

    static func decode(_ s: String, inAttribute: Bool) -> String {
        guard s.utf8.contains(UInt8(ascii: "&")) else { return s }
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "&"), let (scalar, end) = reference(b, at: i, inAttribute: inAttribute) else {
                out.append(b[i])
                i += 1
                continue
            }
            out += Array(scalar.utf8)
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
    }

    /// The text a reference at `i` stands for and the index after it, or nil when it is not one.
    private static func reference(_ b: [UInt8], at i: Int, inAttribute: Bool) -> (String, Int)? {
        var j = i + 1
        if j < b.count, b[j] == UInt8(ascii: "#") {
            j += 1
            let hex = j < b.count && (b[j] | 0x20) == UInt8(ascii: "x")
            if hex { j += 1 }
            let digitsStart = j
            var value: UInt32 = 0
            while j < b.count, let d = digit(b[j], hex: hex) {
                value = min(value &* (hex ? 16 : 10) &+ d, 0x110000)
                j += 1
            }
            guard j > digitsStart else { return nil }
            if j < b.count, b[j] == UInt8(ascii: ";") { j += 1 }
            if value >= 0x80 && value <= 0x9F { value = windows1252[Int(value - 0x80)] }
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return (String(Character(scalar ?? "\u{FFFD}")), j)
        }
        let nameStart = j
        while j < b.count, isAlnum(b[j]) { j += 1 }
        guard j > nameStart else { return nil }
        let name = String(decoding: b[nameStart..<j], as: UTF8.self)
        if j < b.count, b[j] == UInt8(ascii: ";"), let text = named[name] { return (text, j + 1) }
        // Legacy names match as a prefix without `;` (`&amp` in `&ampx`, but not in an attribute).
        for (legacyName, text) in legacy {
            let end = nameStart + legacyName.utf8.count
            guard end <= j, String(decoding: b[nameStart..<end], as: UTF8.self) == legacyName else { continue }
            if inAttribute, end < b.count, isAlnum(b[end]) || b[end] == UInt8(ascii: "=") { return nil }
            return (text, end)
        }
        return nil
    }

    private static func digit(_ c: UInt8, hex: Bool) -> UInt32? {
        if c >= 0x30 && c <= 0x39 { return UInt32(c - 0x30) }
        if hex, (c | 0x20) >= 0x61, (c | 0x20) <= 0x66 { return UInt32((c | 0x20) - 0x61 + 10) }
        return nil
    }
}
