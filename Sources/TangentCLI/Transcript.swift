import Synchronization

/// What one notebook printed, kept until it is its turn (`-j N` prints notebooks in the order
/// they were named, as `-j 1` does): standard output and error pieces in the order written.
final class Transcript: Sendable {
    private let pieces = Mutex<[(toError: Bool, text: String)]>([])

    /// A console that writes into this transcript.
    var console: Console {
        Console(
            out: { [self] text in pieces.withLock { $0.append((false, text)) } },
            err: { [self] text in pieces.withLock { $0.append((true, text)) } })
    }

    /// Writes everything to the real console, in the order it was written.
    func replay(to console: Console) {
        for piece in pieces.withLock({ $0 }) { (piece.toError ? console.err : console.out)(piece.text) }
    }
}
