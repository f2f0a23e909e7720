import NTKCore

/// A network's inputs as the finite builtins (`init`, `apply`, `loss`, `train`,
/// `empirical_ntk`) take them: a matrix of samples, or images (docs/language.md#images-and-convolutions),
/// held as n rows of one sample each (NHWC for images, the images value's own storage) with the
/// shape of one sample, which the layers need to walk the network.
struct NetworkInput {
    /// n × shape.size.
    let matrix: Matrix
    let shape: FeatureShape

    /// The number of samples.
    var rows: Int { matrix.rows }

    /// "a 4×3 matrix" or "4 images of 8×8×1", for messages.
    var description: String {
        shape.isSpatial ? "\(rows) image\(rows == 1 ? "" : "s") of \(shape)" : "a \(matrix.shapeDescription) matrix"
    }
}
