import NTKCore
import TangentSupport

/// The binary form of a stax network inside a value (`ValueCodec` tag 12): a tag per layer,
/// then its arguments. An `ElementwiseNumerical` layer holds user functions bound to the run
/// that made it; it is written (so fingerprints differ) but never read back.
extension Layer {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .serial(let ls):
            w.u8(0)
            w.int(ls.count)
            for layer in ls {
                layer.encode(into: &w)
            }
        case .parallel(let ls):
            w.u8(1)
            w.int(ls.count)
            for layer in ls {
                layer.encode(into: &w)
            }
        case .fanOut(let n):
            w.u8(2)
            w.int(n)
        case .fanInSum: w.u8(3)
        case .fanInProd: w.u8(4)
        case .fanInConcat: w.u8(5)
        case .dense(let d):
            w.u8(6)
            w.int(d.outDim)
            w.double(d.wStd)
            w.optionalDouble(d.bStd)
            w.string(d.parameterization.rawValue)
        case .identity: w.u8(7)
        case .layerNorm(let eps):
            w.u8(8)
            w.double(eps)
        case .activation(let act):
            w.u8(9)
            switch act {
            case .relu: w.u8(0)
            case .leakyRelu(let alpha):
                w.u8(1)
                w.double(alpha)
            case .abRelu(let a, let b):
                w.u8(2)
                w.double(a)
                w.double(b)
            case .abs: w.u8(3)
            case .sign: w.u8(4)
            case .erf(let a, let b, let c):
                w.u8(5)
                w.double(a)
                w.double(b)
                w.double(c)
            case .gelu(let approximate):
                w.u8(6)
                w.bool(approximate)
            case .sin(let a, let b, let c):
                w.u8(7)
                w.double(a)
                w.double(b)
                w.double(c)
            case .cos(let a, let b, let c):
                w.u8(8)
                w.double(a)
                w.double(b)
                w.double(c)
            case .rbf(let gamma):
                w.u8(9)
                w.double(gamma)
            case .gaussian(let a, let b):
                w.u8(10)
                w.double(a)
                w.double(b)
            case .exp(let a, let b):
                w.u8(11)
                w.double(a)
                w.double(b)
            case .monomial(let n):
                w.u8(12)
                w.int(n)
            case .rectifiedMonomial(let n):
                w.u8(13)
                w.int(n)
            case .polynomial(let coef):
                w.u8(14)
                w.doubles(coef)
            case .hermite(let n):
                w.u8(15)
                w.int(n)
            case .tanh(let deg):
                w.u8(16)
                w.int(deg)
            case .numerical(let f):
                w.u8(17)
                w.string(f.identity)
                w.int(f.degree)
            }
        case .conv(let c):
            w.u8(10)
            w.int(c.affine.outDim)
            w.double(c.affine.wStd)
            w.optionalDouble(c.affine.bStd)
            w.string(c.affine.parameterization.rawValue)
            for n in [c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth] { w.int(n) }
            w.string(c.padding.rawValue)
        case .avgPool(let pool):
            w.u8(11)
            for n in [pool.windowHeight, pool.windowWidth, pool.strideHeight, pool.strideWidth] { w.int(n) }
            w.string(pool.padding.rawValue)
        case .globalAvgPool: w.u8(12)
        case .flatten: w.u8(13)
        }
    }

    /// The Dense-like part of a Dense or Conv layer.
    private static func decodeAffine(from r: inout BinaryReader) -> DenseLayer? {
        guard let n = r.int(), let wStd = r.double(), let bStd = r.optionalDouble(),
            let par = r.string().flatMap(Parameterization.init(rawValue:))
        else { return nil }
        return DenseLayer(outDim: n, wStd: wStd, bStd: bStd, parameterization: par)
    }

    /// Four sizes (window or filter, then strides) and a padding.
    private static func decodeWindow(from r: inout BinaryReader) -> ([Int], Padding)? {
        guard let a = r.int(), let b = r.int(), let c = r.int(), let d = r.int(),
            let padding = r.string().flatMap(Padding.init(rawValue:))
        else { return nil }
        return ([a, b, c, d], padding)
    }

    static func decode(from r: inout BinaryReader, depth: Int) -> Layer? {
        guard depth < 64, let tag = r.u8() else { return nil }
        func list() -> [Layer]? {
            guard let n = r.count() else { return nil }
            var out: [Layer] = []
            for _ in 0..<n {
                guard let l = decode(from: &r, depth: depth + 1) else { return nil }
                out.append(l)
            }
            return out
        }
        switch tag {
        case 0: return list().map(Layer.serial)
        case 1: return list().map(Layer.parallel)
        case 2: return r.int().map(Layer.fanOut)
        case 3: return .fanInSum
        case 4: return .fanInProd
        case 5: return .fanInConcat
        case 6: return decodeAffine(from: &r).map(Layer.dense)
        case 7: return .identity
        case 8: return r.double().map { Layer.layerNorm(eps: $0) }
        case 9: return decodeActivation(from: &r).map(Layer.activation)
        case 10:
            guard let affine = decodeAffine(from: &r), let (n, padding) = decodeWindow(from: &r) else { return nil }
            return .conv(
                ConvLayer(
                    affine: affine, filterHeight: n[0], filterWidth: n[1], strideHeight: n[2], strideWidth: n[3],
                    padding: padding))
        case 11:
            guard let (n, padding) = decodeWindow(from: &r) else { return nil }
            return .avgPool(
                PoolLayer(
                    windowHeight: n[0], windowWidth: n[1], strideHeight: n[2], strideWidth: n[3], padding: padding))
        case 12: return .globalAvgPool
        case 13: return .flatten
        default: return nil
        }
    }

    private static func decodeActivation(from r: inout BinaryReader) -> Elementwise? {
        guard let tag = r.u8() else { return nil }
        func abc() -> (Double, Double, Double)? {
            guard let a = r.double(), let b = r.double(), let c = r.double() else { return nil }
            return (a, b, c)
        }
        func ab() -> (Double, Double)? {
            guard let a = r.double(), let b = r.double() else { return nil }
            return (a, b)
        }
        switch tag {
        case 0: return .relu
        case 1: return r.double().map { .leakyRelu(alpha: $0) }
        case 2: return ab().map { .abRelu(a: $0.0, b: $0.1) }
        case 3: return .abs
        case 4: return .sign
        case 5: return abc().map { .erf(a: $0.0, b: $0.1, c: $0.2) }
        case 6: return r.bool().map { .gelu(approximate: $0) }
        case 7: return abc().map { .sin(a: $0.0, b: $0.1, c: $0.2) }
        case 8: return abc().map { .cos(a: $0.0, b: $0.1, c: $0.2) }
        case 9: return r.double().map { .rbf(gamma: $0) }
        case 10: return ab().map { .gaussian(a: $0.0, b: $0.1) }
        case 11: return ab().map { .exp(a: $0.0, b: $0.1) }
        case 12: return r.int().map { .monomial(degree: $0) }
        case 13: return r.int().map { .rectifiedMonomial(degree: $0) }
        case 14: return r.doubles().map { .polynomial(coef: $0) }
        case 15: return r.int().map { .hermite(degree: $0) }
        case 16: return r.int().map { .tanh(degree: $0) }
        default: return nil  // 17: ElementwiseNumerical is not read back
        }
    }
}
