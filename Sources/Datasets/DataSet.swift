import NTKCore

/// A small real data set shipped inside Tangent (LANGUAGE.md §11 `dataset(name)`): features and
/// labels equal to scikit-learn's copies, bit for bit, so tutorials run offline on real data.
package struct DataSet: Equatable, Sendable {
    /// Height, width and channels of one sample, for sets of images.
    package struct ImageShape: Equatable, Sendable {
        package var height: Int
        package var width: Int
        package var channels: Int

        package var size: Int { height * width * channels }
    }

    package var name: String
    /// n × d; for images each row is one sample flattened in NHWC order.
    package var x: Matrix
    /// The shape of one sample when the set is images.
    package var imageShape: ImageShape?
    /// n × 1: class indices 0…classes−1, or regression targets.
    package var y: Matrix
    /// The number of classes; 0 for a regression set.
    package var classes: Int
    /// The citation, a URL and the licence.
    package var source: String
}
