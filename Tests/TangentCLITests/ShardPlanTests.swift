import Foundation
import TestSupport
import Testing

@testable import TangentCLI

/// Generated collections: paths in a few folders, weights spread like notebook run times
/// (log-normal), some equal weights, some zero.
enum Collections {
    static func make(seed: UInt64, count: Int) -> [ShardPlan.Item] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { k in
            let folder = ["", "intro/", "kernels/", "kernels/deep/"][Int.random(in: 0..<4, using: &g)]
            let path = "\(folder)nb-\(k)-\(UInt32.random(in: 0...UInt32.max, using: &g)).md"
            let kind = Int.random(in: 0..<10, using: &g)
            let weight =
                kind == 0
                ? 0
                : kind == 1 ? 4096 : exp(Double.random(in: -2...2, using: &g) + Double.random(in: -2...2, using: &g))
            return ShardPlan.Item(path: path, weight: weight)
        }
    }

    /// (seed, notebooks, shards) for the property tests.
    static let cases: [(UInt64, Int, Int)] = (0..<24).map { s in
        (UInt64(s), [0, 1, 2, 5, 17, 40, 100, 250][s % 8], [1, 2, 3, 4, 7, 16][s % 6])
    }
}

@Suite struct ShardPlanTests {
    @Test(arguments: Collections.cases)
    func shardsAreDisjointAndComplete(_ seed: UInt64, _ count: Int, _ shards: Int) {
        let items = Collections.make(seed: seed, count: count)
        let plan = ShardPlan.assign(items, shards: shards)
        #expect(plan.count == items.count)
        #expect(plan.allSatisfy { (0..<shards).contains($0) })
        // Shard by shard, as N CI jobs pick them: each notebook is picked by exactly one.
        var picked = [Int](repeating: 0, count: items.count)
        for s in 0..<shards {
            let job = ShardPlan.assign(items, shards: shards)
            for i in items.indices where job[i] == s { picked[i] += 1 }
        }
        #expect(picked.allSatisfy { $0 == 1 })
    }

    @Test(arguments: Collections.cases)
    func planDoesNotDependOnTheInputOrder(_ seed: UInt64, _ count: Int, _ shards: Int) {
        let items = Collections.make(seed: seed, count: count)
        var g = SeededGenerator(seed: seed ^ 0xabcdef)
        let shuffled = items.shuffled(using: &g)
        let a = Dictionary(uniqueKeysWithValues: zip(items.map(\.path), ShardPlan.assign(items, shards: shards)))
        let b = Dictionary(uniqueKeysWithValues: zip(shuffled.map(\.path), ShardPlan.assign(shuffled, shards: shards)))
        #expect(a == b)
    }

    /// max load <= mean + max(slack * mean, heaviest notebook): a notebook placed within the
    /// bound leaves its shard at most (1 + slack) * mean; one placed on the least-loaded shard
    /// found it at most at the mean of what was placed before.
    @Test(arguments: Collections.cases)
    func heaviestShardIsWithinTheBound(_ seed: UInt64, _ count: Int, _ shards: Int) {
        let items = Collections.make(seed: seed, count: count)
        let plan = ShardPlan.assign(items, shards: shards)
        var loads = [Double](repeating: 0, count: shards)
        for (item, s) in zip(items, plan) { loads[s] += item.weight }
        let mean = items.reduce(0) { $0 + $1.weight } / Double(shards)
        let bound = mean + max(ShardPlan.slack * mean, items.map(\.weight).max() ?? 0)
        #expect(loads.max()! <= bound * (1 + 1e-12), "loads \(loads), bound \(bound)")
    }

    /// Adding a notebook never moves one placed before it (heavier, or as heavy with a smaller path).
    @Test(arguments: Collections.cases)
    func addingANotebookNeverMovesThoseBeforeIt(_ seed: UInt64, _ count: Int, _ shards: Int) {
        let items = Collections.make(seed: seed, count: count)
        let before = ShardPlan.assign(items, shards: shards)
        for extra in Collections.make(seed: seed &+ 1000, count: 6) {
            let after = ShardPlan.assign(items + [extra], shards: shards)
            #expect(after.count == items.count + 1)
            for i in items.indices {
                let ahead =
                    items[i].weight > extra.weight || (items[i].weight == extra.weight && items[i].path < extra.path)
                if ahead { #expect(after[i] == before[i], "\(items[i].path) moved when \(extra.path) was added") }
            }
        }
    }

    /// With the bound out of reach every notebook takes its first choice: consistent hashing,
    /// where adding a notebook moves no other.
    @Test(arguments: Collections.cases)
    func withoutABoundNothingMoves(_ seed: UInt64, _ count: Int, _ shards: Int) {
        let items = Collections.make(seed: seed, count: count)
        let before = ShardPlan.assign(items, shards: shards, slack: .infinity)
        let extra = Collections.make(seed: seed &+ 77, count: 1)[0]
        let after = ShardPlan.assign(items + [extra], shards: shards, slack: .infinity)
        #expect(Array(after.prefix(items.count)) == before)
        for (item, s) in zip(items, before) {
            #expect(s == (0..<shards).max { ShardPlan.score(item.path, $0) < ShardPlan.score(item.path, $1) })
        }
    }

    @Test func oneShardTakesEverything() {
        let items = Collections.make(seed: 9, count: 30)
        #expect(ShardPlan.assign(items, shards: 1) == Array(repeating: 0, count: 30))
    }

    @Test func untimedNotebooksWeighTheirSizeAtTheTimedRate() {
        let sizes: [Double] = [1000, 3000, 500, 2000]
        let seconds: [Double?] = [2, nil, 0.5, nil]
        // Timed: 2.5 s for 1500 bytes.
        let rate = (2.0 + 0.5) / (1000.0 + 500.0)
        #expect(Sharding.weights(sizes: sizes, seconds: seconds) == [2, 3000 * rate, 0.5, 2000 * rate])
        #expect(Sharding.weights(sizes: sizes, seconds: [nil, nil, nil, nil]) == sizes)
        // Seconds that are all zero (a fully cached run) say nothing: sizes decide.
        #expect(Sharding.weights(sizes: sizes, seconds: [0, nil, 0, nil]) == sizes)
    }

    @Test(arguments: [
        ("./a/b.md", "a/b.md"), ("a//b.md", "a/b.md"), ("a/./b.md", "a/b.md"), ("/x/./y.md", "/x/y.md"),
        ("nb.md", "nb.md")
    ])
    func pathsAreComparedNormalised(_ given: String, _ key: String) {
        #expect(Sharding.key(given) == key)
    }

    @Test func shardSpecsParse() throws {
        #expect(try ShardSpec(parsing: "2/4") == ShardSpec(index: 2, count: 4))
        #expect(try ShardSpec(parsing: "1/1") == ShardSpec(index: 1, count: 1))
        for bad in ["0/4", "5/4", "2", "2/", "/4", "a/b", "2/4/1", "-1/4", "1/0"] {
            #expect(throws: UsageError.self, "\(bad)") { try ShardSpec(parsing: bad) }
        }
    }
}
