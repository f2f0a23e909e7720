/// Option values the benchmark commands share.
enum BenchArguments {
    /// `1000,2000,4000`: a non-empty list of positive integers, or nil when anything else.
    static func positiveInts(_ s: String?) -> [Int]? {
        guard let v = s?.split(separator: ",").compactMap({ Int($0) }), !v.isEmpty, v.allSatisfy({ $0 > 0 })
        else { return nil }
        return v
    }
}
