import Foundation
import NTKCore
import TangentSupport

/// A point in time after which a running block stops with a timeout error.
///
/// The evaluator checks it between statements and before calls; inside a call, NTKCore's
/// long loops check `cancellation` (due at the same moment) and stop early. `checkpoint`,
/// when set, is told the range of every check and what the block has shown so far (the
/// worker process streams the running statement and the outputs to the CLI with it, so that
/// a block the CLI has to kill is still located and keeps what it printed).
package struct Deadline: Sendable {
    package let seconds: Double
    let end: DispatchTime
    /// The same moment for NTKCore (bound as `Cancellation.current` while the block runs).
    package let cancellation: Cancellation
    package var checkpoint: (@Sendable (SourceRange, [DisplayItem]) -> Void)?
    package init(seconds: Double, checkpoint: (@Sendable (SourceRange, [DisplayItem]) -> Void)? = nil) {
        self.seconds = seconds
        self.checkpoint = checkpoint
        let nanos = seconds >= 1e9 ? UInt64.max / 2 : UInt64(max(seconds, 0) * 1e9)
        end = DispatchTime.now() + .nanoseconds(Int(min(nanos, UInt64(Int.max))))
        cancellation = Cancellation(deadline: end)
    }
    package var hasPassed: Bool { DispatchTime.now() >= end }

    /// The error of a block that ran past its timeout, at `range`.
    package static func timeoutError(seconds: Double, at range: SourceRange) -> Diagnostic {
        .error("block timed out after \(ValueFormatter.number(seconds)) s", at: range)
    }
}

