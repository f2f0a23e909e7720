import Foundation
import Language
import Notebook

/// What the block cache knows of a notebook's names after a run: the cache entries of its blocks
/// from the top, as long as each still matches (as a run would restore them), give each name's
/// kind and shape ("a 20×3 matrix") for hover. Nothing is run; values kept in files of their own
/// (large ones) are not read, only said to be large.
enum CachedValues {
    /// Name → description, for the notebook `text` at `path`.
    static func describe(text: String, path: String) -> [String: String] {
        guard let notebook = try? Notebook.parse(text, path: path) else { return [:] }
        let runner = Runner(notebookURL: URL(fileURLWithPath: path), useCache: true)
        guard let cache = runner.cache else { return [:] }
        let environment = Environment()
        var found: [String: String] = [:]
        for cell in notebook.cells {
            if cell.attributes.skip { continue }
            let seed =
                cell.attributes.seed ?? Seeds.blockSeed(notebookSeed: notebook.frontMatter.seed, blockID: cell.id)
            let key = runner.cacheKey(cell, seed: seed)
            guard let entry = cache.load(key, environment: environment, codeLine: cell.codeLine) else { break }
            for binding in entry.bindings {
                binding.restore(into: environment)
                found[binding.name] = binding.value?.typeDescription ?? "a large value (kept in a file of the cache)"
            }
        }
        return found
    }
}
