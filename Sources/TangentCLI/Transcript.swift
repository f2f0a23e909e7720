import Synchronization

/// What one notebook printed, kept until it is its turn (`-j N` prints notebooks in the order
/// they were named, as `-j 1` does): standard output and error pieces in the order written.
/// The notebook first in line goes live: what it kept is written out, and what it prints
/// from then on goes straight to the real console, so it streams.
final class Transcript: Sendable {
    private struct State {
        var pieces: [(toError: Bool, text: String)] = []
        var live: Console?
    }
    private let state = Mutex(State())

    /// A console that writes into this transcript.
    var console: Console {
        Console(out: { [self] text in write(text, toError: false) }, err: { [self] text in write(text, toError: true) })
    }

    private func write(_ text: String, toError: Bool) {
        state.withLock { s in
            if let live = s.live { (toError ? live.err : live.out)(text) } else { s.pieces.append((toError, text)) }
        }
    }

    /// Writes everything kept to the real console, in the order it was written, and from now
    /// on passes what is written straight through. Calling it again does nothing.
    func goLive(to console: Console) {
        state.withLock { s in
            guard s.live == nil else { return }
            for piece in s.pieces { (piece.toError ? console.err : console.out)(piece.text) }
            s.pieces = []
            s.live = console
        }
    }
}
