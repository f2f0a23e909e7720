import Foundation

@testable import NTKCore

/// Reads a neural-tangents fixture's `tangent` line (`serial(Dense(6, W_std: 1.5), Relu(), …)`,
/// `serial(Conv(3, [2, 2], padding: "SAME"), …)`) into a `Layer`: the layer calls of
/// docs/language.md#builtins with numbers, strings, booleans and number lists as arguments,
/// positional in NT's order or by keyword, NT's defaults for the rest. Test support for
/// StaxFixtureTests and ConvKernelFixtureTests.
enum LayerLine {
    struct Failure: Error { let why: String }
    enum Arg {
        case number(Double)
        case string(String)
        case bool(Bool)
        case list([Double])
        case layer(Layer)
    }

    static func parse(_ text: String) throws -> Layer {
        var s = Substring(text)
        let v = try value(&s)
        guard case .layer(let l) = v, s.allSatisfy(\.isWhitespace) else { throw Failure(why: "not a layer: \(text)") }
        return l
    }

    private static func skip(_ s: inout Substring) { while s.first?.isWhitespace == true { s.removeFirst() } }

    private static func value(_ s: inout Substring) throws -> Arg {
        skip(&s)
        if s.first == "\"" {
            s.removeFirst()
            let str = s.prefix { $0 != "\"" }
            s = s.dropFirst(str.count + 1)
            return .string(String(str))
        }
        if s.first == "[" {
            s.removeFirst()
            var xs: [Double] = []
            while true {
                skip(&s)
                if s.first == "]" {
                    s.removeFirst()
                    break
                }
                guard case .number(let x) = try value(&s) else { throw Failure(why: "list") }
                xs.append(x)
                skip(&s)
                if s.first == "," { s.removeFirst() }
            }
            return .list(xs)
        }
        let word = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" || $0 == "+" }
        s = s.dropFirst(word.count)
        if word == "true" { return .bool(true) }
        if word == "false" { return .bool(false) }
        if let x = Double(word) { return .number(x) }
        skip(&s)
        guard s.first == "(" else { throw Failure(why: "expected ( after \(word)") }
        s.removeFirst()
        var positional: [Arg] = []
        var keywords: [String: Arg] = [:]
        while true {
            skip(&s)
            if s.first == ")" {
                s.removeFirst()
                break
            }
            let save = s
            let key = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            var rest = s.dropFirst(key.count)
            skip(&rest)
            if !key.isEmpty, rest.first == ":" {
                rest.removeFirst()
                s = rest
                keywords[String(key)] = try value(&s)
            } else {
                s = save
                positional.append(try value(&s))
            }
            skip(&s)
            if s.first == "," { s.removeFirst() }
        }
        return .layer(try make(String(word), positional, keywords))
    }

