import Foundation
import Language
import TestSupport
import Testing

@testable import Notebook

/// Issue 16 items 3 and 13: a cache value that cannot be read back is a miss (the block runs and
/// the entry is rewritten), and an entry that this machine's key did not tag is never trusted.
@Suite struct CacheTrustTests {
    /// A block binding a value large enough to live in a file of its own, and a later block
    /// that reads it.
    let notebook = "```ntk {#big}\nK = ones(200, 200) * 3\n```\n\n```ntk {#use}\nshow sum(K)\n```\n"

    func run(_ p: Project, _ text: String, secret: CacheSecret) throws -> NotebookResult {
        let url = p.root.appendingPathComponent("nb.md")
        try text.write(to: url, atomically: true, encoding: .utf8)
        var runner = Runner(notebookURL: url, useCache: true)
        runner.cache = BlockCache(projectRoot: p.root, secret: secret)
        let result = runner.run(try Notebook.parse(text, path: "nb.md"))
        CacheWriter.shared.finish()
        return result
    }

    func valueFiles(_ p: Project) throws -> [URL] {
        let dir = p.root.appendingPathComponent(".tangent/cache")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".value") }
            .map { dir.appendingPathComponent($0) }
    }

    @Test(arguments: ["flip", "truncate", "replace"])
    func aDamagedValueIsAMissAndIsRewritten(_ damage: String) throws {
        let p = try Project()
        defer { p.remove() }
        let secret = CacheSecret.ephemeral()
        let first = try run(p, notebook, secret: secret)
        #expect(first.blocks.map(\.status) == [.ran, .ran])
        let files = try valueFiles(p)
        try #require(files.count == 1, "the 200×200 value should live in its own file")
        var bytes = [UInt8](try Data(contentsOf: files[0]))
        switch damage {
        case "flip": bytes[bytes.count / 2] ^= 0x01  // same size, other bytes
        case "truncate": bytes = Array(bytes.prefix(bytes.count - 8))
        default: bytes = [UInt8](repeating: 0, count: bytes.count)  // same size, all zeros
        }
        try Data(bytes).write(to: files[0])
        // The block that reads K needs to run: change it, so K must be loaded from the file.
        let edited = notebook.replacingOccurrences(of: "show sum(K)", with: "show sum(K) + 1")
        let second = try run(p, edited, secret: secret)
        #expect(second.blocks.map(\.status) == [.ran, .ran], "\(second.blocks.map { $0.error?.message ?? "" })")
        #expect(second.blocks.allSatisfy { $0.error == nil })
        guard case .value(.number(let total), _, _)? = second.blocks[1].outputs.first else {
            Issue.record("no output")
            return
        }
        #expect(total == 3 * 200 * 200 + 1)
        // The entry was rewritten: the next run is served from the cache again.
        #expect(try run(p, edited, secret: secret).blocks.map(\.status) == [.cached, .cached])
    }

    /// An entry made on another machine (another key), with outputs the code does not compute:
    /// the block runs and shows what the code computes.
    @Test func anEntryFromAnotherMachineIsNotTrusted() throws {
        let p = try Project()
        defer { p.remove() }
        let attacker = CacheSecret.ephemeral()
        let victim = CacheSecret.ephemeral()
        // The attacker's entry for `show 41 + 1`, made while the block said `show 13`, then
        // renamed to the real block's key: its outputs say 13.
        let real = "```ntk {#x}\nshow 41 + 1\n```\n"
        _ = try run(p, real, secret: attacker)
        #expect(
            try run(p, real, secret: attacker).blocks.map(\.status) == [.cached], "the attacker's own key trusts it")
        let r = try run(p, real, secret: victim)
        #expect(r.blocks.map(\.status) == [.ran])
        guard case .value(.number(let shown), _, _)? = r.blocks[0].outputs.first else {
            Issue.record("no output")
            return
        }
        #expect(shown == 42)
    }

    /// The old weakness: the checksum was an unkeyed hash anyone could recompute. A forged entry
    /// (outputs changed, checksum recomputed the only way an outsider can: without the key) is
    /// refused.
    @Test func aForgedEntryWithARecomputedChecksumIsRefused() throws {
        let p = try Project()
        defer { p.remove() }
        let secret = CacheSecret.ephemeral()
        let text = "```ntk {#x}\nshow 7\n```\n"
        _ = try run(p, text, secret: secret)
        let dir = p.root.appendingPathComponent(".tangent/cache")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasSuffix(".block") })
        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
        // Replace the stored 7.0 (little-endian IEEE 754) by 8.0, and re-tag with a guessed key.
        let seven = withUnsafeBytes(of: Double(7).bitPattern.littleEndian, Array.init)
        let eight = withUnsafeBytes(of: Double(8).bitPattern.littleEndian, Array.init)
        let at = try #require((13...(bytes.count - 8)).first { Array(bytes[$0..<($0 + 8)]) == seven })
        bytes.replaceSubrange(at..<(at + 8), with: eight)
        let payload = Array(bytes[13...])
        let guess = CacheSecret(key: (0, 0)).tag(payload)
        bytes.replaceSubrange(5..<13, with: withUnsafeBytes(of: guess.littleEndian, Array.init))
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        let r = try run(p, text, secret: secret)
        #expect(r.blocks.map(\.status) == [.ran])
        guard case .value(.number(let shown), _, _)? = r.blocks[0].outputs.first else {
            Issue.record("no output")
            return
        }
        #expect(shown == 7)
    }

    /// The key is made once, private to the user (0600), and read back the same; a key file
    /// that others can read is not used.
    @Test func theMachineKeyIsPrivateAndStable() throws {
        let temporary = try TemporaryFolder("key")
        defer { temporary.remove() }
        let folder = temporary.path("key")
        let a = try #require(CacheSecret.load(from: folder))
        let b = try #require(CacheSecret.load(from: folder))
        #expect(a.key == b.key)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/cache-key")
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder + "/cache-key")
        #expect(CacheSecret.load(from: folder) == nil)
        #expect(
            CacheSecret.defaultFolder(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"])
                == "/x/cache/tangent")
        #expect(CacheSecret.defaultFolder(environment: ["HOME": "/home/u"]) == "/home/u/.cache/tangent")
    }

    /// SipHash-2-4 reference vectors (Aumasson and Bernstein, appendix A: key 00..0f, message
    /// 00..n-1), and a message fed in pieces hashes like the whole.
    @Test func sipHashMatchesTheReference() {
        let key = (UInt64(0x0706_0504_0302_0100), UInt64(0x0f0e_0d0c_0b0a_0908))
        #expect(SipHash.hash([], key: key) == 0x726f_db47_dd0e_0e31)
        #expect(SipHash.hash(Array(0..<15), key: key) == 0xa129_ca61_49be_45e5)
        #expect(SipHash.hash(Array(0..<8), key: key) == 0x93f5_f579_9a93_2462)
        var h = SipHash(key: key)
        let message = (0..<100).map { UInt8($0 * 7 & 0xff) }
        h.update(Array(message[0..<3]))
        h.update(Array(message[3..<50]))
        h.update(Array(message[50...]))
        #expect(h.finalize() == SipHash.hash(message, key: key))
    }
}