/// The state one block runs with: the notebook's shared bindings, the block's random stream,
/// the folder files are relative to, and what the block has shown so far.
package final class EvaluationContext {
    package var environment: Environment
    package let baseDirectory: URL
    package let seed: UInt64
    package let deadline: Deadline?
    /// `load` and `save` refuse paths that resolve (through `..` and symbolic links) outside
    /// this folder, the project root; nil allows any path (`--allow-outside`). `save` also
    /// writes by a walk from this folder that follows no link out of it (`ConfinedFolder`),
    /// so a folder swapped for a link after the check cannot send the file outside.
    package var fileRoot: URL?
    package private(set) var outputs: [DisplayItem] = []
    /// Names the block read from bindings made before it, with the value each had then
    /// (its inputs, for caching; nil when the name was not bound).
    package private(set) var inputs: [String: Value?] = [:]
    package var namesRead: Set<String> { Set(inputs.keys) }
    /// Names the block bound.
    package var namesBound: Set<String> { boundHere }
    /// Files the block loaded or saved (absolute paths).
    package private(set) var filesRead: [String] = []
    package private(set) var filesWritten: [String] = []

    /// The calls that compute both analytic kernels for a later call (`KernelPairs`), and
    /// the kernel kept for it (`KeptKernel`).
    var pairedKernelCalls: Set<SourceRange> = []
    var keptKernel: KeptKernel?
    /// How many calls took a kept kernel instead of computing one.
    var kernelsShared = 0

    /// Calls of `def` functions active right now (recursion is limited,
    /// docs/language.md#functions-and-scope).
    var callDepth = 0
    /// The lowest address of the stack of the thread running this block (found on first use).
    lazy var stackLowerBound: UInt? = StackGuard.lowerBound()

    /// The block's default random stream: numpy `default_rng(seed)`, drawn from in call order.
    var generator: NumpyGenerator
    private var figureIndex: Int?
    /// What `figure(title:, id:, caption:)` gave the next figure.
    private var pendingFigure: Figure?
    /// What the block has shown so far, against `OutputLimits`.
    private var shown = OutputLimits()
    private var boundHere: Set<String> = []
    /// The statement running now (from the deadline checks).
    private var statement: SourceRange?

    package init(
        environment: Environment, baseDirectory: URL, seed: UInt64, deadline: Deadline? = nil,
        fileRoot: URL? = nil
    ) {
        self.environment = environment
        self.fileRoot = fileRoot
        self.baseDirectory = baseDirectory
        self.seed = seed
        self.deadline = deadline
        self.generator = NumpyGenerator(seed: seed)
    }

    func lookup(_ name: String) -> Value? {
        let v = environment[name]
        if !boundHere.contains(name), inputs[name] == nil { inputs[name] = .some(v) }
        return v
    }

    func bind(_ name: String, _ value: Value) {
        boundHere.insert(name)
        environment[name] = value
    }

    /// Adds an output, or throws at its statement when it would pass the block's `OutputLimits`.
    func emit(_ item: DisplayItem) throws(Diagnostic) {
        let range: SourceRange
        var figures = 0
        var points = 0
        switch item {
        case .value(_, _, let r), .text(_, let r): range = r
        case .figure(let f, let r): (range, figures, points) = (r, 1, f.pointCount)
        }
        try shown.add(text: item.textBytes, figures: figures, points: points, at: range)
        outputs.append(item)
    }

    func noteFileRead(_ path: String) { filesRead.append(path) }
    func noteFileWritten(_ path: String) {
        filesWritten.append(path)
        // A run killed while saving here left its temporary files beside this one.
        StaleTemporaryFiles.sweepOnce(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Adds `points` points to the block's current figure (repeated `plot`/`scatter` calls draw
    /// into one), or throws at `range` when that would pass the block's `OutputLimits`; the
    /// points are counted before `update` copies them.
    func drawIntoFigure(at range: SourceRange, points: Int, _ update: (inout Figure) -> Void) throws(Diagnostic) {
        var limits = shown
        if let i = figureIndex, case .figure(var f, let r) = outputs[i] {
            try limits.add(text: 0, points: points, at: range)
            let before = f.textBytes
            update(&f)
            try limits.add(text: max(f.textBytes - before, 0), at: range)
            outputs[i] = .figure(f, range: r)
        } else {
            try limits.add(text: 0, figures: 1, points: points, at: range)
            var f = takePendingFigure()
            update(&f)
            try limits.add(text: f.textBytes, at: range)
            figureIndex = outputs.count
            outputs.append(.figure(f, range: range))
        }
        shown = limits
    }

    /// `figure(...)`: later `plot`/`scatter`/`band` calls draw into a new figure that starts as
    /// `header` (its title, id and caption; shown only once something is drawn into it).
    func startFigure(_ header: Figure) {
        figureIndex = nil
        pendingFigure = header
    }

    /// The figure `figure(...)` announced, for the next one drawn (a heatmap takes it too);
    /// an empty figure when there is none.
    func takePendingFigure() -> Figure {
        defer { pendingFigure = nil }
        return pendingFigure ?? Figure()
    }

    func checkDeadline(at range: SourceRange) throws(Diagnostic) {
        guard let d = deadline else { return }
        // A call lies inside its statement: a range outside the current one is the next statement.
        if let s = statement, s.start <= range.start, range.end <= s.end {} else { statement = range }
        d.checkpoint?(range, outputs)
        if d.hasPassed { throw Deadline.timeoutError(seconds: d.seconds, at: range) }
    }

    /// After the block's last statement: a block that ran past its deadline fails even when
    /// nothing was checked after its long work (a block of one large `@`), at the statement
    /// that was running when the time ran out.
    package func checkDeadlineAtEnd() throws(Diagnostic) {
        guard let d = deadline, d.hasPassed, let range = statement else { return }
        throw Deadline.timeoutError(seconds: d.seconds, at: range)
    }

    /// Runs a builtin call. A call that returns after the block's deadline (one long LAPACK
    /// call) fails with the timeout error at `range`, as does one in which an NTKCore loop
    /// stopped early because the time ran out, whatever it returned (a partial result) or
    /// threw (an NTKCore `cancelled` error); a timeout already located at a call inside it is
    /// kept.
    func stoppable<T>(at range: SourceRange, _ body: () throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        guard let d = deadline else { return try body() }
        let value: T
        do { value = try body() } catch {
            if d.cancellation.stopped && error != Deadline.timeoutError(seconds: d.seconds, at: error.range) {
                throw Deadline.timeoutError(seconds: d.seconds, at: range)
            }
            throw error
        }
        if d.cancellation.stopped || d.hasPassed { throw Deadline.timeoutError(seconds: d.seconds, at: range) }
        return value
    }
}

/// The bindings of one notebook, shared by all its blocks top to bottom.
///
/// Values restored from the cache may be *pending*: known by their fingerprint and read
/// from disk only when a block that actually runs looks at them, so a fully cached notebook
/// never loads its large matrices.
package final class Environment {
    private var values: [String: Value] = [:]
    private var pending: [String: @Sendable () -> Value?] = [:]
    private var fingerprints: [String: UInt64] = [:]
    private var damaged: Set<String> = []
    /// Names a failed block bound and the runner took back, with the block to blame.
    private var withdrawn: [String: String] = [:]
    /// Factorised kernel-regression predictors with the kernel and targets they were made from
    /// (shared storage, not copies) and their options, most recent last (at most 8).
    var predictors: [PredictorMemo] = []
    /// Scopes of calls that returned a closure while holding a function defined in them (a
    /// reference cycle): their bindings are dropped with the environment, freeing them.
    private var closureScopes: [Scope] = []

    package init() {}

    deinit {
        for scope in closureScopes { scope.values.removeAll() }
    }

    /// Keeps a call's scope until the notebook is done, then breaks its cycle (see `invoke`).
    func keepUntilDone(_ scope: Scope) { closureScopes.append(scope) }

    package subscript(name: String) -> Value? {
        get {
            if let v = values[name] { return v }
            guard let load = pending.removeValue(forKey: name) else { return nil }
            guard let v = load() else {
                damaged.insert(name)
                fingerprints[name] = nil
                return nil
            }
            values[name] = v
            return v
        }
        set {
            values[name] = newValue
            pending[name] = nil
            fingerprints[name] = nil
            damaged.remove(name)
            withdrawn[name] = nil
        }
    }

    /// Unbinds what a failed block bound; a later read of the name says which block it was
    /// (`culprit`, e.g. "the failed block 'fit' (line 12)") instead of "unknown name".
    package func withdraw(_ name: String, culprit: String) {
        self[name] = nil
        withdrawn[name] = culprit
    }

    /// The block to blame when `name` is unbound because a failed block's binding was withdrawn.
    package func withdrawal(of name: String) -> String? { withdrawn[name] }

    /// Binds a value that will be loaded on first use; its fingerprint is known already.
    package func restore(_ name: String, fingerprint: UInt64, loader: @escaping @Sendable () -> Value?) {
        values[name] = nil
        pending[name] = loader
        fingerprints[name] = fingerprint
        damaged.remove(name)
        withdrawn[name] = nil
    }

    /// Whether the name is bound (without loading a pending value).
    package func contains(_ name: String) -> Bool { values[name] != nil || pending[name] != nil }

    /// The content fingerprint of a binding, computed once per value (nil when unbound).
    package func fingerprint(of name: String) -> UInt64? {
        if let f = fingerprints[name] { return f }
        guard let v = values[name] else { return nil }
        let f = v.fingerprint
        fingerprints[name] = f
        return f
    }

    /// True when a cached value of this name could not be read back (a damaged cache file).
    package func isDamaged(_ name: String) -> Bool { damaged.contains(name) }

    /// Every cached value that could not be read back so far.
    package var damagedNames: Set<String> { damaged }

    package var names: [String] { Array(Set(values.keys).union(pending.keys)) }
}
