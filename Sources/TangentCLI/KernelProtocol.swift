import Foundation
import Language
import Notebook

#if canImport(Glibc)
import Glibc
import TangentSupport
#endif

/// What `tangent` and its kernel worker (`tangent __kernel`, see `KernelProcess`) say to each
/// other over pipes: one request in, then a stream of messages out as the blocks run. Every
/// frame is a tag byte, a little-endian 64-bit length and a `BinaryWriter` payload, so the
/// block results travel in the encoding the cache already uses for outputs and diagnostics.
enum KernelProtocol {
    /// The hidden verb that makes the executable a worker.
    static let verb = "__kernel"
    /// Set to 1 to run notebooks inside the `tangent` process itself (for debugging).
    static let inProcessVariable = "TANGENT_IN_PROCESS"

    /// The notebook to run and the options it runs with.
    struct Request: Equatable {
        var notebookPath: String
        /// The path the notebook is reported under (as the user named it).
        var displayPath: String
        var text: String
        var timeout: Double?
        var useCache: Bool
        var allowOutside: Bool
        /// OpenBLAS threads for the worker (its share of the cores under `-j N`).
        var blasThreads: Int

        func encoded() -> [UInt8] {
            var w = BinaryWriter()
            w.string(notebookPath)
            w.string(displayPath)
            w.string(text)
            w.optionalDouble(timeout)
            w.bool(useCache)
            w.bool(allowOutside)
            w.int(blasThreads)
            return w.bytes
        }

        static func decode(_ bytes: [UInt8]) -> Request? {
            var r = BinaryReader(bytes)
            guard let path = r.string(), let display = r.string(), let text = r.string(),
                let timeout = r.optionalDouble(), let useCache = r.bool(), let allowOutside = r.bool(),
                let threads = r.int(), r.atEnd
            else { return nil }
            return Request(
                notebookPath: path, displayPath: display, text: text, timeout: timeout,
                useCache: useCache, allowOutside: allowOutside, blasThreads: threads)
        }
    }

    /// A block's result without its cell (the parent has the notebook and puts it back).
    struct FinishedBlock: Equatable {
        var status: BlockStatus
        var seconds: Double
        var seed: UInt64
        var outputs: [DisplayItem]
        var error: Diagnostic?
        var note: String?
        var explanation: String?

        init(_ r: BlockResult) {
            (status, seconds, seed, outputs, error, note) = (r.status, r.seconds, r.seed, r.outputs, r.error, r.note)
            explanation = r.explanation
        }
        init(
            status: BlockStatus, seconds: Double, seed: UInt64, outputs: [DisplayItem], error: Diagnostic?,
            note: String?
        ) {
            (self.status, self.seconds, self.seed, self.outputs, self.error, self.note) = (
                status, seconds, seed, outputs, error, note
            )
        }

        func result(for cell: CodeCell) -> BlockResult {
            var r = BlockResult(
                cell: cell, status: status, seconds: seconds, seed: seed, outputs: outputs, error: error, note: note)
            r.explanation = explanation
            return r
        }
    }

    /// What the worker reports, in order.
    enum Message: Equatable {
        /// Block `index` starts evaluating with this seed and timeout (seconds).
        case blockStarted(index: Int, seed: UInt64, timeout: Double)
        /// Block `index` started the statement at `range`.
        case statement(index: Int, range: SourceRange)
        case blockFinished(index: Int, FinishedBlock)
        /// Block `index` has shown these outputs from position `from` on (the ones before
        /// were reported already): what a killed block keeps.
        case outputs(index: Int, from: Int, [DisplayItem])
        /// Block `index` says how far it has come (`step 3400/10000 loss 0.0123`).
        case progress(index: Int, detail: String)
        /// Every block has finished; the worker's peak resident memory (0 when unknown).
        case done(peakMemoryBytes: Int)
        /// The worker could not run the notebook at all.
        case failure(String)

