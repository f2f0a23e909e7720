import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading, for readers that put each part where it belongs (a header in a
/// small buffer, a matrix's data straight into the matrix's storage) instead of reading the
/// whole file into one buffer and copying from there: a 128 MB kernel was copied three times
/// on its way into a notebook (docs/benchmarks.md).
package final class ReadableFile {
    private let fd: Int32
    /// The size when it was opened (the file may change while it is read; reads say how much
    /// they found).
    package let size: Int

    /// Opens `url` for reading; errors are those of `readFileContents(of:)`.
    package init(_ url: URL) throws(FileError) {
        let path = try fileSystemPath(of: url, action: "read")
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw posixError("cannot read file", errno) }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let code = errno
            _ = close(fd)
            throw posixError("cannot read file", code)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            _ = close(fd)
            throw posixError("cannot read file", EISDIR)
        }
        self.fd = fd
        self.size = max(0, Int(info.st_size))
    }

    deinit { _ = close(fd) }

    /// Reads the next bytes into `buffer` until it is full or the file ends; returns the number
    /// of bytes read. Reads are sequential (`read`, not `pread`), so pipes and FIFOs work too.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = systemRead(fd, base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw posixError("cannot read file", errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Everything from here to the end of the file, however long it has become.
    package func readToEnd() throws(FileError) -> Data {
        if let available = MemoryBudget.availableBytes(for: size), size > available {
            throw FileError(
                "cannot read file: it is \(ByteCount.formatted(size)), more than the "
                    + "\(ByteCount.formatted(available)) of memory available")
        }
        var data = Data()
        if size > 0 {
            // Read straight into the buffer Data will own: one copy from the page cache.
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            let n: Int
            do { n = try read(into: raw) } catch {
                raw.deallocate()
                throw error
            }
            data = Data(bytesNoCopy: raw.baseAddress!, count: n, deallocator: .custom { p, _ in p.deallocate() })
            if n < size { return data }
        }
        // The file grew since it was opened (or has no size: a pipe): read on in chunks.
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try read(into: chunk)
            if n == 0 { break }
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return data
    }
}

/// POSIX `read` (inside `ReadableFile` the name is its own method's).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
