import Foundation

/// The matrix exponential: Padé approximants of degree 3, 5, 7, 9 or 13 with scaling and
/// squaring (N. J. Higham, "The scaling and squaring method for the matrix exponential
/// revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005: Algorithm 2.3), as MATLAB's expm.
/// scipy.linalg.expm picks the degree and scaling with Al-Mohy and Higham's 2009 refinement, so
/// the two agree to rounding (1e-13 relative or better in the tests), not bit for bit.
extension Matrix {
    /// Largest 1-norm for which the degree-m Padé approximant is accurate to double precision
    /// (Higham 2005, Table 2.3), for m = 3, 5, 7, 9, 13.
    static let padeThetas: [(degree: Int, theta: Double)] = [
        (3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1),
        (9, 2.097847961257068e0), (13, 5.371920351148152e0)
    ]

    /// Coefficients b_0 … b_m of the degree-m Padé approximant of e^x.
    static func padeCoefficients(_ m: Int) -> [Double] {
        switch m {
        case 3: return [120, 60, 12, 1]
        case 5: return [30240, 15120, 3360, 420, 30, 1]
        case 7: return [17_297_280, 8_648_640, 1_995_840, 277200, 25200, 1512, 56, 1]
        case 9:
            return [
                17_643_225_600, 8_821_612_800, 2_075_673_600, 302_702_400, 30_270_240, 2_162_160, 110880, 3960, 90, 1
            ]
        default:
            return [
                64_764_752_532_480_000, 32_382_376_266_240_000, 7_771_770_303_897_600, 1_187_353_796_428_800,
                129_060_195_264_000, 10_559_470_521_600, 670_442_572_800, 33_522_128_640, 1_323_241_920,
                40_840_800, 960960, 16380, 182, 1
            ]
        }
    }

    /// The largest column sum of absolute values (the matrix 1-norm).
    public var oneNorm: Double {
        var sums = [Double](repeating: 0, count: cols)
        for i in 0..<rows { for j in 0..<cols { sums[j] += Swift.abs(self[i, j]) } }
        return sums.max() ?? 0
    }

    /// e^self for a square matrix with finite entries. The result may overflow to infinity
    /// when the entries of e^self exceed the double range; callers check `isFinite`.
    /// Like scipy.linalg.expm: a diagonal matrix (1×1 included) gives exp of its diagonal, and a
    /// triangular one keeps its diagonal and first off-diagonal exact while squaring (Al-Mohy
    /// and Higham 2009, Code Fragment 2.1), so e.g. [[0, 1e300], [0, 0]] gives I + A.
    /// `isCancelled` is asked before each squaring (a huge norm means up to ~1000 products);
    /// nil when it said yes.
    public func exponential(isCancelled: () -> Bool = { false }) throws(LinearAlgebraError) -> Matrix? {
        precondition(isSquare, "exponential: \(shapeDescription) is not square")
        guard isFinite else { throw .notFinite }
        let n = rows
        if n == 0 { return self }
        var upper = true
        var lower = true
        for i in 0..<n {
            for j in 0..<n where i != j && self[i, j] != 0 {
                if i > j { upper = false } else { lower = false }
            }
        }
        if upper && lower {
            var d = Matrix(rows: n, cols: n)
            for i in 0..<n { d[i, i] = Foundation.exp(self[i, i]) }
            return d
        }
        var r = try scaledAndSquared(upper: upper, lower: lower, isCancelled: isCancelled)
        guard upper || lower else { return r }
        // e^A of a triangular A is triangular: clear the rounding in the other triangle, as scipy.
        for i in 0..<n { for j in 0..<n where upper ? i > j : i < j { r?[i, j] = 0 } }
        return r
    }

    /// Padé approximant of A / 2^s squared s times (Higham 2005, Algorithm 2.3).
    func scaledAndSquared(upper: Bool, lower: Bool, isCancelled: () -> Bool) throws(LinearAlgebraError) -> Matrix? {
        let norm = oneNorm
        for (m, theta) in Matrix.padeThetas.dropLast() where norm <= theta {
            return try Matrix.padeQuotient(lowDegree: m, self)
        }
        // Scale so that ‖A / 2^s‖₁ ≤ θ13, approximate, then square s times.
        let theta13 = Matrix.padeThetas.last!.theta
        var s = 0
        if norm > theta13 {
            var scaled = norm / theta13
            while scaled > 1 {
                scaled /= 2
                s += 1
            }
        }
        let scale = Double(sign: .plus, exponent: -s, significand: 1)
        var r = try Matrix.padeQuotient13(map { $0 * scale })
        let triangular = upper || lower
        if triangular && s > 0 { fixTriangle(&r, power: s, lower: lower, offDiagonal: false) }
        for i in stride(from: s - 1, through: 0, by: -1) {
            if isCancelled() { return nil }
            r = r.matmul(r)
            if triangular {
                fixTriangle(&r, power: i, lower: lower, offDiagonal: true)
            }
            // An overflowed entry never becomes finite again: stop squaring.
            else if !r.isFinite {
                break
            }
        }
        return r
    }

