import Foundation
import Notebook
import TangentSupport

/// The folder a site is written into: where its writes are confined, and the checks before
/// the first write (a folder, inside the project, empty or written by Tangent before).
extension SiteBuilder {
    /// Where the site's files are confined: the nearest folder above the site holding `.git` or
    /// `tangent.toml`; else the current folder when the site path (as written) lies inside it;
    /// else the site folder itself (a folder named on the command line outside any project).
    /// The site folder is then reached from there without following a link out of it.
    static func confinementRoot(for site: URL) -> URL {
        let folder = site.standardizedFileURL
        var dir = folder.deletingLastPathComponent()
        let fm = FileManager.default
        while true {
            if ProjectRoot.markers.contains(where: { fm.fileExists(atPath: dir.appendingPathComponent($0).path) }) {
                return dir
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL
        if cwd.path != "/" && folder.path.hasPrefix(cwd.path + "/") { return cwd }
        return folder
    }

    /// Opens the site folder (made when missing) by a confined walk from its root, and refuses
    /// one that is not a folder, leads out of the project through a symbolic link, or holds
    /// files but was not written by Tangent.
    func openSite() throws -> ConfinedFolder {
        let rootURL = SiteBuilder.confinementRoot(for: outputDirectory)
        let relative = String(outputDirectory.standardizedFileURL.path.dropFirst(rootURL.path.count).drop { $0 == "/" })
        let site: ConfinedFolder
        do {
            let root = try ConfinedFolder(rootURL)
            let kind = root.kind(of: relative)
            if kind == .file || kind == .other {
                throw SiteError(description: "'\(outputDirectory.path)' exists and is not a folder")
            }
            site = try root.folder(relative)
        } catch let e as FileError {
            throw SiteError(description: "cannot write the site into '\(outputDirectory.path)': \(e.message)")
        }
        let contents = site.contents(of: "") ?? []
        if !contents.isEmpty && site.kind(of: SiteBuilder.manifestName) != .file {
            throw SiteError(
                description: "'\(outputDirectory.path)' is not empty and was not written by tangent render; "
                    + "choose an empty or new folder (nothing was deleted)")
        }
        return site
    }
}
