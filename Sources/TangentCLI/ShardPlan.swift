import TangentSupport

/// Splits a collection of notebooks into shards for a CI matrix: balanced by the expected run
/// time, the same on every machine, and stable, so that a new notebook moves few others.
///
/// Notebooks are placed one at a time, heaviest first (equal weights: by path), the order of
/// longest-processing-time scheduling. Each notebook has its own order of preference over the
/// shards, a rendezvous hash of its path and the shard number. It goes to the first shard in
/// that order whose load stays within `slack` of an even share of everything placed so far
/// (itself included); when no shard has room, to the least-loaded shard (the LPT step; ties:
/// the lower shard). Guarantees, each checked by ShardPlanTests:
/// - every notebook is in exactly one shard, and the plan depends only on the paths and
///   weights (not on the input order, the machine or the Swift version: the hash is our own);
/// - the heaviest shard carries at most mean + max(slack * mean, heaviest notebook);
/// - adding a notebook never moves one placed before it (heavier, or as heavy with a smaller
///   path): their placement depends only on what came before them. Lighter ones move only
///   where the new load pushes a shard over its bound; with the bound out of reach
///   (slack = infinity) none moves at all, as with plain consistent hashing.
enum ShardPlan {
    /// 10 % above the even share: a measured trade-off (docs/ci.md) between balance and the
    /// number of notebooks a new one moves.
    static let slack = 0.1

    struct Item: Equatable {
        var path: String
        /// Expected seconds, or bytes; any non-negative scale shared by all items.
        var weight: Double
    }

    /// The shard (0 ..< shards) of each item, in the order given.
    static func assign(_ items: [Item], shards: Int, slack: Double = ShardPlan.slack) -> [Int] {
        precondition(shards >= 1, "at least one shard")
        let order = items.indices.sorted { a, b in
            items[a].weight != items[b].weight ? items[a].weight > items[b].weight : items[a].path < items[b].path
        }
        var loads = [Double](repeating: 0, count: shards)
        var placed = 0.0
        var shardOf = [Int](repeating: 0, count: items.count)
        for i in order {
            let item = items[i]
            placed += item.weight
            let bound = (1 + slack) * placed / Double(shards)
            let preference = (0..<shards).sorted { score(item.path, $0) > score(item.path, $1) }
            let target =
                preference.first { loads[$0] + item.weight <= bound }
                ?? loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            loads[target] += item.weight
            shardOf[i] = target
        }
        return shardOf
    }

    /// The rendezvous score of a path for a shard: FNV-1a over the path's UTF-8 bytes, mixed with
    /// the shard number by the SplitMix64 finaliser. Fixed here so plans never change underfoot.
    static func score(_ path: String, _ shard: Int) -> UInt64 {
        var h = StableHash.of(path)
        h ^= UInt64(shard) &* 0x9e37_79b9_7f4a_7c15
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}
