import Foundation
import Language
import NTKCore
import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// The block cache in `<project root>/.tangent/cache/`: a block is served from it only when its
/// code, seed, Tangent's version, every binding it read, every file it loaded and every file it
/// saved are exactly as they were. Exact dependencies, so an unrelated edit above a block does
/// not invalidate it. A damaged entry is ignored and rewritten, never trusted.
///
/// Every entry, every value file beside it and every file fingerprint in it is tagged with
/// SipHash-2-4 under this machine's `CacheSecret`, so an entry that did not come from this
/// machine (shipped in a repository, copied, edited) is a miss, never an output shown.
package struct BlockCache: Sendable {
    package let directory: URL
    package let secret: CacheSecret
    static let magic: [UInt8] = Array("TNGC".utf8)
    static let formatVersion: UInt8 = 8
    /// What decides whether a block's values are worth storing.
    package var cost = CacheCost.standard
    /// Where entries are written (in the background).
    package var writer = CacheWriter.shared

    /// What a file holds: an entry, or a marker saying why a block has none.
    enum Kind: UInt8 {
        case entry = 0
        case notStored = 1
        case evicted = 2
    }

    package init(projectRoot: URL, secret: CacheSecret = .machine) {
        directory = projectRoot.appendingPathComponent(".tangent/cache", isDirectory: true)
        self.secret = secret
    }

    /// What identifies a block apart from its inputs.
    package struct Key: Sendable {
        package var relativePath: String
        package var blockID: String
        package var code: String
        package var seed: UInt64
        package var expectError: Bool
        package var tangentVersion: String

        var hash: UInt64 {
            Fingerprint.of(
                [tangentVersion, relativePath, blockID, code, String(seed), String(expectError)].joined(
                    separator: "\u{0}"))
        }
    }

    /// A block's results as the cache restores them.
    package struct Entry {
        package var outputs: [DisplayItem]
        package var bindings: [Binding]
        package var expectedError: Diagnostic?
    }

    /// A value the block bound: small ones inside the entry, large ones in a file of their own,
    /// read only when a block that runs needs them.
    package struct Binding {
        package var name: String
        package var fingerprint: UInt64
        package var value: Value?
        package var file: URL?
        /// The value file's tag under the cache's secret.
        var tag: UInt64 = 0
        var secret: CacheSecret?

        /// Binds it into the environment (lazily when it lives in its own file). A value file
        /// that no longer has its tag reads back as nothing: the environment marks the name
        /// damaged and the runner treats the entry as a miss.
        package func restore(into environment: Environment) {
            if let value {
                environment[name] = value
                return
            }
            guard let file, let secret else { return }
            let expected = tag
            environment.restore(name, fingerprint: fingerprint) {
                guard let bytes = BlockCache.readPlainFile(file.path) else { return nil }
                guard secret.tag(bytes) == expected else { return nil }
                var r = BinaryReader(bytes)
                guard let v = Value.decode(from: &r), r.atEnd else { return nil }
                return v
            }
        }
    }

    /// Values whose encoding is larger than this go to files of their own.
    static let inlineLimit = 256 * 1024

    package func url(for key: Key) -> URL {
        directory.appendingPathComponent(
            Fingerprint.hex(Fingerprint.of(key.relativePath + "\u{0}" + key.blockID)) + ".block")
    }

    // MARK: Load

    /// The entry for this block when every input still matches; nil otherwise.
    package func load(_ key: Key, environment: Environment, codeLine: Int) -> Entry? {
        if case .hit(let entry) = lookup(key, environment: environment, codeLine: codeLine) { return entry }
        return nil
    }

    /// What the cache has for a block: its entry when every input still matches, else why not.
    package enum Lookup {
        case hit(Entry)
        case miss(CacheMiss)
    }

    /// The tagged payload of the file at `path` (its kind first), or nil when the file is
    /// missing, damaged, of another format or not tagged under this cache's secret.
    func verifiedPayload(_ path: String) -> [UInt8]?? {
        guard let bytes = BlockCache.readPlainFile(path) else { return .some(nil) }
        guard bytes.count >= 13, Array(bytes[0..<4]) == BlockCache.magic, bytes[4] == BlockCache.formatVersion else {
            return nil
        }
        var header = BinaryReader(Array(bytes[5..<13]))
        let payload = Array(bytes[13...])
        guard let sum = header.u64(), sum == secret.tag(payload) else { return nil }
        return .some(payload)
    }

    /// The entry for this block when every input still matches, else why not. Output
    /// locations are stored relative to the block and placed at `codeLine` again.
    package func lookup(_ key: Key, environment: Environment, codeLine: Int) -> Lookup {
        let path = url(for: key).path
        if writer.isPending(path) { writer.finish() }
        guard let read = verifiedPayload(path) else { return .miss(.unusable) }
        guard let payload = read else { return .miss(.noEntry) }
        var r = BinaryReader(payload)
        guard let kindByte = r.u8(), let kind = Kind(rawValue: kindByte), r.string() != nil, r.string() != nil,
            let hash = r.u64()
        else { return .miss(.unusable) }
        guard hash == key.hash else { return .miss(.edited) }
        switch kind {
        case .evicted: return .miss(.evicted)
        case .notStored:
            guard let seconds = r.double(), let bytes = r.int(), let writing = r.bool() else {
                return .miss(.unusable)
            }
            return .miss(.notStored(seconds: seconds, bytes: bytes, tooCostlyToWrite: writing))
        case .entry: break
        }
        guard let functionsAt = r.int() else { return .miss(.unusable) }
        guard functionsAt == -1 || functionsAt == codeLine else { return .miss(.moved) }
        guard let entry = readEntry(&r, environment: environment, codeLine: codeLine) else { return .miss(.unusable) }
        if case .miss = entry { return entry }
        // Recently used: eviction takes the entries unused longest first.
        _ = utimensat(AT_FDCWD, path, nil, AT_SYMLINK_NOFOLLOW)
        return entry
    }

    private func readEntry(_ r: inout BinaryReader, environment: Environment, codeLine: Int) -> Lookup? {
        // Inputs: bindings read, files read and written.
        guard let nInputs = r.count() else { return nil }
        for _ in 0..<nInputs {
            guard let name = r.string(), let present = r.bool(), let print = r.u64() else { return nil }
            if present != environment.contains(name) { return .miss(.inputChanged(name)) }
            if present, environment.fingerprint(of: name) != print { return .miss(.inputChanged(name)) }
        }
        for _ in 0..<2 {
            guard let nFiles = r.count() else { return nil }
            for _ in 0..<nFiles {
                guard let path = r.string(), let print = r.u64() else { return nil }
                guard fileTag(path) == print else { return .miss(.fileChanged(path)) }
            }
        }
        // Results.
        guard let nOutputs = r.count() else { return nil }
        var outputs: [DisplayItem] = []
        for _ in 0..<nOutputs {
            guard let o = DisplayItem.decode(from: &r) else { return nil }
            outputs.append(o.shifted(by: codeLine))
        }
        guard let nBindings = r.count() else { return nil }
        var bindings: [Binding] = []
        for _ in 0..<nBindings {
            guard let name = r.string(), let print = r.u64(), let inline = r.bool() else { return nil }
            if inline {
                guard let v = Value.decode(from: &r) else { return nil }
                bindings.append(Binding(name: name, fingerprint: print, value: v, file: nil))
            } else {
                guard let fileName = r.string(), !fileName.contains("/"), fileName != "..", let size = r.int(),
                    size >= 0,
                    let tag = r.u64()
                else { return nil }
                let file = directory.appendingPathComponent(fileName)
                // A value file that is missing, replaced by a link or of another size is a miss
                // now; one with other bytes of the same size is caught by its tag when read.
                var info = stat()
                guard lstat(file.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == size else {
                    return nil
                }
                bindings.append(
                    Binding(name: name, fingerprint: print, value: nil, file: file, tag: tag, secret: secret))
            }
        }
        guard let hasError = r.bool() else { return nil }
        var expected: Diagnostic?
        if hasError {
            guard var d = Diagnostic.decode(from: &r) else { return nil }
            d = d.shifted(by: codeLine)
            expected = d
        }
        guard r.atEnd else { return nil }
        return .hit(Entry(outputs: outputs, bindings: bindings, expectedError: expected))
    }

    // MARK: Store

    /// What `store` did with a block's results.
    package enum StoreOutcome: Equatable, Sendable {
        /// Queued for writing.
        case stored
        /// Not worth storing: a marker says so (`--explain`), and the block runs next time.
        case notStored(bytes: Int)
        /// The block bound a function that closes over a call's scope, which cannot be read back.
        case unstorable
    }

    /// Values handed to the background writer: immutable (copy-on-write storage shared, not
    /// copied) and only read there.
    private struct Handover: @unchecked Sendable {
        var values: [Value]
        var inputs: [(name: String, present: Bool, print: UInt64?, value: Value?)]
        var outputs: [DisplayItem]
        var expectedError: Diagnostic?
    }

    /// Stores a block that ran (successfully, or failing as `expect=error` required) and took
    /// `seconds`, when loading its values back is cheaper than running it again (`cost`; with no
    /// time given, always). The entry is written in the background (`writer`); a block not worth
    /// storing gets a small marker instead, so the next run says why it ran. The block then runs
    /// again next time and rebinds its values, and blocks that read them are restored when the
    /// values are the same (their fingerprints are compared as always) or run when not.
    @discardableResult
    package func store(
        _ key: Key, context: EvaluationContext, expectedError: Diagnostic?, codeLine: Int,
        seconds: Double = .infinity
    ) -> StoreOutcome {
        let bound = context.namesBound.sorted()
        let values = bound.map { context.environment[$0] ?? .none }
        // A function that closes over a call's scope cannot be read back: such a block is not
        // stored.
        if !values.allSatisfy(\.isPortable) { return .unstorable }
        let path = url(for: key).path
        let bytes = values.reduce(0) { $0 + CacheCost.estimatedBytes($1) }
        guard cost.worthStoring(seconds: seconds, bytes: bytes) else {
            var w = BinaryWriter()
            header(.notStored, key, into: &w)
            w.double(seconds)
            w.int(bytes)
            w.bool(cost.loadSeconds(bytes) < seconds)
            let payload = w.bytes
            writer.enqueue(path) { [self] in _ = write(payload, sideFiles: [], key: key) }
            return .notStored(bytes: bytes)
        }
        // Taken now, before later blocks change the environment or the files. A name the block
        // read but did not rebind still holds that value: use the environment's memo.
        let inputs = context.inputs.sorted { $0.key < $1.key }.map { name, value in
            context.namesBound.contains(name)
                ? (name: name, present: value != nil, print: UInt64?.none, value: value)
                : (name: name, present: value != nil, print: context.environment.fingerprint(of: name), value: nil)
        }
        let files = [context.filesRead, context.filesWritten].map { paths in
            Array(Set(paths)).sorted().map { ($0, fileTag($0)) }
        }
        let handover = Handover(
            values: values, inputs: inputs, outputs: context.outputs.map { $0.shifted(by: -codeLine) },
            expectedError: expectedError?.shifted(by: -codeLine))
        let stem = url(for: key).deletingPathExtension().lastPathComponent
        writer.enqueue(path) { [self] in
            var w = BinaryWriter()
            header(.entry, key, into: &w)
            // One that defines functions is served only where it was run, so that errors inside
            // its functions point at the lines where the block is now.
            w.int(handover.values.contains(where: \.containsFunction) ? codeLine : -1)
            w.int(handover.inputs.count)
            for input in handover.inputs {
                w.string(input.name)
                w.bool(input.present)
                w.u64(input.print ?? input.value?.fingerprint ?? 0)
            }
            for list in files {
                w.int(list.count)
                for (path, tag) in list {
                    w.string(path)
                    w.u64(tag)
                }
            }
            w.int(handover.outputs.count)
            for output in handover.outputs { output.encode(into: &w) }
            w.int(bound.count)
            var sideFiles: [(String, CacheChunks)] = []
            for (k, (name, value)) in zip(bound, handover.values).enumerated() {
                // Encoded once, in pieces that reference matrices' storage: the fingerprint, the
                // tag and the file are made from the same pieces.
                let chunks = CacheChunks(value)
                // The same fingerprint the environment computes (a function's leaves out where
                // its source sits).
                w.string(name)
                w.u64(value.containsFunction ? value.fingerprint : chunks.fingerprint)
                if chunks.count <= BlockCache.inlineLimit {
                    w.bool(true)
                    w.bytes(chunks.bytes)
                } else {
                    let fileName = "\(stem)-\(k).value"
                    w.bool(false)
                    w.string(fileName)
                    w.int(chunks.count)
                    w.u64(chunks.tag(secret))
                    sideFiles.append((fileName, chunks))
                }
            }
            w.bool(handover.expectedError != nil)
            handover.expectedError?.encode(into: &w)
            _ = write(w.bytes, sideFiles: sideFiles, key: key)
        }
        return .stored
    }

    /// The start of every payload: its kind, the block it is for (`tangent cache` lists them)
    /// and the hash of the block's key.
    private func header(_ kind: Kind, _ key: Key, into w: inout BinaryWriter) {
        w.u8(kind.rawValue)
        w.string(key.relativePath)
        w.string(key.blockID)
        w.u64(key.hash)
    }

    /// Writes an entry file, and first its value files (an entry never names a file that is not
    /// there); a marker removes the value files of the entry it replaces. No fsync: entries are
    /// verified when read. False when the folder is not writable.
    func write(_ payload: [UInt8], sideFiles: [(String, CacheChunks)], key: Key) -> Bool {
        let name = url(for: key).lastPathComponent
        return write(payload, sideFiles: sideFiles, name: name)
    }

    func write(_ payload: [UInt8], sideFiles: [(String, CacheChunks)], name: String) -> Bool {
        do {
            // Every file is written by walking from the project root, opened once (ConfinedFolder):
            // a symbolic link at `.tangent`, `.tangent/cache` or an entry's name never sends a
            // write out of the project (a link at a name is replaced, one on the way is followed
            // only inside the project); a cache that cannot be written so is not written. The
            // walk makes missing folders and tolerates another writer making them at the same
            // moment (`-j N` stores entries of several notebooks at once).
            let tangent = directory.deletingLastPathComponent()
            let root = try ConfinedFolder(tangent.deletingLastPathComponent(), create: false)
            let cache = tangent.lastPathComponent + "/" + directory.lastPathComponent
            let ignore = tangent.lastPathComponent + "/.gitignore"
            if root.kind(of: ignore) != .file {
                try? root.write(Data("# Tangent's cache: safe to delete, never commit.\n*\n".utf8), to: ignore)
            }
            if payload.first != Kind.entry.rawValue {
                let stem = String(name.dropLast(".block".count))
                for file in root.contents(of: cache) ?? [] where file.hasPrefix(stem + "-") && file.hasSuffix(".value")
                {
                    _ = root.removeFile(cache + "/" + file)
                }
            }
            for (fileName, chunks) in sideFiles {
                let file = try root.atomicFile(cache + "/" + fileName, size: chunks.count, finalLink: .replace)
                var offset = 0
                try chunks.forEachPiece { (raw) throws(FileError) in
                    try file.write(raw, at: offset)
                    offset += raw.count
                }
                try file.commit(sync: false)
            }
            var bytes = BlockCache.magic
            bytes.append(BlockCache.formatVersion)
            var sum = BinaryWriter()
            sum.u64(secret.tag(payload))
            bytes += sum.bytes
            bytes += payload
            let entry = try root.atomicFile(cache + "/" + name, size: bytes.count, finalLink: .replace)
            try bytes.withUnsafeBytes { raw in Result { () throws(FileError) in try entry.write(raw, at: 0) } }.get()
            try entry.commit(sync: false)
            return true
        } catch {
            return false
        }
    }

    /// The keyed tag of a file's content, or a fixed value for a missing one.
    func fileTag(_ path: String) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else { return 0x6d69_7373_696e_6721 }
        return secret.tag([UInt8](data))
    }

    /// A whole plain file, never read through a symbolic link (a link planted at an entry's
    /// name is a miss, not a way to make the cache read another file).
    static func readPlainFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes
    }
}
