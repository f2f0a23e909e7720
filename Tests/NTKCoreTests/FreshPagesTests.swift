import Foundation
import Testing

@testable import NTKCore

/// `FreshPages.prepare` touches fresh memory ahead of the kernels that write it; whichever page
/// size it settles on, the memory must stay the caller's: zero where untouched, writable
/// everywhere, nothing outside the range written.
@Suite struct FreshPagesTests {
    /// Maps `bytes` of fresh anonymous memory, runs `body` on it and unmaps it.
    private func withFreshMemory(bytes: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let base = mapped, base != MAP_FAILED else {
            Issue.record("mmap of \(bytes) bytes failed")
            return
        }
        body(base)
        munmap(base, bytes)
    }

    @Test(arguments: [3 << 20, 8 << 20, (24 << 20) + 4_000])
    func preparedMemoryReadsAsZeroAndKeepsWhatIsWritten(bytes: Int) {
        // An odd start (the 40 bytes before it are the caller's) and an odd length: only whole
        // 2 MiB steps inside the range may be touched.
        withFreshMemory(bytes: bytes + 8_192) { mapping in
            let guardBytes = 40
            mapping.initializeMemory(as: UInt8.self, repeating: 0xAB, count: guardBytes)
            let base = mapping + guardBytes
            FreshPages.prepare(base, bytes: bytes)
            let words = bytes / 8
            let doubles = base.bindMemory(to: Double.self, capacity: words)
            #expect((0..<words).allSatisfy { doubles[$0] == 0 })
            for i in 0..<words { doubles[i] = Double(i) * 0.5 }
            #expect((0..<words).allSatisfy { doubles[$0] == Double($0) * 0.5 })
            let before = mapping.assumingMemoryBound(to: UInt8.self)
            #expect((0..<guardBytes).allSatisfy { before[$0] == 0xAB })
            let after = (base + bytes).assumingMemoryBound(to: UInt8.self)
            #expect((0..<4_096).allSatisfy { after[$0] == 0 })
        }
    }

    /// Right after a give-up (the second output of a pair), the whole range gets 4 KiB pages,
    /// already faulted in: no huge page, every page resident, and the memory still zero.
    @Test func anOutputRightAfterAGiveUpGetsSmallPagesAtOnce() throws {
        try #require(FreshPages.policy == .adaptive, "TANGENT_OUTPUT_PAGES is set")
        let bytes = 16 << 20
        withFreshMemory(bytes: bytes + (2 << 20)) { mapping in
            // The whole 2 MiB steps inside the mapping.
            let start = (UInt(bitPattern: mapping) + UInt((2 << 20) - 1)) & ~UInt((2 << 20) - 1)
            let base = UnsafeMutableRawPointer(bitPattern: start)!
            FreshPages.noteGaveUp()
            FreshPages.prepare(base, bytes: bytes)
            let usage = Self.smaps(containing: base)
            #expect(usage.anonHugeKiB == 0, "\(usage)")
            #expect(usage.rssKiB >= bytes / 1024, "\(usage)")
            let doubles = base.bindMemory(to: Double.self, capacity: bytes / 8)
            #expect((0..<(bytes / 8)).allSatisfy { doubles[$0] == 0 })
        }
    }

    /// The Rss and AnonHugePages (KiB) of the mapping that holds `address`, from /proc/self/smaps.
    static func smaps(containing address: UnsafeMutableRawPointer) -> (rssKiB: Int, anonHugeKiB: Int) {
        let a = UInt(bitPattern: address)
        // Read to the end with read(2): /proc files report a size of 0.
        let fd = open("/proc/self/smaps", O_RDONLY)
        guard fd >= 0 else { return (0, -1) }
        defer { close(fd) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var inside = false
        var result = (rssKiB: 0, anonHugeKiB: 0)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let ends = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = ends.count == 2 && ends[0] <= a && a < ends[1]
                continue
            }
            guard inside, fields.count >= 2, let kib = Int(fields[1]) else { continue }
            if fields[0] == "Rss:" { result.rssKiB += kib }
            if fields[0] == "AnonHugePages:" { result.anonHugeKiB += kib }
        }
        return result
    }

    @Test func aKernelWrittenIntoPreparedPagesAgreesWithOneWrittenIntoSmallOnes() throws {
        // 1100 × 1100 doubles is 9.7 MB, over `minimumBytes`: the output goes through `prepare`.
        let x = Matrix(rows: 1_100, cols: 3, storage: (0..<3_300).map { sin(Double($0)) })
        let net = MLP(widths: [64, 64], activation: .relu, wStd: 2.0.squareRoot(), bStd: 0.1)
        let big = try AnalyticKernel.compute(net, x, nil, .ntk).ntk
        #expect(big.storage.count * 8 >= FreshPages.minimumBytes)
        let corner = Matrix(rows: 5, cols: 3, storage: Array(x.storage[0..<15]))
        let small = try AnalyticKernel.compute(net, corner, nil, .ntk).ntk
        for i in 0..<5 {
            for j in 0..<5 {
                #expect(abs(big[i, j] - small[i, j]) <= 1e-14 * abs(small[i, j]))
            }
        }
        #expect((0..<1_100).allSatisfy { big[$0, $0] > 0 })
    }
}
