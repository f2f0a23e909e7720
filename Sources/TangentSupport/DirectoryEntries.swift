#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The names in an open folder (without `.` and `..`), in the order the file system lists
/// them; nil when it cannot be read. `fdopendir` takes over the descriptor it is given: with
/// `consume` the folder's own descriptor is handed over (and closed here), otherwise a copy.
package func directoryEntries(of folder: Int32, consume: Bool) -> [String]? {
    let descriptor = consume ? folder : dup(folder)
    guard descriptor >= 0, let dir = fdopendir(descriptor) else {
        if descriptor >= 0 { _ = close(descriptor) }
        return nil
    }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
