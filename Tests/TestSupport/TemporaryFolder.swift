import Foundation

/// A fresh folder under `FileManager.default.temporaryDirectory` (never the home folder),
/// named `tangent-LABEL-UUID`; the test removes it with `defer { folder.remove() }`.
package struct TemporaryFolder: Sendable {
    package let root: URL

    /// Creates the folder. `label` says which test made it, for whoever finds one left over.
    package init(_ label: String = "test") throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("tangent-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// The URL of `relative` inside the folder.
    package func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// The path of `relative` inside the folder.
    package func path(_ relative: String) -> String { url(relative).path }

    /// Every `*.tmp` file anywhere under the folder (hidden folders included), relative paths, sorted.
    package func temporaryFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") }.sorted()
    }

    package func remove() { try? FileManager.default.removeItem(at: root) }
}
