import Foundation
import NTKCore
import Notebook
import Render
import TangentSupport

#if canImport(Glibc)
import Glibc
#endif

/// Before a command writes, removes what earlier runs killed without warning (SIGKILL, a power
/// loss) left in the folders it writes to: stale `.<name>.<pid>.<tag>.tmp` files beside the
/// notebooks, in their figures folders, in the project's `.tangent/cache` and in the site
/// folder, and stale KaTeX scratch folders in the system temp folder (`StaleTemporaryFiles`
/// says what is stale; a running Tangent's files are kept).
enum Leftovers {
    /// How deep below the site folder pages and assets may lie (`sub/page.html`, `katex/fonts`).
    static let siteDepth = 4

    static func sweep(notebooks: [URL], site: String?) {
        var folders: Set<String> = []
        var roots: Set<String> = []
        for url in notebooks {
            let folder = url.deletingLastPathComponent().path
            if folders.insert(folder).inserted { StaleTemporaryFiles.sweep(folder) }
            StaleTemporaryFiles.sweep(folder, below: [MarkdownWriter.FigureFolder.beside(url.lastPathComponent).link])
            let root = ProjectRoot.find(for: url).path
            if roots.insert(root).inserted { StaleTemporaryFiles.sweep(root, below: [".tangent", "cache"]) }
        }
        if let site {
            // Below the top level only in a folder that is Tangent's site (it has the manifest,
            // written before any page), not in whatever folder `--out` names.
            var info = stat()
            let manifest =
                lstat(site + "/" + SiteBuilder.manifestName, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            StaleTemporaryFiles.sweep(site, depth: manifest ? siteDepth : 0)
            KaTeXRenderer.removeStaleScratchFolders()
        }
    }
}