    private static func make(_ name: String, _ p: [Arg], _ k: [String: Arg]) throws -> Layer {
        func num(_ i: Int, _ key: String, _ d: Double? = nil) throws -> Double {
            if case .number(let x)? = k[key] { return x }
            if i >= 0, i < p.count, case .number(let x) = p[i] { return x }
            guard let d else { throw Failure(why: "\(name) needs \(key)") }
            return d
        }
        func layers() throws -> [Layer] {
            try p.map { a in
                guard case .layer(let l) = a else { throw Failure(why: "\(name) takes layers") }
                return l
            }
        }
        func act(_ e: Elementwise) -> Layer { .activation(e) }
        func pair(_ i: Int, _ key: String, default d: [Int]? = nil) throws -> [Int] {
            if case .list(let xs)? = k[key] { return xs.map { Int($0) } }
            if i >= 0, i < p.count, case .list(let xs) = p[i] { return xs.map { Int($0) } }
            guard let d else { throw Failure(why: "\(name) needs \(key)") }
            return d
        }
        func padding(_ i: Int) throws -> Padding {
            var text: String?
            if case .string(let s)? = k["padding"] {
                text = s
            } else if i < p.count, case .string(let s) = p[i] {
                text = s
            }
            guard let s = text else { return .valid }
            guard let padding = Padding(rawValue: s) else { throw Failure(why: "padding \(s)") }
            return padding
        }
        switch name {
        case "serial": return .serial(try layers())
        case "parallel": return .parallel(try layers())
        case "repeat":
            guard case .layer(let l)? = p.first else { throw Failure(why: "repeat needs a layer") }
            return .repeated(l, Int(try num(1, "n")))
        case "FanOut": return .fanOut(Int(try num(0, "num")))
        case "FanInSum": return .fanInSum
        case "FanInProd": return .fanInProd
        case "FanInConcat": return .fanInConcat
        case "Identity": return .identity
        case "Flatten": return .flatten
        case "GlobalAvgPool": return .globalAvgPool
        case "Conv":
            // Conv(out_chan, filter_shape, strides, padding, W_std, b_std), as NT orders them.
            let filter = try pair(1, "filter_shape")
            let strides = try pair(2, "strides", default: [1, 1])
            var b: Double? = nil
            if case .number(let x)? = k["b_std"] { b = x } else if p.count > 5, case .number(let x) = p[5] { b = x }
            var par = Parameterization.ntk
            if case .string(let s)? = k["parameterization"] { par = Parameterization(rawValue: s)! }
            return .conv(
                ConvLayer(
                    affine: DenseLayer(
                        outDim: Int(try num(0, "out_chan")), wStd: try num(4, "W_std", 1), bStd: b,
                        parameterization: par),
                    filterHeight: filter[0], filterWidth: filter[1], strideHeight: strides[0],
                    strideWidth: strides[1], padding: try padding(3)))
        case "AvgPool":
            // AvgPool(window_shape, strides, padding).
            let window = try pair(0, "window_shape")
            let strides = try pair(1, "strides", default: [1, 1])
            return .avgPool(
                PoolLayer(
                    windowHeight: window[0], windowWidth: window[1], strideHeight: strides[0],
                    strideWidth: strides[1], padding: try padding(2)))
        case "LayerNorm": return .layerNorm(eps: try num(1, "eps", 1e-12))
        case "Dense":
            var b: Double? = nil
            if case .number(let x)? = k["b_std"] { b = x } else if p.count > 2, case .number(let x) = p[2] { b = x }
            var par = Parameterization.ntk
            if case .string(let s)? = k["parameterization"] { par = Parameterization(rawValue: s)! }
            return .dense(
                DenseLayer(
                    outDim: Int(try num(0, "out_dim")), wStd: try num(1, "W_std", 1), bStd: b, parameterization: par))
        case "Relu": return act(.relu)
        case "LeakyRelu": return act(.leakyRelu(alpha: try num(0, "alpha")))
        case "ABRelu": return act(.abRelu(a: try num(0, "a"), b: try num(1, "b")))
        case "Abs": return act(.abs)
        case "Sign": return act(.sign)
        case "Erf": return act(.erf(a: try num(0, "a", 1), b: try num(1, "b", 1), c: try num(2, "c", 0)))
        case "Gelu":
            if case .bool(let b)? = k["approximate"] { return act(.gelu(approximate: b)) }
            return act(.gelu(approximate: false))
        case "Sin": return act(.sin(a: try num(0, "a", 1), b: try num(1, "b", 1), c: try num(2, "c", 0)))
        case "Cos": return act(.cos(a: try num(0, "a", 1), b: try num(1, "b", 1), c: try num(2, "c", 0)))
        case "Rbf": return act(.rbf(gamma: try num(0, "gamma", 1)))
        case "Gaussian": return act(.gaussian(a: try num(0, "a", 1), b: try num(1, "b", -1)))
        case "Exp": return act(.exp(a: try num(0, "a", 1), b: try num(1, "b", 1)))
        case "Monomial": return act(.monomial(degree: Int(try num(0, "degree"))))
        case "RectifiedMonomial": return act(.rectifiedMonomial(degree: Int(try num(0, "degree"))))
        case "Hermite": return act(.hermite(degree: Int(try num(0, "degree"))))
        case "Tanh": return act(.tanh(degree: Int(try num(0, "deg", 25))))
        case "Polynomial":
            if case .list(let xs)? = k["coef"] ?? p.first { return act(.polynomial(coef: xs)) }
            throw Failure(why: "Polynomial needs coef")
        default: throw Failure(why: "unknown layer \(name)")
        }
    }
}
