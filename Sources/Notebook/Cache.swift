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
    static let formatVersion: UInt8 = 6
    /// Blocks that bind more than this many bytes of values are not cached.
    package static let maxEntryBytes = 1 << 30

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

    /// The entry for this block when every input still matches; nil otherwise. Output
    /// locations are stored relative to the block and placed at `codeLine` again.
    package func load(_ key: Key, environment: Environment, codeLine: Int) -> Entry? {
        guard let bytes = BlockCache.readPlainFile(url(for: key).path) else { return nil }
        guard bytes.count >= 13, Array(bytes[0..<4]) == BlockCache.magic, bytes[4] == BlockCache.formatVersion else {
            return nil
        }
        var header = BinaryReader(Array(bytes[5..<13]))
        let payload = Array(bytes[13...])
        guard let sum = header.u64(), sum == secret.tag(payload) else { return nil }
        var r = BinaryReader(payload)
        guard r.u64() == key.hash, let functionsAt = r.int(), functionsAt == -1 || functionsAt == codeLine else {
            return nil
        }
        // Inputs: bindings read, files read and written.
        guard let nInputs = r.count() else { return nil }
        for _ in 0..<nInputs {
            guard let name = r.string(), let present = r.bool(), let print = r.u64() else { return nil }
            if present != environment.contains(name) { return nil }
            if present, environment.fingerprint(of: name) != print { return nil }
        }
        for _ in 0..<2 {
            guard let nFiles = r.count() else { return nil }
            for _ in 0..<nFiles {
                guard let path = r.string(), let print = r.u64() else { return nil }
                guard fileTag(path) == print else { return nil }
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
        return Entry(outputs: outputs, bindings: bindings, expectedError: expected)
    }

    // MARK: Store

    /// Stores a block that ran (successfully, or failing as `expect=error` required).
    /// Returns false when the entry was not written (too big, or the folder is not writable).
    @discardableResult
    package func store(_ key: Key, context: EvaluationContext, expectedError: Diagnostic?, codeLine: Int) -> Bool {
        var w = BinaryWriter()
        w.u64(key.hash)
        // A function that closes over a call's scope cannot be read back: such a block is not
        // stored. One that defines functions is served only where it was run, so that errors
        // inside its functions point at the lines where the block is now.
        let boundValues = context.namesBound.map { context.environment[$0] ?? .none }
        if !boundValues.allSatisfy(\.isPortable) { return false }
        w.int(boundValues.contains(where: \.containsFunction) ? codeLine : -1)
        let inputs = context.inputs.sorted { $0.key < $1.key }
        w.int(inputs.count)
        for (name, value) in inputs {
            w.string(name)
            w.bool(value != nil)
            // A name the block read but did not rebind still holds that value: use its memo.
            let print =
                context.namesBound.contains(name) ? value?.fingerprint : context.environment.fingerprint(of: name)
            w.u64(print ?? 0)
        }
        for files in [context.filesRead, context.filesWritten] {
            let unique = Array(Set(files)).sorted()
            w.int(unique.count)
            for path in unique {
                w.string(path)
                w.u64(fileTag(path))
            }
        }
        w.int(context.outputs.count)
        for output in context.outputs {
            output.shifted(by: -codeLine).encode(into: &w)
        }
        let bound = context.namesBound.sorted()
        w.int(bound.count)
        var sideFiles: [(URL, [UInt8])] = []
        var total = 0
        let stem = url(for: key).deletingPathExtension().lastPathComponent
        for (k, name) in bound.enumerated() {
            var v = BinaryWriter()
            (context.environment[name] ?? .none).encode(into: &v)
            total += v.bytes.count
            if total > BlockCache.maxEntryBytes { return false }
            // The same fingerprint the environment computes (a function's leaves out where
            // its source sits).
            let value = context.environment[name] ?? .none
            let print = value.containsFunction ? value.fingerprint : Fingerprint.of(v.bytes)
            w.string(name)
            w.u64(print)
            if v.bytes.count <= BlockCache.inlineLimit {
                w.bool(true)
                w.bytes(v.bytes)
            } else {
                let fileName = "\(stem)-\(k).value"
                w.bool(false)
                w.string(fileName)
                w.int(v.bytes.count)
                w.u64(secret.tag(v.bytes))
                sideFiles.append((directory.appendingPathComponent(fileName), v.bytes))
            }
        }
        w.bool(expectedError != nil)
        if var e = expectedError {
            e = e.shifted(by: -codeLine)
            e.encode(into: &w)
        }
        var file = BlockCache.magic
        file.append(BlockCache.formatVersion)
        var sum = BinaryWriter()
        sum.u64(secret.tag(w.bytes))
        file += sum.bytes
        file += w.bytes
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
            // Side files first: an entry never names a file that is not there.
            for (url, bytes) in sideFiles { try root.write(Data(bytes), to: cache + "/" + url.lastPathComponent) }
            try root.write(Data(file), to: cache + "/" + url(for: key).lastPathComponent)
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
