/// Why a file could not be read or written: thrown by every file write in Tangent
/// (atomic writes, confined folders) and by the matrix file readers.
///
/// `description` is a message for a user. It never contains the path: the
/// caller knows which file it asked for and adds the path and the source
/// location itself, e.g. `load("x.npy"): file is truncated: …`.
public struct FileError: Error, Equatable, CustomStringConvertible {
    /// The message shown to the user, e.g. `not a .npy file (bad magic)`.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
