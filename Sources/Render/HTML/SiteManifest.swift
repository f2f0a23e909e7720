import Foundation
import TangentSupport

/// The site's manifest (`.tangent-site.json`): the list of files a render wrote, the only
/// files a later render ever replaces or removes. It is written twice: first as a journal of
/// what the render may write, then as what it did write.
extension SiteBuilder {
    /// The files the previous render wrote, from its manifest (not followed when it is a
    /// link); entries with `..` or an absolute path are ignored.
    func previousManifest(_ site: ConfinedFolder) -> [String] {
        guard let data = site.read(SiteBuilder.manifestName),
            let items = JSON.parse(String(decoding: data, as: UTF8.self))?.arrayValue
        else { return [] }
        return items.compactMap(\.stringValue).filter {
            !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..")
        }
    }

    /// Journal first: the manifest lists every file this render may write before any is
    /// written, so a render interrupted half-way (Ctrl-C, a kill) leaves a folder the next
    /// render recognises as its own and can clean up.
    func writeJournal(_ entries: [Entry], previous: [String], to site: ConfinedFolder) throws {
        let planned =
            entries.map(\.pagePath) + [
                "index.html", "search-index.js", "assets/tangent.css", "assets/search.js", SiteMath.cacheName
            ]
        try writeManifest(Array(Set(previous + planned)), to: site)
    }

    /// Removes the files of the previous render this one did not write (pages this site no
    /// longer has), then records what this render wrote.
    func removeStaleFiles(keeping written: [String], previous: [String], from site: ConfinedFolder) throws {
        let now = Set(written)
        // Only plain files reached through plain folders are removed (ConfinedFolder.removeFile):
        // a planted manifest naming a file under a linked folder, or a link, deletes nothing.
        for stale in previous where !now.contains(stale) {
            site.removeFile(stale)
        }
        try writeManifest(written, to: site)
    }

    private func writeManifest(_ paths: [String], to site: ConfinedFolder) throws {
        let list = JSON.array(paths.sorted().map(JSON.string))
        try site.write(Data(list.serialized().utf8), to: SiteBuilder.manifestName)
    }
}
