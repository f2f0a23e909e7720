import TangentSupport

/// The header of a `.npy` file: its Python dictionary, checked and turned into an element
/// type, an order and a shape.
extension NPY {
    /// The dictionary at the start of a `.npy` file, e.g.
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
    struct Header {
        var dtype: DType
        var fortranOrder: Bool
        /// Each dimension non-negative; how many dimensions a reader accepts is its own rule.
        var shape: [Int]
        /// The number of values, the product of `shape`.
        var count: Int
        /// The shape as Python writes it, e.g. `(3,)` or `(2, 3, 4)`.
        var shapeText: String

        init(parsing text: String) throws(FileError) {
            var parser = PythonLiteralParser(text)
            let literal: PythonLiteral
            do throws(PythonLiteralParser.Failure) {
                literal = try parser.parseHeader()
            } catch {
                throw FileError("malformed header: \(error.message)")
            }
            guard case .dict(let entries) = literal else {
                throw FileError("malformed header: expected a dictionary")
            }
            func value(_ key: String) throws(FileError) -> PythonLiteral {
                guard let entry = entries.last(where: { $0.key == key }) else {
                    throw FileError("malformed header: missing key '\(key)'")
                }
                return entry.value
            }

            let descr = try value("descr")
            guard case .bool(let fortranOrder) = try value("fortran_order") else {
                throw FileError("malformed header: 'fortran_order' must be True or False")
            }
            guard case .tuple(let dims) = try value("shape") else {
                throw FileError("malformed header: 'shape' must be a tuple of integers")
            }
            var shape: [Int] = []
            for dim in dims {
                guard case .int(let n) = dim, n >= 0 else {
                    throw FileError("malformed header: 'shape' must be a tuple of non-negative integers")
                }
                shape.append(n)
            }
            let shapeText =
                shape.count == 1
                ? "(\(shape[0]),)"
                : "(" + shape.map(String.init).joined(separator: ", ") + ")"
            // As numpy: the product of the non-zero dimensions must be a number, even when a zero
            // makes the array empty, so that any group of axes (an image's h·w·c) can be counted.
            var nonZero = 1
            for n in shape where n > 0 {
                let (product, overflow) = nonZero.multipliedReportingOverflow(by: n)
                guard !overflow else {
                    throw FileError("malformed header: shape \(shapeText) is too large")
                }
                nonZero = product
            }
            let count = shape.contains(0) ? 0 : nonZero

            switch descr {
            case .string(let text):
                self.dtype = try DType(parsing: text)
            case .list:
                throw FileError("unsupported dtype: structured arrays (with named fields) cannot be loaded as a matrix")
            default:
                throw FileError("malformed header: 'descr' must be a string")
            }
            self.fortranOrder = fortranOrder
            self.shape = shape
            self.count = count
            self.shapeText = shapeText
        }
    }
}
