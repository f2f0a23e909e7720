import Foundation
import NTKCore

/// The data sets Tangent ships, by name: what `dataset(name)` may load, with each set's shape,
/// classes and citation (docs/datasets.md). The numbers themselves are the `.tds` files in
/// `EmbeddedData`, built into the binary, so an installed `tangent` needs no file beside it.
package enum DataSetCatalog {
    /// What is known of a set before its file is read.
    struct Entry: Sendable {
        var name: String
        var rows: Int
        var cols: Int
        var imageShape: DataSet.ImageShape?
        var classes: Int
        var source: String
        var file: @Sendable () -> [UInt8]
    }

    /// The names `dataset` accepts, in the order the documentation lists them.
    package static var names: [String] { entries.map(\.name) }

    /// The set called `name`, or nil when there is none.
    package static func load(_ name: String) throws(DataSetError) -> DataSet? {
        guard let entry = entries.first(where: { $0.name == name }) else { return nil }
        return try load(entry, from: entry.file())
    }

    /// The set `entry` describes, decoded from `file`, checked against what the entry says.
    static func load(_ entry: Entry, from file: [UInt8]) throws(DataSetError) -> DataSet {
        let (x, y) = try DataSetFile.decode(file)
        guard x.rows == entry.rows, x.cols == entry.cols, entry.imageShape.map({ $0.size == x.cols }) ?? true else {
            throw DataSetError("holds a \(x.rows)×\(x.cols) X but \(entry.name) is \(entry.rows)×\(entry.cols)")
        }
        if entry.classes > 0 {
            for (i, label) in y.storage.enumerated()
            where !(label >= 0 && label < Double(entry.classes) && label == label.rounded()) {
                throw DataSetError("holds label \(label) in row \(i), outside the classes 0…\(entry.classes - 1)")
            }
        }
        return DataSet(
            name: entry.name, x: x, imageShape: entry.imageShape, y: y, classes: entry.classes, source: entry.source)
    }

    /// The bytes of an `EmbeddedData` literal (its line breaks skipped); empty if it is not base64,
    /// which the decoder then reports as a damaged file.
    static func bytes(base64: String) -> [UInt8] {
        Data(base64Encoded: base64, options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? []
    }

    static let scikitLearn = "Exported from scikit-learn 1.9.1 (BSD-3-Clause) by scripts/datasets/export.py"

    static let entries: [Entry] = [
        Entry(
            name: "digits", rows: 1797, cols: 64, imageShape: .init(height: 8, width: 8, channels: 1), classes: 10,
            source: "Optical Recognition of Handwritten Digits (test set), E. Alpaydin and C. Kaynak, 1998. "
                + "UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/80, licence CC BY 4.0. "
                + "scikit-learn load_digits(). \(scikitLearn).",
            file: { bytes(base64: EmbeddedData.digits) }),
        Entry(
            name: "iris", rows: 150, cols: 4, imageShape: nil, classes: 3,
            source: "Iris, R. A. Fisher, \"The use of multiple measurements in taxonomic problems\", Annals of "
                + "Eugenics 7(2), 179-188, 1936. UCI Machine Learning Repository, "
                + "https://archive.ics.uci.edu/dataset/53, licence CC BY 4.0. scikit-learn load_iris() (Fisher's "
                + "values, as R's; two rows differ from the UCI file). \(scikitLearn).",
            file: { bytes(base64: EmbeddedData.iris) }),
        Entry(
            name: "wine", rows: 178, cols: 13, imageShape: nil, classes: 3,
            source: "Wine recognition, S. Aeberhard and M. Forina, 1991. UCI Machine Learning Repository, "
                + "https://archive.ics.uci.edu/dataset/109, licence CC BY 4.0. scikit-learn load_wine(). "
                + "\(scikitLearn).",
            file: { bytes(base64: EmbeddedData.wine) }),
        Entry(
            name: "breast_cancer", rows: 569, cols: 30, imageShape: nil, classes: 2,
            source: "Breast Cancer Wisconsin (Diagnostic), W. H. Wolberg, W. N. Street and O. L. Mangasarian, "
                + "1995. UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/17, licence "
                + "CC BY 4.0. scikit-learn load_breast_cancer(): y 0 = malignant, 1 = benign. \(scikitLearn).",
            file: { bytes(base64: EmbeddedData.breast_cancer) }),
        Entry(
            name: "diabetes", rows: 442, cols: 10, imageShape: nil, classes: 0,
            source: "Diabetes, B. Efron, T. Hastie, I. Johnstone and R. Tibshirani, \"Least Angle Regression\", "
                + "Annals of Statistics 32(2), 407-499, 2004; https://www4.stat.ncsu.edu/~boos/var.select/"
                + "diabetes.html. No licence is stated by its authors; distributed with scikit-learn under its "
                + "BSD-3-Clause licence. scikit-learn load_diabetes(scaled=False): unscaled, y the disease "
                + "progression one year after baseline. \(scikitLearn).",
            file: { bytes(base64: EmbeddedData.diabetes) })
    ]
}
