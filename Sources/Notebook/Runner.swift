import Foundation
import Language
import NTKCore
import TangentSupport

/// What happened to one block (the report statuses of docs/language.md#command-line).
package enum BlockStatus: String, Sendable {
    case ran, cached, skipped, failed, mismatch
}

/// The result of one block: status, time, seed, what it showed and any error.
package struct BlockResult: Sendable {
    package var cell: CodeCell
    package var status: BlockStatus
    package var seconds: Double
    package var seed: UInt64
    package var outputs: [DisplayItem]
    /// The error that failed the block (or, for `expect=error`, the error it was expected to raise).
    package var error: Diagnostic?
    /// Why a block was skipped, when it was.
    package var note: String?
    /// What `tangent check` found different in this block (its status is then `.mismatch`).
    package var mismatch: Mismatch?
    /// Why the block ran or was restored (`--explain`): "restored from the cache", "ran: edited"…
    package var explanation: String?
    package init(
        cell: CodeCell, status: BlockStatus, seconds: Double, seed: UInt64, outputs: [DisplayItem],
        error: Diagnostic?, note: String?
    ) {
        self.cell = cell
        self.status = status
        self.seconds = seconds
        self.seed = seed
        self.outputs = outputs
        self.error = error
        self.note = note
    }
    /// True when the block had `expect=error` and did fail as required.
    package var failedAsExpected: Bool {
        cell.attributes.expectError && (status == .ran || status == .cached) && error != nil
    }
}

/// The result of running a notebook top to bottom.
package struct NotebookResult: Sendable {
    package var notebook: Notebook
    package var blocks: [BlockResult]
    package var seconds: Double
    /// The peak resident memory of the process that ran the notebook (its kernel worker, or
    /// `tangent` itself when notebooks run in-process), when known.
    package var peakMemoryBytes: Int?
    package init(notebook: Notebook, blocks: [BlockResult], seconds: Double) {
        self.notebook = notebook
        self.blocks = blocks
        self.seconds = seconds
    }
    package var failed: Bool { blocks.contains { $0.status == .failed } }
}

