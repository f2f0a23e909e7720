/// The values of a `.npy` file with its shape, for the arrays that are not matrices: 4-D
/// (n, h, w, c) images. Values are in C (row-major) order.
extension NPY {
    package struct NDArray: Equatable, Sendable {
        package var shape: [Int]
        package var values: [Double]

        package init(shape: [Int], values: [Double]) {
            self.shape = shape
            self.values = values
        }

        /// A 0-, 1- or 2-D array as a matrix: 0-D is 1×1, 1-D of n is n×1 (as `NPY.decode`).
        /// Higher ranks are flattened after the first axis.
        package var matrix: Matrix {
            switch shape.count {
            case 0: return Matrix(rows: 1, cols: 1, storage: values)
            case 1: return Matrix(rows: shape[0], cols: 1, storage: values)
            default:
                return Matrix(rows: shape[0], cols: shape.dropFirst().reduce(1, *), storage: values)
            }
        }
    }
}
