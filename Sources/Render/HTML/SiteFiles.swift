import Foundation
import TangentSupport

/// The files one render writes into the site folder, in the order written: the list the
/// manifest records, so the next render knows which files are its own.
struct SiteFiles {
    let site: ConfinedFolder
    private(set) var written: [String] = []

    init(_ site: ConfinedFolder) {
        self.site = site
    }

    /// Writes `text` at `path` (relative to the site). A file that already holds these bytes is
    /// left alone: a re-render after one notebook changed (tangent serve) then syncs a few
    /// files to disk instead of every page.
    mutating func write(_ text: String, _ path: String) throws {
        let data = Data(text.utf8)
        if site.read(path) != data {
            try site.write(data, to: path)
        }
        written.append(path)
    }

    /// Records the plain files under a folder of the site (written by someone else, such as
    /// `KaTeXAssets.install`) as written by this render.
    mutating func record(filesUnder folder: String) {
        written += files(under: folder)
    }

    /// Plain files under a folder of the site, relative to the site (symbolic links are not
    /// followed, nor listed).
    private func files(under folder: String) -> [String] {
        var out: [String] = []
        for name in site.contents(of: folder) ?? [] {
            let path = folder + "/" + name
            switch site.kind(of: path) {
            case .file:
                out.append(path)
            case .folder:
                out += files(under: path)
            default:
                break
            }
        }
        return out
    }
}
