import Foundation

/// How much memory the machine can give right now, so that a kernel too large for it is
/// refused before anything is allocated (the alternative is being killed by the OOM killer
/// half-way through).
enum MemoryBudget {
    /// `MemAvailable` from /proc/meminfo in bytes; falls back to the free physical pages,
    /// and nil when neither is known.
    static func availableBytes() -> Int? {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let bytes = parseMemAvailable(text) {
            return bytes
        }
        let pages = sysconf(Int32(_SC_AVPHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : nil
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
