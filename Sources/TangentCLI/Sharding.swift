import Foundation
import Render

/// Picks the notebooks of one shard (`--shard i/N`). Each notebook weighs its seconds in the
/// `--timings` report when it is there; the others weigh their file size converted to seconds
/// at the rate of the timed ones (all of them their size when nothing is timed). Every shard
/// of a CI matrix must see the same notebooks and the same timings file, so that the N plans
/// agree; that is why the timings are a file named on the command line and not the local cache.
enum Sharding {
    struct Selection {
        var files: [NotebookFiles.Found]
        /// Says what balanced the shards, for the line printed before the run.
        var basis: String
    }

    static func select(_ files: [NotebookFiles.Found], shard: ShardSpec, timings: Timings?) -> Selection {
        let sizes = files.map { Double(fileSize($0.url)) }
        let seconds = files.map { timings?.seconds[key($0.display)] }
        let weights = self.weights(sizes: sizes, seconds: seconds)
        let items = zip(files, weights).map { ShardPlan.Item(path: key($0.display), weight: $1) }
        let plan = ShardPlan.assign(items, shards: shard.count)
        let mine = files.indices.filter { plan[$0] == shard.index - 1 }.map { files[$0] }
        let timed = seconds.compactMap { $0 }
        let basis: String
        if let timings, timed.reduce(0, +) > 0 {
            basis =
                "balanced by the seconds in \(timings.path)"
                + (timed.count < files.count ? " (\(files.count - timed.count) estimated from file size)" : "")
        } else {
            basis = "balanced by file size"
        }
        return Selection(files: mine, basis: basis)
    }

    /// Seconds where known; sizes scaled by the timed notebooks' seconds per byte elsewhere.
    static func weights(sizes: [Double], seconds: [Double?]) -> [Double] {
        var timedSeconds = 0.0
        var timedBytes = 0.0
        for (size, s) in zip(sizes, seconds) {
            if let s {
                timedSeconds += s
                timedBytes += size
            }
        }
        guard timedSeconds > 0 else { return sizes }
        let rate = timedBytes > 0 ? timedSeconds / timedBytes : 0
        return zip(sizes, seconds).map { size, s in s ?? size * rate }
    }

    /// A path as the plan and the timings know it: `./a//b.md` and `a/b.md` are one notebook.
    static func key(_ display: String) -> String {
        var parts = display.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if parts.isEmpty { parts = ["."] }
        return (display.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    private static func fileSize(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Per-notebook seconds from a JSON report (`--json`, or one `tangent report merge` wrote).
    struct Timings {
        var path: String
        var seconds: [String: Double]

        static func load(_ path: String) throws(ReportFile.Malformed) -> Timings {
            let report = try ReportFile.read(path)
            var seconds: [String: Double] = [:]
            for n in report.notebooks where n.status != "error" {
                if let s = n.seconds, s.isFinite, s >= 0 { seconds[key(n.path)] = s }
            }
            return Timings(path: path, seconds: seconds)
        }
    }
}

/// `--shard i/N`: the i-th (counting from 1) of N parts of the collected notebooks.
package struct ShardSpec: Equatable, Sendable {
    /// 1 ... count.
    package var index: Int
    package var count: Int

    package init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    init(parsing text: String) throws(UsageError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw UsageError("--shard needs I/N (for example 2/4), got '\(text)'")
        }
        guard n >= 1, i >= 1, i <= n else {
            throw UsageError("--shard \(text): I must be between 1 and N, and N at least 1")
        }
        self.init(index: i, count: n)
    }
}
