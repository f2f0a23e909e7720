import Foundation
import Notebook
import TangentSupport

/// `tangent cache [show|prune|clear] [PATH]`: what `.tangent/cache` of the project holding PATH
/// (default: the current folder) uses, with its entries least recently used first; `prune`
/// evicts entries until it fits its budget, `clear` empties it. The cache is otherwise
/// invisible: this is where a user sees and bounds it.
struct CacheCommand: Equatable {
    var action = "show"
    var path: String?
    var actionGiven = false

    static let actions = ["show", "prune", "clear"]

    static let spec = VerbSpec<CacheCommand>(
        "cache", operands: "[show|prune|clear] [PATH]", needed: nil,
        summary: "show the block cache's size and entries; prune or clear it",
        about: """
            Shows .tangent/cache of the project holding PATH (default: the current folder): its size against
            the budget (1 GiB, or TANGENT_CACHE_LIMIT such as 500M) and each entry, least recently used
            first. 'prune' evicts least recently used entries until the cache fits; 'clear' removes them all.
            """,
        options: [],
        exitStatus: [.init("0", "done"), .init("2", "usage error, or a malformed TANGENT_CACHE_LIMIT")],
        start: { CacheCommand() },
        operand: { c, word in
            if !c.actionGiven && c.path == nil && actions.contains(word) {
                c.action = word
                c.actionGiven = true
            } else if c.path == nil {
                c.path = word
            } else {
                c.path = "\u{0}"  // more than one PATH: refused by validate
            }
        },
        validate: { c throws(UsageError) in
            if c.path == "\u{0}" { throw UsageError("'tangent cache' takes at most one PATH") }
        })

    func run(console: Console) throws(UsageError) -> ExitCode {
        let limit: Int
        switch CacheBudget.limit() {
        case .success(let bytes): limit = bytes
        case .failure(let error): throw UsageError(error.message)
        }
        let start = URL(fileURLWithPath: path ?? FileManager.default.currentDirectoryPath)
        // ProjectRoot looks from a notebook's folder: give it a name inside the folder.
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: start.path, isDirectory: &isFolder)
        if path != nil && !exists { throw UsageError("'\(path!)' does not exist") }
        let root = ProjectRoot.find(for: isFolder.boolValue ? start.appendingPathComponent("_") : start)
        let budget = CacheBudget(cache: BlockCache(projectRoot: root))
        let shown = budget.cache.directory.path
        switch action {
        case "clear":
            let freed = budget.clear()
            console.out("cleared \(shown): \(ByteCount.formatted(freed)) freed\n")
        case "prune":
            let (evicted, freed) = budget.prune(limit: limit)
            console.out(
                "pruned \(shown) to its budget of \(ByteCount.formatted(limit)): \(evicted) "
                    + "\(evicted == 1 ? "entry" : "entries") evicted, \(ByteCount.formatted(freed)) freed\n")
        default:
            console.out(Self.listing(budget.items(), folder: shown, limit: limit))
        }
        return .success
    }

    /// The size, the budget, and one line per entry: size, last use, kind, block.
    static func listing(_ items: [CacheBudget.Item], folder: String, limit: Int) -> String {
        let total = items.reduce(0) { $0 + $1.bytes }
        let entries = items.filter { $0.kind == "entry" }.count
        var text =
            "\(folder): \(ByteCount.formatted(total)) of \(ByteCount.formatted(limit)), "
            + "\(entries) \(entries == 1 ? "entry" : "entries") with values\n"
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        format.timeZone = TimeZone(identifier: "UTC")
        for item in items.reversed() {
            let size = ByteCount.formatted(item.bytes).padding(toLength: 10, withPad: " ", startingAt: 0)
            let kind = item.kind.padding(toLength: 12, withPad: " ", startingAt: 0)
            text += "  \(size) \(format.string(from: item.lastUsed))  \(kind) \(item.block ?? item.entryName)\n"
        }
        return text
    }
}
