import Foundation

/// `Monomial(degree)` = x^degree, degree 0 … 5 (NT `stax.Monomial`): the Gaussian moments
/// E[u^n v^n] in closed form in q12 and p = q1q2; Ṫ = n²·T_{n−1}; T_diag(q) = (2n − 1)!!·qⁿ.
struct MonomialRule: ElementwiseRule {
    let degree: Int

    func value(_ x: Double) -> Double { integerPower(x, degree) }
    func derivative(_ x: Double) -> Double? { degree == 0 ? 0 : Double(degree) * integerPower(x, degree - 1) }

    static func moment(_ q: Double, _ p: Double, degree: Int) -> Double {
        switch degree {
        case -1: return 0
        case 0: return 1
        case 1: return q
        case 2: return 2 * integerPower(q, 2) + p
        case 3: return 6 * integerPower(q, 3) + 9 * q * p
        case 4: return 3 * (8 * integerPower(q, 4) + 3 * p * (8 * integerPower(q, 2) + p))
        default: return 15 * q * (8 * integerPower(q, 4) + 5 * p * (8 * integerPower(q, 2) + 3 * p))
        }
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let p = q1 * q2
        return (Self.moment(q12, p, degree: degree), Double(degree * degree) * Self.moment(q12, p, degree: degree - 1))
    }

    func variance(_ q: Double) -> Double { doubleFactorial(2 * degree - 1) * integerPower(q, degree) }
}

/// (n)!! as NT's `_double_factorial` (1 for n ≤ 0).
func doubleFactorial(_ n: Int) -> Double {
    var r = 1.0
    var k = n
    while k > 0 {
        r *= Double(k)
        k -= 2
    }
    return r
}

/// `Polynomial(coef)` = Σ coef[i]·xⁱ (NT `stax.Polynomial`), by NT's expansion in the
/// correlation ρ = q12/√⁺(q1q2): T = Σ_l r_l(q1) r_l(q2) ρˡ, Ṫ = Σ_l l·r_l(q1) r_l(q2) ρ^{l−1}/√⁺(q1q2),
/// r_l(q) = Σ_i coef[2i+l]·(2i+l)!/(2ⁱ i! √l!)·√q^{2i+l}; T_diag(q) = Σ_l r_l(q)².
struct PolynomialRule: ElementwiseRule {
    let coef: [Double]
    /// r_l's coefficients in powers of √q, one array per l.
    let rCoefficients: [[Double]]

    init(coef: [Double]) {
        self.coef = coef
        let n = coef.count
        func factorial(_ k: Int) -> Double { (0..<k).reduce(1.0) { $0 * Double($1 + 1) } }
        var rs: [[Double]] = []
        for l in 0..<n {
            var c = [Double](repeating: 0, count: n)
            var i = 0
            while 2 * i + l < n {
                let k = 2 * i + l
                c[k] = coef[k] * factorial(k) / (Double(1 << i) * factorial(i) * factorial(l).squareRoot())
                i += 1
            }
            rs.append(c)
        }
        self.rCoefficients = rs
    }

    /// Horner from the highest coefficient, as `jnp.polyval`.
    static func horner(_ c: [Double], _ x: Double) -> Double { c.reversed().reduce(0.0) { $0 * x + $1 } }

    func value(_ x: Double) -> Double { Self.horner(coef, x) }
    func derivative(_ x: Double) -> Double? {
        guard coef.count > 1 else { return 0 }
        return Self.horner((1..<coef.count).map { Double($0) * coef[$0] }, x)
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        let root = clampedRoot(q1 * q2)
        let ratio = q12 / root
        let s1 = q1.squareRoot()
        let s2 = q2.squareRoot()
        var t = 0.0
        var slope = 0.0
        for l in 0..<coef.count {
            let r = Self.horner(rCoefficients[l], s1) * Self.horner(rCoefficients[l], s2)
            t += r * integerPower(ratio, l)
            if l >= 1 { slope += Double(l) * r * integerPower(ratio, l - 1) }
        }
        return (t, slope / root)
    }

    func variance(_ q: Double) -> Double {
        let s = q.squareRoot()
        var out = 0.0
        for l in 0..<coef.count {
            let r = Self.horner(rCoefficients[l], s)
            out += r * r
        }
        return out
    }
}

/// `Hermite(degree)` = He_n(x)/√n! (NT `stax.Hermite`): NT returns T = q12ⁿ, Ṫ = n·q12^{n−1},
/// T_diag = qⁿ, exact for unit-variance pre-activations only (as NT).
struct HermiteRule: ElementwiseRule {
    let degree: Int
    /// He_n's coefficients, lowest power first.
    let coefficients: [Double]
    let norm: Double

    init(degree: Int) {
        self.degree = degree
        var previous: [Double] = [1]
        var current: [Double] = [1]
        if degree >= 1 {
            current = [0, 1]
            for n in 1..<degree {  // He_{n+1} = x·He_n − n·He_{n−1}
                var next = [0] + current
                for (i, c) in previous.enumerated() { next[i] -= Double(n) * c }
                previous = current
                current = next
            }
        }
        self.coefficients = current
        self.norm = (1...Swift.max(degree, 1)).reduce(1.0) { $0 * Double($1) }.squareRoot()
    }

    func value(_ x: Double) -> Double { PolynomialRule.horner(coefficients, x) / norm }
    func derivative(_ x: Double) -> Double? {
        guard coefficients.count > 1 else { return 0 }
        return PolynomialRule.horner((1..<coefficients.count).map { Double($0) * coefficients[$0] }, x) / norm
    }

    func pair(_ q12: Double, _ q1: Double, _ q2: Double) -> (value: Double, slope: Double?) {
        (integerPower(q12, degree), degree == 0 ? 0 : Double(degree) * integerPower(q12, degree - 1))
    }

    func variance(_ q: Double) -> Double { integerPower(q, degree) }
}
