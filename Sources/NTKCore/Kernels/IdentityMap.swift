/// `stax.Identity()`: T = q12, Ṫ = 1.
struct IdentityMap: ActivationMap {
    var featureCount: Int { 0 }

    func writeFeatures(variance q: Double, to out: UnsafeMutablePointer<Double>, stride: Int) {}

    func variance(_ q: Double) -> Double { q }

    @inline(__always)
    func map<R: LaneSource, C: LaneSource>(_ q12: Vec, row: R, col: C, derivative: Bool)
        -> (value: Vec, derivative: Vec)
    {
        (q12, Vec(repeating: 1))
    }
}
