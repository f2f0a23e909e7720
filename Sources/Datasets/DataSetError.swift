/// Why an embedded data file could not be read. The files are built into the binary, so this
/// means a damaged build, never a user's mistake; it is reported, not trapped.
package struct DataSetError: Error, Equatable, Sendable {
    /// What is wrong, completing "the file …" ("declares 12 rows but holds 11").
    package var message: String

    package init(_ message: String) { self.message = message }
}
