import Language
import Notebook
import Render
import Synchronization

/// Prints a notebook's blocks as they end, in order, so a long run shows each block's output
/// (and right after it, its error) at once instead of at the end. Blocks reported twice (a
/// run that starts over after a damaged cache entry) or out of turn are printed once, in
/// order; `finish` prints what the run never reported (a killed worker's blocks).
final class BlockStream: Sendable {
    private let printed = Mutex(0)
    private let console: Console
    private let notebook: Notebook
    private let showOutputs: Bool

    init(_ notebook: Notebook, console: Console, showOutputs: Bool) {
        self.notebook = notebook
        self.console = console
        self.showOutputs = showOutputs
    }

    /// Prints the notebook's header (before its first block runs).
    func start() {
        if showOutputs { console.out(TerminalReport.header(notebook)) }
    }

    /// Block `index` ended: printed now when every block before it was.
    func finished(_ index: Int, _ block: BlockResult) {
        printed.withLock { next in
            guard index == next else { return }
            next += 1
            print(block)
        }
    }

    /// The run is over: prints the blocks not printed yet from its result.
    func finish(_ result: NotebookResult) {
        printed.withLock { next in
            while next < result.blocks.count {
                print(result.blocks[next])
                next += 1
            }
        }
    }

    private func print(_ block: BlockResult) {
        if showOutputs { console.out(TerminalReport.outputs(block)) }
        if let error = TerminalReport.error(block, in: notebook) { console.err(error) }
    }
}

/// What a notebook's run tells its job as it goes, from a worker process or in-process: a
/// block started evaluating, said how far it has come, ended.
struct BlockEvents: Sendable {
    var started: @Sendable (_ index: Int) -> Void = { _ in }
    var progress: @Sendable (_ index: Int, _ detail: String) -> Void = { _, _ in }
    var finished: @Sendable (_ index: Int, _ result: BlockResult) -> Void = { _, _ in }
}