/// Runs a notebook's `ntk` blocks top to bottom in one shared environment. A block that
/// fails makes the blocks that read what it binds (directly or through others) skip; blocks
/// that do not depend on it still run. With a cache, unchanged blocks are restored from it.
package struct Runner {
    package var notebookURL: URL
    package var relativePath: String
    /// Applied to blocks without a `timeout` of their own or in the front matter.
    package var defaultTimeout: Double?
    package var cache: BlockCache?
    /// The folder `load`/`save` paths must stay inside (the project root); nil allows any
    /// path (`--allow-outside`).
    package var fileRoot: URL?
    /// Told as blocks start, pass statements and finish (nil: nobody is watching).
    package var observer: RunObserver?
    /// Leaves the last pass's bindings allocated when `run` returns, for a process that is
    /// about to exit: the kernel worker reports the end and lets its parent go on first, and
    /// the operating system frees the memory as the process ends (freeing a 512 MB kernel
    /// value by value took 33 ms before the worker could say it was done).
    package var leavesBindingsToProcessExit = false

    /// The timeout when neither the block, the front matter nor the command line sets one.
    package static let standardTimeout: Double = 900

    package init(notebookURL: URL, defaultTimeout: Double? = nil, useCache: Bool = false, allowOutside: Bool = false) {
        self.notebookURL = notebookURL
        self.fileRoot = allowOutside ? nil : ProjectRoot.fileRoot(for: notebookURL)
        self.relativePath = ProjectRoot.relativePath(of: notebookURL)
        self.defaultTimeout = defaultTimeout
        self.cache = useCache ? BlockCache(projectRoot: ProjectRoot.find(for: notebookURL)) : nil
    }

    /// Runs every block. A cached value that cannot be read back (its file damaged or replaced
    /// since the entry was written) is a cache miss, never a user-visible error: the entries
    /// that restored it are set aside and the notebook runs again from the top, where the block
    /// that made the value now runs and stores it afresh. Blocks before it are still served
    /// from the cache, so the second pass costs about what the miss does.
    package func run(_ notebook: Notebook) -> NotebookResult {
        let start = DispatchTime.now()
        var distrusted: Set<URL> = []
        while true {
            let pass = run(notebook, distrusting: distrusted)
            if pass.damaged.isEmpty || pass.damaged.isSubset(of: distrusted) {
                return NotebookResult(notebook: notebook, blocks: pass.blocks, seconds: elapsed(since: start))
            }
            distrusted.formUnion(pass.damaged)
        }
    }

    /// One pass over the blocks; `damaged` lists the cache entries whose values could not be
    /// read back.
    private func run(_ notebook: Notebook, distrusting distrusted: Set<URL>) -> (
        blocks: [BlockResult], damaged: Set<URL>
    ) {
        let environment = Environment()
        // The cache entry each name was last restored from.
        var restoredFrom: [String: URL] = [:]
        let baseDirectory = notebookURL.deletingLastPathComponent()
        var results: [BlockResult] = []
        // Names bound by failed blocks, or by blocks skipped because of them, with the block to blame.
        var poisoned: [String: String] = [:]
        // The block that last bound each name (for "ran: input 'X' changed (block b2)").
        var boundBy: [String: String] = [:]
        for (index, cell) in notebook.cells.enumerated() {
            let seed =
                cell.attributes.seed ?? Seeds.blockSeed(notebookSeed: notebook.frontMatter.seed, blockID: cell.id)
            let parsed: Result<[Statement], Diagnostic>
            do throws(Diagnostic) { parsed = .success(try Parser.parse(cell.source)) } catch {
                parsed = .failure(error)
            }
            let deps: Dependencies
            switch parsed {
            case .success(let statements): deps = Dependencies.of(statements)
            case .failure: deps = Dependencies.approximate(cell.source)
            }
            func skip(_ note: String) {
                let result = BlockResult(
                    cell: cell, status: .skipped, seconds: 0, seed: seed, outputs: [],
                    error: nil, note: note)
                results.append(result)
                observer?.blockFinished(index, result)
            }
            if cell.attributes.skip {
                skip("skip=true")
                // A skipped block is not run, so names an earlier block bound keep their values
                // (LANGUAGE.md §1); the blocks that read a name only it would have made skip too.
                for name in deps.writes where poisoned[name] == nil && boundBy[name] == nil {
                    poisoned[name] = "skipped block '\(cell.id)'"
                }
                continue
            }
            // A block that does not parse fails with its own syntax error whatever failed before it
            // (the approximate scan of its text would take words in strings, like `f"…"`, for names).
            if case .success = parsed, let name = deps.reads.sorted().first(where: { poisoned[$0] != nil }),
                let culprit = poisoned[name]
            {
                skip("not run: it reads '\(name)', which \(culprit) did not produce")
                for w in deps.writes { poisoned[w] = poisoned[w] ?? culprit }
                continue
            }
            let result = runBlock(
                cell, index: index, parsed: parsed, notebook: notebook, environment: environment,
                baseDirectory: baseDirectory, seed: seed, distrusted: distrusted, boundBy: boundBy)
            // What the block freed and the process kept for reuse goes back to the system.
            MemoryRetention.release()
            for w in deps.writes { boundBy[w] = cell.id }
            if result.status == .cached, let cache {
                let entry = cache.url(for: cacheKey(cell, seed: seed))
                for w in deps.writes { restoredFrom[w] = entry }
            } else {
                for w in deps.writes { restoredFrom[w] = nil }
            }
            if result.status == .failed {
                let damaged = Set(environment.damagedNames.compactMap { restoredFrom[$0] })
                if !damaged.isEmpty, !damaged.isSubset(of: distrusted) { return (results, damaged) }
            }
            if result.status == .failed {
                let culprit = "the failed block '\(cell.id)' (line \(cell.fenceLine))"
                for w in deps.writes {
                    poisoned[w] = culprit
                    // What it bound before failing (a loop's count when its timeout ran out) must not
                    // reach a later block through a function that reads the name when called. (A block
                    // that did not parse bound nothing, and its names are only guessed from its text.)
                    if case .success = parsed { environment.withdraw(w, culprit: culprit) }
                }
            } else {
                for w in deps.writes { poisoned[w] = nil }
            }
            results.append(result)
            observer?.blockFinished(index, result)
        }
        // The last pass (a pass that found damaged entries returned above, and its bindings go).
        if leavesBindingsToProcessExit { _ = Unmanaged.passRetained(environment) }
        return (results, [])
    }

    /// The cache key of a block run with this seed (`tangent lsp` reads what the cache knows).
    package func cacheKey(_ cell: CodeCell, seed: UInt64) -> BlockCache.Key {
        BlockCache.Key(
            relativePath: relativePath, blockID: cell.id, code: cell.code, seed: seed,
            expectError: cell.attributes.expectError, tangentVersion: TangentInfo.version)
    }

    func runBlock(
        _ cell: CodeCell, index: Int, parsed: Result<[Statement], Diagnostic>, notebook: Notebook,
        environment: Environment, baseDirectory: URL, seed: UInt64, distrusted: Set<URL> = [],
        boundBy: [String: String] = [:]
    ) -> BlockResult {
        let start = DispatchTime.now()
        let key = cacheKey(cell, seed: seed)
        var explanation = "ran: --no-cache"
        if let cache {
            let miss: CacheMiss
            if case .failure = parsed {
                miss = .edited
            } else if distrusted.contains(cache.url(for: key)) {
                miss = .unusable
            } else {
                switch cache.lookup(key, environment: environment, codeLine: cell.codeLine) {
                case .hit(let entry):
                    for binding in entry.bindings { binding.restore(into: environment) }
                    var result = BlockResult(
                        cell: cell, status: .cached, seconds: elapsed(since: start), seed: seed,
                        outputs: entry.outputs, error: entry.expectedError, note: nil)
                    result.explanation = "restored from the cache"
                    return result
                case .miss(let why): miss = why
                }
            }
            explanation = miss.explanation { boundBy[$0] }
        }
        let timeout =
            cell.attributes.timeout ?? notebook.frontMatter.timeout ?? defaultTimeout ?? Runner.standardTimeout
        observer?.blockStarted(index, seed, timeout)
        let context = EvaluationContext(
            environment: environment, baseDirectory: baseDirectory, seed: seed,
            deadline: Deadline(seconds: timeout, checkpoint: observer?.checkpoint),
            fileRoot: fileRoot)
        var error: Diagnostic?
        // NTKCore's long loops stop at the same deadline (see `Cancellation`).
        Cancellation.$current.withValue(context.deadline?.cancellation) {
            do throws(Diagnostic) {
                switch parsed {
                case .success(let statements):
                    try Evaluator(context: context, source: cell.source).run(statements)
                    try context.checkDeadlineAtEnd()
                case .failure(let e): throw e
                }
            } catch let e {
                error = e
            }
        }
        var status: BlockStatus = error == nil ? .ran : .failed
        if cell.attributes.expectError {
            if error == nil {
                status = .failed
                error = .error(
                    "block '\(cell.id)' has expect=error but ran without an error",
                    at: SourceRange(at: SourceLocation(line: cell.fenceLine, column: cell.fenceColumn)))
            } else {
                status = .ran
            }
        }
        let seconds = elapsed(since: start)
        if status == .ran, let cache {
            cache.store(key, context: context, expectedError: error, codeLine: cell.codeLine, seconds: seconds)
        }
        var result = BlockResult(
            cell: cell, status: status, seconds: seconds, seed: seed, outputs: context.outputs, error: error,
            note: nil)
        result.explanation = explanation
        return result
    }

    private func elapsed(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// What a run reports as it goes, for a caller that must act while a block runs: the CLI
/// runs notebooks in a worker process it can kill when a block overruns its timeout (inside
/// one LAPACK call, say), and needs to know which block is running since when, and where.
package struct RunObserver: Sendable {
    /// A block starts evaluating (not restored from the cache) with this timeout in seconds.
    package var blockStarted: @Sendable (_ index: Int, _ seed: UInt64, _ timeout: Double) -> Void
    /// The running block reached a statement or call at this range, having shown these outputs.
    package var checkpoint: @Sendable (SourceRange, [DisplayItem]) -> Void
    /// A block is done (ran, cached, skipped or failed); `index` is its place in `cells`.
    package var blockFinished: @Sendable (_ index: Int, _ result: BlockResult) -> Void

    package init(
        blockStarted: @escaping @Sendable (Int, UInt64, Double) -> Void,
        checkpoint: @escaping @Sendable (SourceRange, [DisplayItem]) -> Void,
        blockFinished: @escaping @Sendable (Int, BlockResult) -> Void
    ) {
        self.blockStarted = blockStarted
        self.checkpoint = checkpoint
        self.blockFinished = blockFinished
    }
}
