import Foundation

/// Option values the benchmark commands share.
enum BenchArguments {
    /// `1000,2000,4000`: a non-empty list of positive integers, or nil when anything else.
    static func positiveInts(_ s: String?) -> [Int]? {
        guard let v = s?.split(separator: ",").compactMap({ Int($0) }), !v.isEmpty, v.allSatisfy({ $0 > 0 })
        else { return nil }
        return v
    }

    /// The interpreter at `path` when it is an executable file; nil (its columns are skipped) otherwise.
    static func executable(_ path: String?) -> String? {
        path.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }

    /// Reads a benchmark's `--name value` options in order: the caller's `Options` switches on
    /// each `next()` name and stores its value with a `read`, which leaves the target as it was
    /// and marks the arguments invalid when the value is missing or malformed; `reject()` does
    /// the same for a name the benchmark does not know. Reading stops at the first problem, and
    /// an invalid reader means the usage text.
    struct Reader {
        private var rest: ArraySlice<String>
        private(set) var isValid = true

        init(_ arguments: [String]) { rest = arguments[...] }

        /// The next option's name; nil at the end or after a problem.
        mutating func next() -> String? { isValid ? rest.popFirst() : nil }

        /// The arguments are not valid (an unknown option, or a value the caller refuses).
        mutating func reject() { isValid = false }

        /// The option's value as it is, nil (and the reader invalid) when there is none.
        mutating func value() -> String? {
            guard let v = rest.popFirst() else {
                isValid = false
                return nil
            }
            return v
        }

        mutating func read(_ target: inout String) {
            if let v = value() { target = v }
        }

        mutating func read(_ target: inout String?) {
            if let v = value() { target = v }
        }

        /// A positive integer (`--reps 3`).
        mutating func readPositive(_ target: inout Int) {
            guard let v = value() else { return }
            guard let n = Int(v), n > 0 else { return reject() }
            target = n
        }

        /// A list of positive integers (`--sizes 1000,2000`), as `positiveInts`.
        mutating func readPositives(_ target: inout [Int]) {
            guard let v = value() else { return }
            guard let list = positiveInts(v) else { return reject() }
            target = list
        }
    }
}
