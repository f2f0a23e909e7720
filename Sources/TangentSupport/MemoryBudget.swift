import Foundation

/// How much memory Tangent may use right now, so that a matrix or kernel too large for it is
/// refused before anything is allocated (the alternative is being killed by the OOM killer
/// half-way through, or taking the machine down with it).
///
/// The budget is the smallest of:
/// - `MemAvailable` from /proc/meminfo (falling back to the free physical pages);
/// - the room left under the cgroup v2 limit (`memory.max − memory.current`), so a CI
///   container with a memory cap is respected;
/// - `TANGENT_MEMORY_LIMIT` minus the process's resident size, when that variable is set (bytes, or with a
///   suffix `K`, `M`, `G`, `T`: `TANGENT_MEMORY_LIMIT=2G`), for users and fuzzers that want a
///   hard cap below the machine's;
/// - `TANGENT_ALLOCATION_LIMIT`, the largest single allocation (same units), which the fuzzer
///   sets so that its inputs stay small however large its own resident size grows.
package enum MemoryBudget {
    /// Bytes that may still be allocated; nil when nothing is known.
    package static func availableBytes() -> Int? {
        var budget: Int?
        func cap(_ bytes: Int?) { if let bytes { budget = min(budget ?? .max, max(bytes, 0)) } }
        cap(machineAvailable())
        cap(cgroupRoom())
        if let limit = configuredLimit() { cap(limit - residentBytes()) }
        if let text = ProcessInfo.processInfo.environment["TANGENT_ALLOCATION_LIMIT"], let each = parseSize(text) {
            cap(each)
        }
        return budget
    }

    /// `availableBytes()` for an allocation of `bytes`: when they do not fit, the freed memory
    /// the process keeps (`MemoryRetention`) is given back first and the budget measured again.
    package static func availableBytes(for bytes: Int) -> Int? {
        let available = availableBytes()
        guard let available, bytes > available, MemoryRetention.release() else { return available }
        return availableBytes()
    }

    /// The `TANGENT_MEMORY_LIMIT` setting in bytes, when set and valid.
    package static func configuredLimit() -> Int? {
        guard let text = ProcessInfo.processInfo.environment["TANGENT_MEMORY_LIMIT"] else { return nil }
        return parseSize(text)
    }

    /// `123`, `64K`, `512M`, `2G`, `1.5T` (powers of 1024; an optional `B`/`iB`) in bytes.
    package static func parseSize(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where s.hasSuffix(suffix) {
            s.removeLast(suffix.count)
            break
        }
        var scale = 1.0
        if let last = s.last, let power = ["K": 1.0, "M": 2, "G": 3, "T": 4][String(last)] {
            scale = pow(1024, power)
            s.removeLast()
        }
        guard let value = Double(s), value.isFinite, value >= 0, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }

    static func machineAvailable() -> Int? {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let bytes = parseMemAvailable(text)
        {
            return bytes
        }
        let pages = sysconf(Int32(_SC_AVPHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : nil
    }

    /// The room under this process's cgroup v2 memory limit; nil without a limit.
    static func cgroupRoom() -> Int? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
            let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        let folder = "/sys/fs/cgroup" + line.dropFirst(3)
        func read(_ name: String) -> Int? {
            (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        guard let limit = read("memory.max") else { return nil }  // "max" means no limit
        return limit - (read("memory.current") ?? 0)
    }

    /// The resident set size of this process (VmRSS), 0 when unknown.
    static func residentBytes() -> Int { statusBytes("VmRSS:") ?? 0 }

    /// The largest resident set size this process has had (VmHWM), nil when unknown: the peak
    /// memory `--json` reports for a notebook.
    package static func peakResidentBytes() -> Int? { statusBytes("VmHWM:") }

    /// A `kB` line of /proc/self/status, in bytes.
    private static func statusBytes(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Int(fields[1]) { return kib * 1024 }
        }
        return nil
    }

    /// The `MemAvailable:  123456 kB` line of a /proc/meminfo text, in bytes.
    static func parseMemAvailable(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            let unit = fields.count >= 3 ? fields[2].lowercased() : "kb"
            return unit == "kb" ? kib * 1024 : kib
        }
        return nil
    }
}
