/// The matrix exponential: Padé approximants of degree 3, 5, 7, 9 or 13 with scaling and
/// squaring (N. J. Higham, "The scaling and squaring method for the matrix exponential
/// revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005: Algorithm 2.3), the method behind
/// scipy.linalg.expm and MATLAB's expm.
extension Matrix {
    /// Largest 1-norm for which the degree-m Padé approximant is accurate to double precision
    /// (Higham 2005, Table 2.3), for m = 3, 5, 7, 9, 13.
    static let padeThetas: [(degree: Int, theta: Double)] = [
        (3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1),
        (9, 2.097847961257068e0), (13, 5.371920351148152e0),
    ]

    /// Coefficients b_0 … b_m of the degree-m Padé approximant of e^x.
    static func padeCoefficients(_ m: Int) -> [Double] {
        switch m {
        case 3: return [120, 60, 12, 1]
        case 5: return [30240, 15120, 3360, 420, 30, 1]
        case 7: return [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1]
        case 9: return [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1]
        default:
            return [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800,
                    129060195264000, 10559470521600, 670442572800, 33522128640, 1323241920,
                    40840800, 960960, 16380, 182, 1]
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
    public func exponential() throws(LinearAlgebraError) -> Matrix {
        precondition(isSquare, "exponential: \(shapeDescription) is not square")
        guard isFinite else { throw .notFinite }
        let n = rows
        if n == 0 { return self }
        let norm = oneNorm
        for (m, theta) in Matrix.padeThetas.dropLast() where norm <= theta {
            return try Matrix.padeQuotient(lowDegree: m, self)
        }
        // Scale so that ‖A / 2^s‖₁ ≤ θ13, approximate, then square s times.
        let theta13 = Matrix.padeThetas.last!.theta
        var s = 0
        if norm > theta13 {
            var scaled = norm / theta13
            while scaled > 1 { scaled /= 2; s += 1 }
        }
        let scale = Double(sign: .plus, exponent: -s, significand: 1)
        var r = try Matrix.padeQuotient13(map { $0 * scale })
        for _ in 0..<s { r = r.matmul(r) }
        return r
    }

    /// r_m(A) = (V − U)⁻¹ (V + U) for m ≤ 9: U = A Σ_odd b_k A^(k−1), V = Σ_even b_k A^k.
    static func padeQuotient(lowDegree m: Int, _ a: Matrix) throws(LinearAlgebraError) -> Matrix {
        let b = padeCoefficients(m)
        let n = a.rows
        let a2 = a.matmul(a)
        var powers = [Matrix.identity(n), a2]            // A^0, A^2, A^4, …
        while powers.count <= m / 2 { powers.append(powers.last!.matmul(a2)) }
        var uInner = Matrix(rows: n, cols: n), v = Matrix(rows: n, cols: n)
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
        let a2 = a.matmul(a), a4 = a2.matmul(a2), a6 = a4.matmul(a2)
        var uHigh = Matrix(rows: n, cols: n)
        uHigh.addScaled(a6, b[13]); uHigh.addScaled(a4, b[11]); uHigh.addScaled(a2, b[9])
        var uInner = a6.matmul(uHigh)
        uInner.addScaled(a6, b[7]); uInner.addScaled(a4, b[5]); uInner.addScaled(a2, b[3]); uInner.addScaled(ident, b[1])
        var vHigh = Matrix(rows: n, cols: n)
        vHigh.addScaled(a6, b[12]); vHigh.addScaled(a4, b[10]); vHigh.addScaled(a2, b[8])
        var v = a6.matmul(vHigh)
        v.addScaled(a6, b[6]); v.addScaled(a4, b[4]); v.addScaled(a2, b[2]); v.addScaled(ident, b[0])
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