        func frame() -> [UInt8] {
            var w = BinaryWriter()
            let tag: UInt8
            switch self {
            case .blockStarted(let index, let seed, let timeout):
                tag = 1
                w.int(index)
                w.u64(seed)
                w.double(timeout)
            case .statement(let index, let range):
                tag = 2
                w.int(index)
                w.range(range)
            case .blockFinished(let index, let b):
                tag = 3
                w.int(index)
                w.string(b.status.rawValue)
                w.double(b.seconds)
                w.u64(b.seed)
                w.int(b.outputs.count)
                for o in b.outputs { o.encode(into: &w) }
                w.bool(b.error != nil)
                if let e = b.error { e.encode(into: &w) }
                w.optionalString(b.note)
                w.optionalString(b.explanation)
            case .outputs(let index, let from, let items):
                tag = 6
                w.int(index)
                w.int(from)
                w.int(items.count)
                for o in items { o.encode(into: &w) }
            case .progress(let index, let detail):
                tag = 7
                w.int(index)
                w.string(detail)
            case .done(let peak):
                tag = 4
                w.int(peak)
            case .failure(let message):
                tag = 5
                w.string(message)
            }
            var header = BinaryWriter()
            header.u8(tag)
            header.int(w.bytes.count)
            return header.bytes + w.bytes
        }

        static func decode(tag: UInt8, payload: [UInt8]) -> Message? {
            var r = BinaryReader(payload)
            let message: Message
            switch tag {
            case 1:
                guard let i = r.int(), let seed = r.u64(), let t = r.double() else { return nil }
                message = .blockStarted(index: i, seed: seed, timeout: t)
            case 2:
                guard let i = r.int(), let range = r.range() else { return nil }
                message = .statement(index: i, range: range)
            case 3:
                guard let i = r.int(), let status = r.string().flatMap(BlockStatus.init(rawValue:)),
                    let seconds = r.double(), let seed = r.u64(), let n = r.count()
                else { return nil }
                var outputs: [DisplayItem] = []
                for _ in 0..<n {
                    guard let o = DisplayItem.decode(from: &r) else { return nil }
                    outputs.append(o)
                }
                guard let hasError = r.bool() else { return nil }
                var error: Diagnostic?
                if hasError {
                    guard let e = Diagnostic.decode(from: &r) else { return nil }
                    error = e
                }
                guard let note = r.optionalString(), let explanation = r.optionalString() else { return nil }
                var block = FinishedBlock(
                    status: status, seconds: seconds, seed: seed, outputs: outputs, error: error, note: note)
                block.explanation = explanation
                message = .blockFinished(index: i, block)
            case 6:
                guard let i = r.int(), let from = r.int(), from >= 0, let n = r.count() else { return nil }
                var items: [DisplayItem] = []
                for _ in 0..<n {
                    guard let o = DisplayItem.decode(from: &r) else { return nil }
                    items.append(o)
                }
                message = .outputs(index: i, from: from, items)
            case 7:
                guard let i = r.int(), let detail = r.string() else { return nil }
                message = .progress(index: i, detail: detail)
            case 4:
                guard let peak = r.int() else { return nil }
                message = .done(peakMemoryBytes: peak)
            case 5:
                guard let m = r.string() else { return nil }
                message = .failure(m)
            default: return nil
            }
            return r.atEnd ? message : nil
        }
    }

    /// Writes one length-prefixed payload (the request) or frame; false when the pipe is gone.
    @discardableResult
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// Reads exactly `count` bytes; nil at end of file or on an error.
    static func readExactly(_ count: Int, from fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, count - offset) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
        return buffer
    }

    /// Reads the next message; nil at end of file, on an error or on a damaged frame.
    static func readMessage(from fd: Int32) -> Message? {
        guard let header = readExactly(9, from: fd) else { return nil }
        var r = BinaryReader(header)
        guard let tag = r.u8(), let length = r.int(), length >= 0, length < 1 << 40,
            let payload = readExactly(length, from: fd)
        else { return nil }
        return Message.decode(tag: tag, payload: payload)
    }

    /// The request framed as a length and the payload.
    static func requestFrame(_ request: Request) -> [UInt8] {
        let payload = request.encoded()
        var w = BinaryWriter()
        w.int(payload.count)
        return w.bytes + payload
    }

    /// After the request, the parent sends the worker its OpenBLAS thread share whenever it
    /// changes (`-j N` raises it as notebooks finish), as one 8-byte count.
    static func threadsFrame(_ threads: Int) -> [UInt8] {
        var w = BinaryWriter()
        w.int(threads)
        return w.bytes
    }

    /// The next thread count from the parent; nil when the parent is gone.
    static func readThreads(from fd: Int32) -> Int? {
        guard let bytes = readExactly(8, from: fd) else { return nil }
        var r = BinaryReader(bytes)
        return r.int()
    }

    static func readRequest(from fd: Int32) -> Request? {
        guard let header = readExactly(8, from: fd) else { return nil }
        var r = BinaryReader(header)
        guard let length = r.int(), length >= 0, length < 1 << 40, let payload = readExactly(length, from: fd) else {
            return nil
        }
        return Request.decode(payload)
    }
}
