import Foundation
import Language

/// What happened to one block (LANGUAGE.md §7 report statuses).
public enum BlockStatus: String, Sendable {
    case ran, cached, skipped, failed, mismatch
}

/// The result of one block: status, time, seed, what it showed and any error.
public struct BlockResult: Sendable {
    public var cell: CodeCell
    public var status: BlockStatus
    public var seconds: Double
    public var seed: UInt64
    public var outputs: [DisplayItem]
    /// The error that failed the block (or, for `expect=error`, the error it was expected to raise).
    public var error: Diagnostic?
    /// Why a block was skipped, when it was.
    public var note: String?
    /// True when the block had `expect=error` and did fail as required.
    public var failedAsExpected: Bool { cell.attributes.expectError && status == .ran && error != nil }
}

/// The result of running a notebook top to bottom.
public struct NotebookResult: Sendable {
    public var notebook: Notebook
    public var blocks: [BlockResult]
    public var seconds: Double
    public var failed: Bool { blocks.contains { $0.status == .failed } }
}

/// Runs a notebook's `ntk` blocks top to bottom in one shared environment.
public struct Runner {
    public var notebookURL: URL
    public var relativePath: String
    /// Applied to blocks without a `timeout` of their own (front matter's wins over this).
    public var defaultTimeout: Double?

    public init(notebookURL: URL, defaultTimeout: Double? = nil) {
        self.notebookURL = notebookURL
        self.relativePath = ProjectRoot.relativePath(of: notebookURL)
        self.defaultTimeout = defaultTimeout
    }

    public func run(_ notebook: Notebook) -> NotebookResult {
        let start = DispatchTime.now()
        let environment = Environment()
        let baseDirectory = notebookURL.deletingLastPathComponent()
        var results: [BlockResult] = []
        var stopped: String?
        for cell in notebook.cells {
            let seed = cell.attributes.seed ?? Seeds.blockSeed(notebookSeed: notebook.frontMatter.seed,
                                                              relativePath: relativePath, blockID: cell.id)
            if cell.attributes.skip || stopped != nil {
                results.append(BlockResult(cell: cell, status: .skipped, seconds: 0, seed: seed, outputs: [],
                                           error: nil, note: cell.attributes.skip ? "skip=true" : stopped))
                continue
            }
            let result = runBlock(cell, notebook: notebook, environment: environment,
                                  baseDirectory: baseDirectory, seed: seed)
            if result.status == .failed {
                stopped = "not run: block '\(cell.id)' at line \(cell.fenceLine) failed"
            }
            results.append(result)
        }
        return NotebookResult(notebook: notebook, blocks: results, seconds: elapsed(since: start))
    }

    func runBlock(_ cell: CodeCell, notebook: Notebook, environment: Environment,
                  baseDirectory: URL, seed: UInt64) -> BlockResult {
        let start = DispatchTime.now()
        let timeout = cell.attributes.timeout ?? notebook.frontMatter.timeout ?? defaultTimeout
        let context = EvaluationContext(environment: environment, baseDirectory: baseDirectory, seed: seed,
                                        deadline: timeout.map { Deadline(seconds: $0) })
        var error: Diagnostic?
        do throws(Diagnostic) {
            let statements = try Parser.parse(cell.source)
            try Evaluator(context: context, source: cell.source).run(statements)
        } catch let e {
            error = e
        }
        var status: BlockStatus = error == nil ? .ran : .failed
        if cell.attributes.expectError {
            if error == nil {
                status = .failed
                error = .error("block '\(cell.id)' has expect=error but ran without an error",
                               at: SourceRange(at: SourceLocation(line: cell.fenceLine, column: cell.fenceColumn)))
            } else {
                status = .ran
            }
        }
        return BlockResult(cell: cell, status: status, seconds: elapsed(since: start), seed: seed,
                           outputs: context.outputs, error: error, note: nil)
    }

    private func elapsed(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
