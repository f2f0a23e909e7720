import LanguageServer
import Testing

@Suite struct FramingTests {
    private func frame(_ body: String) -> [UInt8] { Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8) }

    private func drain(_ reader: inout MessageReader) -> [Result<[UInt8], MessageReader.FramingError>] {
        var out: [Result<[UInt8], MessageReader.FramingError>] = []
        while let item = reader.next() { out.append(item) }
        return out
    }

    @Test func bodiesArriveWholeWhateverTheChunks() {
        // The length counts bytes, not characters: θ and 𝒩 are 2 and 4 bytes.
        let bodies = [#"{"a":"θ"}"#, #"{"b":"𝒩 x"}"#, "{}"]
        let bytes = bodies.flatMap(frame)
        for step in [1, 2, 3, 7, bytes.count] {
            var reader = MessageReader()
            var got: [String] = []
            var k = 0
            while k < bytes.count {
                reader.feed(bytes[k..<min(k + step, bytes.count)])
                for case .success(let body) in drain(&reader) { got.append(String(decoding: body, as: UTF8.self)) }
                k += step
            }
            #expect(got == bodies, "chunks of \(step)")
        }
    }

    @Test func garbageIsSkippedAndReadingGoesOn() {
        var reader = MessageReader()
        reader.feed(Array("Content-Length: abc\r\n\r\n".utf8))
        reader.feed(Array("Content-Type: x\r\n\r\n".utf8))
        reader.feed(frame("{}"))
        let items = drain(&reader)
        #expect(items == [.failure(.missingLength), .failure(.missingLength), .success(Array("{}".utf8))])
    }

    @Test func aBodyOverTheLimitIsSkippedWithoutBeingKept() {
        var reader = MessageReader(maxBodyBytes: 10)
        reader.feed(Array("Content-Length: 50\r\n\r\n".utf8))
        #expect(drain(&reader) == [.failure(.tooLarge(50))])
        reader.feed([UInt8](repeating: 120, count: 30))
        #expect(drain(&reader).isEmpty)
        reader.feed([UInt8](repeating: 120, count: 20) + frame("[1]"))
        #expect(drain(&reader) == [.success(Array("[1]".utf8))])
    }

    @Test func aHeaderThatNeverEndsIsDropped() {
        var reader = MessageReader()
        reader.feed([UInt8](repeating: 65, count: MessageReader.maxHeaderBytes + 10))
        #expect(drain(&reader) == [.failure(.malformedHeader)])
        reader.feed(frame("{}"))
        #expect(drain(&reader) == [.success(Array("{}".utf8))])
    }

    @Test func aHugeLengthIsRefusedNotAllocated() {
        var reader = MessageReader()
        reader.feed(Array("Content-Length: 99999999999999999\r\n\r\n".utf8))
        #expect(drain(&reader) == [.failure(.tooLarge(99_999_999_999_999_999))])
        var other = MessageReader()
        other.feed(Array("Content-Length: 999999999999999999999999\r\n\r\n".utf8))
        #expect(drain(&other) == [.failure(.missingLength)])
    }
}

@Suite struct FileURITests {
    @Test func percentEncodedPathsRoundTrip() {
        #expect(FileURI.path(of: "file:///tmp/a%20b/n%C3%A9.md") == "/tmp/a b/né.md")
        #expect(FileURI.path(of: "file://localhost/tmp/x.md") == "/tmp/x.md")
        #expect(FileURI.path(of: "untitled:Untitled-1") == nil)
        #expect(FileURI.path(of: "file://server/share/x.md") == nil)
        #expect(FileURI.path(of: "file:///tmp/%zz") == nil)
        #expect(FileURI.path(of: "file:///tmp/%00") == nil)
        for path in ["/tmp/a b/né θ.md", "/x/100%.md", "/plain/nb.md"] {
            #expect(FileURI.path(of: FileURI.uri(of: path)) == path)
        }
        #expect(FileURI.uri(of: "/a b.md") == "file:///a%20b.md")
    }
}
