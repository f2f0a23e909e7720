import Foundation
import NTKCore
import TangentSupport

/// `load` and `save` of `.npy` and `.csv`; paths are relative to the notebook's folder.
extension Builtins {
    static let files: [Builtin] = [
        Builtin("load", [.required("path")], "a matrix from a .npy or .csv file; images from a 4-D (n, h, w, c) .npy") {
            c throws(Diagnostic) in
            let (url, format) = try fileArgument(c)
            c.context.noteFileRead(url.path)
            do {
                switch format {
                case .npy: return try value(of: try NPY.readArray(from: url))
                case .csv: return .matrix(try CSV.read(from: url))
                }
            } catch {
                throw c.fail("path", "cannot load '\(try c.string("path"))': \(error)")
            }
        },
        Builtin(
            "save", [.required("value"), .required("path")],
            "writes a matrix (or number, as 1×1) to .npy (float64, C order) or .csv; images to a 4-D (n, h, w, c) .npy"
        ) { c throws(Diagnostic) in
            if case .images(let i) = c.value("value") { return try save(i, c) }
            let m = try c.matrix("value")
            let (url, format) = try fileArgument(c)
            do {
                if let root = c.context.fileRoot {
                    // The check in fileArgument gives the located refusal; the write itself walks
                    // from the root without following a link out of it, so a folder swapped for a
                    // link after the check cannot send it outside (no check-then-use gap).
                    let target = try confinedTarget(c)
                    switch format {
                    case .npy: try NPY.write(m, to: target, confinedTo: root)
                    case .csv: try CSV.write(m, to: target, confinedTo: root)
                    }
                } else {
                    switch format {
                    case .npy: try NPY.write(m, to: url)
                    case .csv: try CSV.write(m, to: url)
                    }
                }
            } catch {
                throw c.fail("path", "cannot save '\(try c.string("path"))': \(error)")
            }
            c.context.noteFileWritten(url.path)
            return .none
        }
    ]

    enum MatrixFileFormat { case npy, csv }

    /// What `load` gives for a `.npy` array: images for 4-D, else a matrix.
    private static func value(of array: NPY.NDArray) throws(FileError) -> Value {
        guard array.shape.count == 4 else { return .matrix(array.matrix) }
        let (n, h, w, c) = (array.shape[0], array.shape[1], array.shape[2], array.shape[3])
        guard h >= 1, w >= 1, c >= 1 else {
            throw FileError(
                "images need a height, width and channel count of at least 1, got shape (\(n), \(h), \(w), \(c))")
        }
        return .images(
            Images(pixels: Matrix(rows: n, cols: h * w * c, storage: array.values), height: h, width: w, channels: c))
    }

    /// `save(I, "x.npy")`: the 4-D (n, h, w, c) float64 array; images have no CSV form.
    private static func save(_ images: Images, _ c: BuiltinCall) throws(Diagnostic) -> Value {
        let (url, format) = try fileArgument(c)
        guard format == .npy else {
            throw c.fail(
                "path",
                "images are saved as a 4-D .npy file (n, h, w, c); save(flatten(I), ...) writes the matrix as CSV")
        }
        let array = NPY.NDArray(shape: images.shape, values: images.pixels.storage)
        // Under a root the write walks from it without following a link out (as for matrices).
        let target = c.context.fileRoot == nil ? url : try confinedTarget(c)
        do {
            try NPY.write(array, to: target, confinedTo: c.context.fileRoot)
        } catch {
            throw c.fail("path", "cannot save '\(try c.string("path"))': \(error)")
        }
        c.context.noteFileWritten(url.path)
        return .none
    }

    /// The path `save` walks from the root: the notebook's folder, resolved, joined with the
    /// path as written (its `..` and links are resolved by the confined walk, not lexically).
    static func confinedTarget(_ c: BuiltinCall, _ p: String = "path") throws(Diagnostic) -> URL {
        let path = try c.string(p)
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: RealPath.resolve(c.context.baseDirectory.path)).appendingPathComponent(path)
    }

    /// The file named by argument `p`: relative to the notebook, a .npy or .csv, and inside the
    /// project root unless `--allow-outside`.
    static func fileArgument(_ c: BuiltinCall, _ p: String = "path") throws(Diagnostic) -> (URL, MatrixFileFormat) {
        let path = try c.string(p)
        guard !path.isEmpty else { throw c.fail(p, "the path is empty") }
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : c.context.baseDirectory.appendingPathComponent(path)
        let format: MatrixFileFormat
        switch url.pathExtension.lowercased() {
        case "npy": format = .npy
        case "csv": format = .csv
        default:
            let ext = url.pathExtension.isEmpty ? "no extension" : "'.\(url.pathExtension)'"
            throw c.fail(p, "unsupported file type \(ext) in '\(path)' (use .npy or .csv)")
        }
        if let root = c.context.fileRoot, !RealPath.isInside(url.path, root: root.path) {
            let real = RealPath.resolve(url.path)
            let via = real == url.standardizedFileURL.path ? "" : " (it leads to \(real))"
            throw c.fail(
                p,
                "'\(path)' is outside the project root \(RealPath.resolve(root.path))\(via); "
                    + "keep data files inside the project, or pass --allow-outside")
        }
        return (url.standardizedFileURL, format)
    }
}
