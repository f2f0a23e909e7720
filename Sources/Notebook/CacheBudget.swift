import Foundation
import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// The size budget of `.tangent/cache` and what `tangent cache` shows: the entries with their
/// sizes and last use, and eviction of the least recently used ones until the cache fits. A
/// restored entry's modification time is set to the moment it was used (`BlockCache.lookup`);
/// an evicted entry leaves a marker of a few dozen bytes so `--explain` can say "evicted".
package struct CacheBudget {
    /// 1 GiB unless `TANGENT_CACHE_LIMIT` says otherwise.
    package static let standardLimit = 1 << 30

    /// The budget in bytes: `TANGENT_CACHE_LIMIT` (`500M`, `2G`, `1048576`; K, M, G are powers
    /// of 1024; 0 keeps nothing), else 1 GiB. Nil with the reason when the setting is malformed.
    package static func limit(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<
        Int, UsageLikeError
    > {
        guard let text = environment["TANGENT_CACHE_LIMIT"] else { return .success(standardLimit) }
        guard let bytes = parse(text) else {
            return .failure(
                UsageLikeError(
                    "TANGENT_CACHE_LIMIT must be a size in bytes such as 500M or 2G, got '\(text)'"))
        }
        return .success(bytes)
    }

    /// A size: digits with an optional K, M or G (powers of 1024, an optional trailing B or iB).
    package static func parse(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where t.hasSuffix(suffix) && t.count > suffix.count {
            t.removeLast(suffix.count)
            break
        }
        var scale = 1
        if let last = t.last, let shift = ["K": 10, "M": 20, "G": 30, "T": 40][String(last)] {
            scale = 1 << shift
            t.removeLast()
        }
        guard !t.isEmpty, t.allSatisfy(\.isASCII), let value = Double(t), value >= 0, value.isFinite,
            value * Double(scale) < 9e18
        else { return nil }
        return Int(value * Double(scale))
    }

    /// An error in a setting (the CLI prints it and exits 2).
    package struct UsageLikeError: Error {
        package var message: String
        init(_ message: String) { self.message = message }
    }

    /// One block's files in the cache.
    package struct Item {
        package var entryName: String
        /// The entry's value files.
        package var valueFiles: [String] = []
        /// `notebook.md#block`, or nil when the entry was not written on this machine.
        package var block: String?
        package var kind: String
        package var bytes: Int
        package var lastUsed: Date
    }

    package let cache: BlockCache
    package init(cache: BlockCache) { self.cache = cache }

    /// Every entry with its value files, least recently used first; value files whose entry is
    /// gone are listed as one item without a block.
    package func items() -> [Item] {
        // Never through a symbolic link (a repository may ship `.tangent` as one): clearing or
        // pruning must not remove files elsewhere.
        let tangent = cache.directory.deletingLastPathComponent()
        for folder in [tangent, cache.directory] {
            var info = stat()
            guard lstat(folder.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return [] }
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: cache.directory.path) else { return [] }
        var sizes: [String: (bytes: Int, time: Date)] = [:]
        for name in names {
            var info = stat()
            guard lstat(cache.directory.appendingPathComponent(name).path, &info) == 0 else { continue }
            let time = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            sizes[name] = (Int(info.st_size), time)
        }
        var items: [Item] = []
        var claimed: Set<String> = []
        for name in names.sorted() where name.hasSuffix(".block") {
            let stem = String(name.dropLast(".block".count))
            let values = names.filter { $0.hasPrefix(stem + "-") && $0.hasSuffix(".value") }
            claimed.formUnion(values)
            claimed.insert(name)
            let bytes = ([name] + values).reduce(0) { $0 + (sizes[$1]?.bytes ?? 0) }
            var block: String?
            var kind = "not written on this machine"
            if case .some(.some(let payload)) = cache.verifiedPayload(cache.directory.appendingPathComponent(name).path)
            {
                var r = BinaryReader(payload)
                if let k = r.u8().flatMap(BlockCache.Kind.init(rawValue:)), let path = r.string(), let id = r.string() {
                    block = "\(path)#\(id)"
                    kind = [.entry: "entry", .notStored: "not stored", .evicted: "evicted"][k] ?? "entry"
                }
            }
            items.append(
                Item(
                    entryName: name, valueFiles: values, block: block, kind: kind, bytes: bytes,
                    lastUsed: sizes[name]?.time ?? .distantPast))
        }
        // Left over: value files of no entry, temporary files of an interrupted writer.
        for name in names where !claimed.contains(name) && name != ".gitignore" {
            items.append(
                Item(
                    entryName: name, block: nil, kind: "stray file", bytes: sizes[name]?.bytes ?? 0,
                    lastUsed: sizes[name]?.time ?? .distantPast))
        }
        return items.sorted { ($0.lastUsed, $0.entryName) < ($1.lastUsed, $1.entryName) }
    }

    /// The bytes of the cache folder's files, from their sizes only.
    private func quickSize() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache.directory.path)) ?? []
        return names.reduce(0) { total, name in
            var info = stat()
            return total
                + (lstat(cache.directory.appendingPathComponent(name).path, &info) == 0 ? Int(info.st_size) : 0)
        }
    }

    /// Total bytes in the cache folder.
    package func size() -> Int { items().reduce(0) { $0 + $1.bytes } }

    /// Evicts the least recently used entries until the cache holds at most `limit` bytes;
    /// stray files go first. Returns the number of entries evicted and the bytes freed.
    @discardableResult
    package func prune(limit: Int) -> (evicted: Int, freed: Int) {
        // Most runs fit: sizes alone say so, without reading any entry.
        if quickSize() <= limit { return (0, 0) }
        var all = items()
        var total = all.reduce(0) { $0 + $1.bytes }
        var evicted = 0
        var freed = 0
        all.sort { ($0.kind == "stray file" ? 0 : 1, $0.lastUsed) < ($1.kind == "stray file" ? 0 : 1, $1.lastUsed) }
        for item in all where total > limit && item.kind != "evicted" && item.kind != "not stored" {
            let before = item.bytes
            let after = evict(item)
            total -= before - after
            freed += before - after
            if item.kind != "stray file" { evicted += 1 }
        }
        return (evicted, freed)
    }

    /// Replaces an entry by an "evicted" marker (or removes a stray file); the bytes it keeps.
    private func evict(_ item: Item) -> Int {
        let path = cache.directory.appendingPathComponent(item.entryName).path
        guard item.kind == "entry", let block = item.block, let hash = header(path) else {
            _ = unlink(path)
            return 0
        }
        var w = BinaryWriter()
        w.u8(BlockCache.Kind.evicted.rawValue)
        let parts = block.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        w.string(parts[0])
        w.string(parts.count > 1 ? parts[1] : "")
        w.u64(hash)
        guard cache.write(w.bytes, sideFiles: [], name: item.entryName) else {
            _ = unlink(path)
            return 0
        }
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The key hash in a verified entry's header.
    private func header(_ path: String) -> UInt64? {
        guard case .some(.some(let payload)) = cache.verifiedPayload(path) else { return nil }
        var r = BinaryReader(payload)
        guard r.u8() != nil, r.string() != nil, r.string() != nil else { return nil }
        return r.u64()
    }

    /// Removes every file of the cache folder (not the folder, nor anything through a link).
    @discardableResult
    package func clear() -> Int {
        let all = items()
        for item in all {
            for name in [item.entryName] + item.valueFiles {
                _ = unlink(cache.directory.appendingPathComponent(name).path)
            }
        }
        return all.reduce(0) { $0 + $1.bytes }
    }
}
