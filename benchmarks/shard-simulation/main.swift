// How the shard plan of `--shard` balances, and how many notebooks a new one moves, next to
// plain LPT (always the least-loaded shard), over 300 generated collections of 100 notebooks
// whose run times are log-normal (sigma 1). Built with the shipped plan (docs/ci.md):
//   swiftc -O Sources/TangentCLI/ShardPlan.swift benchmarks/shard-simulation/main.swift -o /tmp/shard-sim
//   /tmp/shard-sim
import Foundation

/// A seeded generator (an LCG; plenty for drawing test weights).
struct Generator {
    var state: UInt64
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return sqrt(-2 * log(u)) * cos(2 * .pi * v)
    }
}

func plainLPT(_ items: [ShardPlan.Item], shards n: Int) -> [Int] {
    let order = items.indices.sorted {
        items[$0].weight != items[$1].weight ? items[$0].weight > items[$1].weight : items[$0].path < items[$1].path
    }
    var loads = [Double](repeating: 0, count: n)
    var shardOf = [Int](repeating: 0, count: items.count)
    for i in order {
        let s = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
        loads[s] += items[i].weight
        shardOf[i] = s
    }
    return shardOf
}

func maxOverMean(_ items: [ShardPlan.Item], _ plan: [Int], shards n: Int) -> Double {
    var loads = [Double](repeating: 0, count: n)
    for (item, s) in zip(items, plan) { loads[s] += item.weight }
    return loads.max()! / (loads.reduce(0, +) / Double(n))
}

func summary(_ xs: [Double]) -> String {
    let s = xs.sorted()
    return String(format: "median %.3g, p90 %.3g, max %.3g, mean %.3g",
                  s[s.count / 2], s[s.count * 9 / 10], s.last!, s.reduce(0, +) / Double(s.count))
}

var g = Generator(state: 7)
for n in [4, 8] {
    var moved: [String: [Double]] = [:], balance: [String: [Double]] = [:]
    for t in 0..<300 {
        let items = (0..<100).map { ShardPlan.Item(path: "nbs/nb-\(t)-\($0).md", weight: exp(g.normal())) }
        let extra = ShardPlan.Item(path: "nbs/zz-extra.md", weight: exp(g.normal()))
        for (name, plan) in [("shipped", { ShardPlan.assign($0, shards: n) }), ("plain LPT", { plainLPT($0, shards: n) })]
            as [(String, ([ShardPlan.Item]) -> [Int])] {
            let before = plan(items), after = plan(items + [extra])
            moved[name, default: []].append(Double((0..<100).filter { before[$0] != after[$0] }.count))
            balance[name, default: []].append(maxOverMean(items, before, shards: n))
        }
    }
    for name in ["shipped", "plain LPT"] {
        print("N=\(n) \(name): moved of 100: \(summary(moved[name]!)); max/mean: \(summary(balance[name]!))")
    }
}
