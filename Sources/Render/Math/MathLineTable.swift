/// Byte offsets of the lines of a text (lines end at `\n`).
struct MathLineTable {
    private var starts: [Int] = [0]
    private let length: Int
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        length = bytes.count
        for (i, b) in bytes.enumerated() where b == MathASCII.newline { starts.append(i + 1) }
    }

    var count: Int { starts.count }
    func start(of line: Int) -> Int { starts[line - 1] }

    /// The end of the line's content: before `\n` (and a `\r` before it).
    func contentEnd(of line: Int) -> Int {
        var end = line < starts.count ? starts[line] - 1 : length
        if end > starts[line - 1], bytes[end - 1] == MathASCII.carriageReturn { end -= 1 }
        return end
    }
}
