import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The names of Tangent's temporary files and scratch folders, defined once: the writers make
/// them, and `StaleTemporaryFiles` recognises the ones a killed run left behind. Both carry the
/// id of the process that made them, so a later run can tell a dead writer's leftovers from a
/// live writer's work in progress.
///
/// - A temporary file beside the destination `name` is `.<stem>.<pid>.<tag>.tmp`: `stem` is
///   `name`, or its first 40 characters when `name` is longer than 100 bytes (to stay well below
///   NAME_MAX); `pid` is the writer's process id in decimal; `tag` is a random 64-bit number in
///   lower-case base 36. Example: `.nb.md.4242.1x2y3z.tmp`.
/// - A scratch folder in the system temp folder is `<prefix><pid>-<tag>`, with a prefix naming
///   its user (`tangent-katex-`) and any tag (a UUID). Example: `tangent-katex-4242-0F1E…`.
package enum TemporaryName {
    /// The temporary file name for writing `name` (random tag unless one is given).
    package static func file(
        for name: String, pid: Int32 = getpid(),
        tag: UInt64 = .random(in: .min ... .max)
    ) -> String {
        let stem = name.utf8.count > 100 ? String(name.prefix(40)) : name
        return ".\(stem).\(pid).\(String(tag, radix: 36)).tmp"
    }

    /// The pid in a name made by `file(for:)`; nil when the name does not have that form exactly.
    package static func pidOfFile(_ name: String) -> Int32? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let inner = name.dropFirst().dropLast(4)
        guard let tagDot = inner.lastIndex(of: ".") else { return nil }
        let tag = inner[inner.index(after: tagDot)...]
        let rest = inner[..<tagDot]
        // A stem is never empty.
        guard let pidDot = rest.lastIndex(of: "."), pidDot > rest.startIndex else { return nil }
        guard isBase36(tag) else { return nil }
        return decimalPID(rest[rest.index(after: pidDot)...])
    }

    /// A scratch folder name for `prefix` (e.g. `tangent-katex-`).
    package static func scratchFolder(prefix: String, pid: Int32 = getpid(), tag: String = UUID().uuidString) -> String
    {
        "\(prefix)\(pid)-\(tag)"
    }

    /// The pid in a name made by `scratchFolder(prefix:)`; nil when it does not have that form.
    package static func pidOfScratchFolder(_ name: String, prefix: String) -> Int32? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), rest.index(after: dash) < rest.endIndex else { return nil }
        let tag = rest[rest.index(after: dash)...]
        guard tag.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else { return nil }
        return decimalPID(rest[..<dash])
    }

    /// What `String(_:radix: 36)` makes of a UInt64: 1–13 of `0-9a-z`, no leading zero but "0".
    private static func isBase36(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 13, s == "0" || !s.hasPrefix("0") else { return false }
        guard s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a) }) else { return false }
        return UInt64(s, radix: 36) != nil
    }

    /// The largest pid Linux hands out (PID_MAX_LIMIT, 2^22). It also keeps the older scratch
    /// folder names, `tangent-katex-<UUID>`, from parsing: a UUID starts with 8 hex digits.
    static let largestPID: Int32 = 1 << 22

    /// A decimal process id without leading zeros, from 1 to `largestPID`.
    private static func decimalPID(_ s: Substring) -> Int32? {
        guard !s.isEmpty, s.utf8.count <= 7, !s.hasPrefix("0"),
            s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let pid = Int32(s), pid > 0, pid <= largestPID
        else { return nil }
        return pid
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    }
}