    /// Code Fragment 2.1: sets the diagonal of `r` (≈ e^(A/2^i), A triangular) to exp(a_kk/2^i)
    /// and, when asked, its first super- (or sub-) diagonal to the exact divided-difference
    /// formula, as scipy does.
    func fixTriangle(_ r: inout Matrix, power i: Int, lower: Bool, offDiagonal: Bool) {
        let n = rows
        let scale = Double(sign: .plus, exponent: -i, significand: 1)
        let x = (0..<n).map { self[$0, $0] * scale }
        for k in 0..<n { r[k, k] = Foundation.exp(x[k]) }
        guard offDiagonal, n > 1 else { return }
        for k in 0..<(n - 1) {
            let difference = x[k + 1] - x[k]
            let sinch =
                difference == 0
                ? Foundation.exp(x[k])
                : (Foundation.exp(x[k + 1]) - Foundation.exp(x[k])) / difference
            if lower {
                r[k + 1, k] = sinch * (self[k + 1, k] * scale)
            } else {
                r[k, k + 1] = sinch * (self[k, k + 1] * scale)
            }
        }
    }

    /// r_m(A) = (V − U)⁻¹ (V + U) for m ≤ 9: U = A Σ_odd b_k A^(k−1), V = Σ_even b_k A^k.
    static func padeQuotient(lowDegree m: Int, _ a: Matrix) throws(LinearAlgebraError) -> Matrix {
        let b = padeCoefficients(m)
        let n = a.rows
        let a2 = a.matmul(a)
        var powers = [Matrix.identity(n), a2]  // A^0, A^2, A^4, …
        while powers.count <= m / 2 { powers.append(powers.last!.matmul(a2)) }
        var uInner = Matrix(rows: n, cols: n)
        var v = Matrix(rows: n, cols: n)
        for k in 0...(m / 2) {
            uInner.addScaled(powers[k], b[2 * k + 1])
            v.addScaled(powers[k], b[2 * k])
        }
        return try quotient(u: a.matmul(uInner), v: v)
    }

    /// r_13(A), evaluated with six products as in Higham 2005 (2.7)–(2.8).
    static func padeQuotient13(_ a: Matrix) throws(LinearAlgebraError) -> Matrix {
        let b = padeCoefficients(13)
        let n = a.rows
        let ident = Matrix.identity(n)
        let a2 = a.matmul(a)
        let a4 = a2.matmul(a2)
        let a6 = a4.matmul(a2)
        var uHigh = Matrix(rows: n, cols: n)
        uHigh.addScaled(a6, b[13])
        uHigh.addScaled(a4, b[11])
        uHigh.addScaled(a2, b[9])
        var uInner = a6.matmul(uHigh)
        uInner.addScaled(a6, b[7])
        uInner.addScaled(a4, b[5])
        uInner.addScaled(a2, b[3])
        uInner.addScaled(ident, b[1])
        var vHigh = Matrix(rows: n, cols: n)
        vHigh.addScaled(a6, b[12])
        vHigh.addScaled(a4, b[10])
        vHigh.addScaled(a2, b[8])
        var v = a6.matmul(vHigh)
        v.addScaled(a6, b[6])
        v.addScaled(a4, b[4])
        v.addScaled(a2, b[2])
        v.addScaled(ident, b[0])
        return try quotient(u: a.matmul(uInner), v: v)
    }

    /// (V − U)⁻¹ (V + U) through LU.
    static func quotient(u: Matrix, v: Matrix) throws(LinearAlgebraError) -> Matrix {
        let p = Matrix(rows: u.rows, cols: u.cols, storage: zip(v.storage, u.storage).map { $0 + $1 })
        let q = Matrix(rows: u.rows, cols: u.cols, storage: zip(v.storage, u.storage).map { $0 - $1 })
        return try q.solve(p)
    }

    /// self += scale · other (equal shapes).
    mutating func addScaled(_ other: Matrix, _ scale: Double) {
        for k in storage.indices { storage[k] += scale * other.storage[k] }
    }
}
