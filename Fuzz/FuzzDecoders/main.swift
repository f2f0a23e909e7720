import Datasets
import Foundation
import FuzzSupport
import NTKCore
import TangentSupport

// libFuzzer target: the decoders a hostile repository can feed Tangent (a notebook's
// `load("x.npy")` / `load("x.csv")`, the `.tds` files of the shipped data sets). The first byte
// picks the decoder, the rest is its input:
// - 0 `NPY.decode` (a matrix), 1 `NPY.decodeArray` (matrices and 4-D images) and `NPY.readArray`
//   on the same bytes as a file, 2 an `.npy` header whose dictionary is the input (version 1.0
//   or 3.0, as the input's first byte says: the `PythonLiteralParser` at work);
// - 3 `CSV.read` (the bytes as a file) and `CSV.decode` (the text);
// - 4 `DataSetFile.decode` (a `.tds` file: header, zlib stream through `Inflate`, payload).
// Must never crash, trap or allocate more than the input can justify, whatever the bytes
// (scripts/fuzz.sh runs it under a malloc limit). Invariants checked (a violation traps, so
// libFuzzer keeps the input):
// - a decoded array has as many values as its shape says, and flattens to a matrix;
// - what decodes, written again (`NPY.encode`, `CSV.encode`), decodes to the same numbers, bit
//   for bit (CSV writes every NaN as `nan`);
// - reading a file gives what decoding its bytes gives: the same numbers or the same refusal;
// - a refusal says why; a data set's X and y have the shapes and the finite entries it promises.
nonisolated(unsafe) private var scratch: URL?

/// A file in a folder of this process's own, rewritten for each input.
private func scratchFile(_ name: String) -> URL {
    if scratch == nil {
        if getenv("TANGENT_ALLOCATION_LIMIT") == nil { setenv("TANGENT_ALLOCATION_LIMIT", "256M", 1) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tangent-fuzz-decoders-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        scratch = url
    }
    return scratch!.appendingPathComponent(name)
}

func fuzzDecoders(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: count - 1))
    switch data[0] % 5 {
    case 0: fuzzNPYMatrix(bytes)
    case 1: fuzzNPYArray(bytes)
    case 2: fuzzNPYHeader(bytes)
    case 3: fuzzCSV(bytes)
    default: fuzzDataSet(bytes)
    }
    return 0
}

// MARK: - .npy

func fuzzNPYMatrix(_ bytes: [UInt8]) {
    let m: Matrix
    do throws(FileError) {
        m = try NPY.decode(Data(bytes))
    } catch {
        require(!error.message.isEmpty, "NPY.decode refused without a reason")
        return
    }
    require(m.storage.count == m.rows * m.cols, "NPY.decode gave \(m.storage.count) values for \(m.shapeDescription)")
    do throws(FileError) {
        let again = try NPY.decode(NPY.encode(m))
        require(
            again.rows == m.rows && again.cols == m.cols && sameBits(again.storage, m.storage),
            "NPY.encode → NPY.decode changed a \(m.shapeDescription) matrix")
    } catch {
        fatalError("NPY.encode wrote a \(m.shapeDescription) matrix that NPY.decode refuses: \(error)")
    }
}

func fuzzNPYArray(_ bytes: [UInt8]) {
    let decoded = Result { () throws(FileError) in try NPY.decodeArray(Data(bytes)) }
    // The file reader takes its own path for native float64 data: it must agree.
    let url = scratchFile("x.npy")
    let read: Result<NPY.NDArray, FileError>
    if (try? Data(bytes).write(to: url)) != nil {
        read = Result { () throws(FileError) in try NPY.readArray(from: url) }
        switch (decoded, read) {
        case (.success(let a), .success(let b)):
            require(a.shape == b.shape && sameBits(a.values, b.values), "readArray and decodeArray disagree")
        case (.failure(let a), .failure(let b)):
            require(a == b, "readArray refuses with '\(b)', decodeArray with '\(a)'")
        case (.success, .failure(let e)): fatalError("readArray refuses what decodeArray reads: \(e)")
        case (.failure(let e), .success): fatalError("readArray reads what decodeArray refuses: \(e)")
        }
    }
    guard case .success(let array) = decoded else {
        if case .failure(let error) = decoded {
            require(!error.message.isEmpty, "decodeArray refused without a reason")
        }
        return
    }
    checkArray(array)
}

/// `bytes` as the dictionary of an `.npy` header (its first byte picks version 1.0, Latin-1, or
/// 3.0, UTF-8), with no data after it: only empty arrays can decode.
func fuzzNPYHeader(_ bytes: [UInt8]) {
    let utf8 = (bytes.first ?? 0) & 1 == 1
    let text = bytes.dropFirst()
    var file: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, utf8 ? 3 : 1, 0]
    let n = text.count
    file += utf8 ? (0..<4).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } : [UInt8(n & 0xFF), UInt8(n >> 8)]
    file += text
    do throws(FileError) {
        let array = try NPY.decodeArray(Data(file))
        require(array.values.isEmpty, "decoded \(array.values.count) values from a header alone")
        checkArray(array)
    } catch {
        require(!error.message.isEmpty, "decodeArray refused a header without a reason")
    }
}

