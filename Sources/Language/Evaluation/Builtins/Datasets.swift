import Datasets
import NTKCore

/// `dataset(name)` (LANGUAGE.md §11, docs/datasets.md): a small real data set built into Tangent,
/// equal to scikit-learn's copy, as a record of `X` (a matrix, or images for an image set), `y`,
/// `classes` and `source`, so tutorials classify real data offline.
extension Builtins {
    static let datasets: [Builtin] = [
        Builtin(
            "dataset", [.required("name")],
            "a small real data set shipped with Tangent (offline, equal to scikit-learn's copy) as a record: X "
                + "(n×d, or images for \"digits\"), y (n×1 labels or targets), classes (0 for regression), source "
                + "(citation, URL, licence); "
                + DataSetCatalog.names.map { "\"\($0)\"" }.joined(separator: ", ")
        ) { c throws(Diagnostic) in
            let name = try c.string("name")
            let found: DataSet?
            do throws(DataSetError) { found = try DataSetCatalog.load(name) } catch {
                let why = "the file \(error.message)"
                throw .error(
                    "dataset(\"\(name)\"): the copy built into this tangent is damaged (\(why)); rebuild it",
                    at: c.range)
            }
            guard let set = found else {
                let names = DataSetCatalog.names
                throw c.fail(
                    "name",
                    "unknown data set \"\(name)\"\(Suggestions.hint(for: name, in: names)); the data sets are "
                        + names.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            let x: Value
            if let shape = set.imageShape {
                x = .images(Images(pixels: set.x, height: shape.height, width: shape.width, channels: shape.channels))
            } else {
                x = .matrix(set.x)
            }
            return .record(
                Record([
                    ("X", x), ("y", .matrix(set.y)), ("classes", .number(Double(set.classes))),
                    ("source", .string(set.source))
                ]))
        }
    ]
}