/// What holds of every array `decodeArray` gives.
func checkArray(_ array: NPY.NDArray) {
    require([0, 1, 2, 4].contains(array.shape.count), "decodeArray gave a \(array.shape.count)-D array")
    require(array.shape.allSatisfy { $0 >= 0 }, "decodeArray gave shape \(array.shape)")
    var product = 1
    for n in array.shape {
        let (p, overflow) = product.multipliedReportingOverflow(by: n)
        require(!overflow, "decodeArray gave shape \(array.shape), whose size overflows")
        product = p
    }
    require(product == array.values.count, "decodeArray gave \(array.values.count) values for shape \(array.shape)")
    // Every axis after the first is one row of the matrix (a 4-D array's images are h·w·c wide);
    // the product of those axes must be a number even when the first axis is 0.
    var width = 1
    for n in array.shape.dropFirst() {
        let (p, overflow) = width.multipliedReportingOverflow(by: n)
        require(!overflow, "decodeArray gave shape \(array.shape), whose rows are too wide to count")
        width = p
    }
    let m = array.matrix
    require(
        m.storage.count == m.rows * m.cols, "NDArray.matrix gave \(m.storage.count) values for \(m.shapeDescription)")
    do throws(FileError) {
        let again = try NPY.decodeArray(NPY.encode(array))
        require(
            again.shape == array.shape && sameBits(again.values, array.values),
            "NPY.encode → NPY.decodeArray changed an array of shape \(array.shape)")
    } catch {
        fatalError("NPY.encode wrote an array of shape \(array.shape) that decodeArray refuses: \(error)")
    }
}

// MARK: - .csv

func fuzzCSV(_ bytes: [UInt8]) {
    let url = scratchFile("x.csv")
    guard (try? Data(bytes).write(to: url)) != nil else { return }
    let m: Matrix
    do throws(FileError) {
        m = try CSV.read(from: url)
    } catch {
        require(!error.message.isEmpty, "CSV.read refused without a reason")
        if let text = String(validating: bytes, as: UTF8.self) {
            do throws(FileError) {
                let decoded = try CSV.decode(text)
                fatalError("CSV.decode reads a \(decoded.shapeDescription) matrix that CSV.read refuses: \(error)")
            } catch let again {
                require(again == error, "CSV.decode refuses with '\(again)', CSV.read with '\(error)'")
            }
        }
        return
    }
    require(m.storage.count == m.rows * m.cols, "CSV.read gave \(m.storage.count) values for \(m.shapeDescription)")
    if let text = String(validating: bytes, as: UTF8.self) {
        do throws(FileError) {
            let decoded = try CSV.decode(text)
            require(
                decoded.rows == m.rows && decoded.cols == m.cols && sameBits(decoded.storage, m.storage),
                "CSV.decode and CSV.read disagree")
        } catch {
            fatalError("CSV.decode refuses what CSV.read reads: \(error)")
        }
    }
    do throws(FileError) {
        let again = try CSV.decode(CSV.encode(m))
        // A header with no rows under it is a 0×k matrix, which writes as an empty file (0×0).
        require(
            again.rows == m.rows && (again.cols == m.cols || m.rows == 0)
                && sameBits(again.storage, m.storage, nanIsNaN: true),
            "CSV.encode → CSV.decode changed a \(m.shapeDescription) matrix")
    } catch {
        fatalError("CSV.encode wrote a \(m.shapeDescription) matrix that CSV.decode refuses: \(error)")
    }
}

// MARK: - .tds

func fuzzDataSet(_ bytes: [UInt8]) {
    do throws(DataSetError) {
        let (x, y) = try DataSetFile.decode(bytes)
        require(x.rows >= 1 && x.cols >= 1, "DataSetFile.decode gave a \(x.shapeDescription) X")
        require(y.rows == x.rows && y.cols == 1, "DataSetFile.decode gave a \(y.shapeDescription) y")
        require(x.storage.count == x.rows * x.cols && y.storage.count == y.rows, "X or y has the wrong count")
        require(
            x.storage.allSatisfy(\.isFinite) && y.storage.allSatisfy(\.isFinite),
            "DataSetFile.decode gave an entry that is not finite")
    } catch {
        require(!error.message.isEmpty, "DataSetFile.decode refused without a reason")
    }
}

// MARK: - Support

/// Equal bit for bit (so NaNs and signed zeros count); with `nanIsNaN`, any NaN equals any NaN.
func sameBits(_ a: [Double], _ b: [Double], nanIsNaN: Bool = false) -> Bool {
    a.count == b.count
        && zip(a, b).allSatisfy { x, y in x.bitPattern == y.bitPattern || (nanIsNaN && x.isNaN && y.isNaN) }
}

/// A broken invariant: the message (release builds drop precondition messages), then a trap.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

runFuzzer { data, count in fuzzDecoders(data, count) }
