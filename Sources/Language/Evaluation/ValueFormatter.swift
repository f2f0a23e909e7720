import Foundation
import NTKCore

/// How values are written as text: numbers, aligned tables for small matrices, a summary for
/// large ones. The terminal, `print` and the Markdown write-back all use this.
package enum ValueFormatter {
    /// Matrices up to this many rows and columns print in full.
    package static let maxTableRows = 12
    package static let maxTableCols = 8

    /// A number as a person reads it: shortest round-trip digits, integers without `.0`
    /// (LANGUAGE.md §8). Whole numbers print all their digits below 1e16, where Swift's
    /// description (like Python's repr) would still write `1000000000000000.0`; from 1e16 on
    /// both switch to `1e+16`.
    package static func number(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == v.rounded(), abs(v) < 1e16 {
            return v == 0 ? (v.sign == .minus ? "-0" : "0") : String(Int64(v))
        }
        return "\(v)"
    }

    /// A number in a table cell: 6 significant digits (numpy-like).
    package static func cell(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == v.rounded(), abs(v) < 1e6 { return number(v) }
        let a = abs(v)
        if a >= 1e-4 && a < 1e6 {
            var s = String(format: "%.6g", v)
            if s.contains("e") { s = String(format: "%.4e", v) }
            return s
        }
        return String(format: "%.4e", v)
    }

    package static func isLarge(_ m: Matrix) -> Bool { isLarge(rows: m.rows, cols: m.cols) }
    package static func isLarge(rows: Int, cols: Int) -> Bool { rows > maxTableRows || cols > maxTableCols }

    /// Text for `print` and the terminal.
    package static func text(_ value: Value) -> String {
        switch value {
        case .number(let v): return number(v)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .none: return "none"
        case .list(let items): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .matrix(let m): return isLarge(m) ? summary(m) : table(m)
        case .network(let net): return describe(net)
        case .layer(let layer): return describe(layer)
        case .params(let p): return describe(p)
        case .function(let f): return "<function \(f.signature)>"
        case .table(let t): return t.text
        case .images(let i): return summary(i)
        case .record(let r):
            return r.fields.map { f in
                let body = text(f.value)
                return body.contains("\n") ? "\(f.name):\n" + indent(body) : "\(f.name): \(body)"
            }.joined(separator: "\n")
        }
    }

    /// A one-line form (inside lists).
    package static func inline(_ value: Value) -> String {
        switch value {
        case .string(let s): return "\"\(s)\""
        case .matrix(let m): return "<\(m.shapeDescription) matrix>"
        case .images(let i): return "<images \(i.shapeDescription)>"
        case .record(let r): return "<record: " + r.fieldNames.joined(separator: ", ") + ">"
        default:
            let t = text(value)
            return t.contains("\n") ? "<\(value.kindName)>" : t
        }
    }

    /// An aligned table, right-justified like numpy.
    package static func table(_ m: Matrix) -> String {
        if m.isEmpty { return "(empty \(m.shapeDescription) matrix)" }
        let cells = (0..<m.rows).map { i in (0..<m.cols).map { j in cell(m[i, j]) } }
        var widths = [Int](repeating: 0, count: m.cols)
        for row in cells { for (j, c) in row.enumerated() { widths[j] = max(widths[j], c.count) } }
        return cells.map { row in
            row.enumerated().map { j, c in String(repeating: " ", count: widths[j] - c.count) + c }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Shape, min, max, mean and the top-left corner of a large matrix.
    package static func summary(_ m: Matrix) -> String {
        let s = MatrixSummary(m)
        return summary(shape: m.shapeDescription, min: s.min, max: s.max, mean: s.mean, corner: corner(m))
    }

    /// The same summary from its parts (as a stored output keeps them).
    package static func summary(shape: String, min: Double, max: Double, mean: Double, corner: Matrix) -> String {
        "\(shape) matrix  min \(cell(min))  max \(cell(max))  mean \(cell(mean))\ntop-left corner:\n" + table(corner)
    }

    /// `images: 10 × 8×8×1, min 0, max 1, mean 0.5` (`show` also draws the first samples).
    package static func summary(_ images: Images) -> String {
        let s = MatrixSummary(images.pixels)
        return summary(images: images.shapeDescription, min: s.min, max: s.max, mean: s.mean)
    }

    /// The summary line of images from its parts (as a stored output keeps them).
    package static func summary(images shape: String, min: Double, max: Double, mean: Double) -> String {
        "images: \(shape), min \(cell(min)), max \(cell(max)), mean \(cell(mean))"
    }

    /// The top-left corner a large matrix is summarised by: up to 4×4.
    package static func corner(_ m: Matrix) -> Matrix {
        m.submatrix(rows: 0..<Swift.min(m.rows, 4), cols: 0..<Swift.min(m.cols, 4))
    }

    package static func describe(_ net: MLP) -> String {
        var parts = ["depth \(net.depth)"]
        if !net.widths.isEmpty {
            let w =
                Set(net.widths).count == 1
                ? "\(net.widths[0])" : "[" + net.widths.map(String.init).joined(separator: ", ") + "]"
            parts.append("width \(w)")
        }
        parts.append(net.activation.rawValue)
        parts.append("W_std \(number(net.wStd))")
        parts.append("b_std " + (net.bStd.map(number) ?? "none"))
        if net.wStdOut != net.wStd { parts.append("W_std_out \(number(net.wStdOut))") }
        if net.bStdOut != net.bStd { parts.append("b_std_out " + (net.bStdOut.map(number) ?? "none")) }
        parts.append(net.parameterization.rawValue)
        if net.outDim != 1 { parts.append("out_dim \(net.outDim)") }
        return "mlp(" + parts.joined(separator: ", ") + ")"
    }

    /// A stax network as it would be written: `serial(Dense(512, W_std: 1.5), Relu(), …)`.
    package static func describe(_ layer: Layer) -> String {
        func args(_ items: [(String?, String)]) -> String {
            items.map { item in (item.0.map { "\($0): " } ?? "") + item.1 }.joined(separator: ", ")
        }
        switch layer {
        case .serial(let ls): return "serial(" + ls.map(describe).joined(separator: ", ") + ")"
        case .parallel(let ls): return "parallel(" + ls.map(describe).joined(separator: ", ") + ")"
        case .fanOut(let n): return "FanOut(\(n))"
        case .fanInSum: return "FanInSum()"
        case .fanInProd: return "FanInProd()"
        case .fanInConcat: return "FanInConcat()"
        case .identity: return "Identity()"
        case .layerNorm(let eps): return eps == 1e-12 ? "LayerNorm()" : "LayerNorm(eps: \(number(eps)))"
        case .globalAvgPool: return "GlobalAvgPool()"
        case .flatten: return "Flatten()"
        case .conv(let c):
            let d = c.affine
            var items: [(String?, String)] = [
                (nil, "\(d.outDim)"), (nil, "[\(c.filterHeight), \(c.filterWidth)]")
            ]
            if c.strideHeight != 1 || c.strideWidth != 1 {
                items.append(("strides", "[\(c.strideHeight), \(c.strideWidth)]"))
            }
            if c.padding != .valid { items.append(("padding", "\"\(c.padding.rawValue)\"")) }
            if d.wStd != 1 { items.append(("W_std", number(d.wStd))) }
            if let b = d.bStd { items.append(("b_std", number(b))) }
            if d.parameterization != .ntk { items.append(("parameterization", "\"\(d.parameterization.rawValue)\"")) }
            return "Conv(" + args(items) + ")"
        case .avgPool(let pool):
            var items: [(String?, String)] = [(nil, "[\(pool.windowHeight), \(pool.windowWidth)]")]
            if pool.strideHeight != 1 || pool.strideWidth != 1 {
                items.append(("strides", "[\(pool.strideHeight), \(pool.strideWidth)]"))
            }
            if pool.padding != .valid { items.append(("padding", "\"\(pool.padding.rawValue)\"")) }
            return "AvgPool(" + args(items) + ")"
        case .dense(let d):
            var items: [(String?, String)] = [(nil, "\(d.outDim)")]
            if d.wStd != 1 { items.append(("W_std", number(d.wStd))) }
            if let b = d.bStd { items.append(("b_std", number(b))) }
            if d.parameterization != .ntk { items.append(("parameterization", "\"\(d.parameterization.rawValue)\"")) }
            return "Dense(" + args(items) + ")"
        case .activation(let act):
            let inside: String
            switch act {
            case .relu, .abs, .sign: inside = ""
            case .leakyRelu(let alpha): inside = number(alpha)
            case .abRelu(let a, let b): inside = "\(number(a)), \(number(b))"
            case .erf(let a, let b, let c), .sin(let a, let b, let c), .cos(let a, let b, let c):
                inside = "a: \(number(a)), b: \(number(b)), c: \(number(c))"
            case .gelu(let approximate): inside = approximate ? "approximate: true" : ""
            case .rbf(let gamma): inside = "gamma: \(number(gamma))"
            case .gaussian(let a, let b), .exp(let a, let b): inside = "a: \(number(a)), b: \(number(b))"
            case .monomial(let n), .rectifiedMonomial(let n), .hermite(let n): inside = "\(n)"
            case .polynomial(let coef): inside = "[" + coef.map(number).joined(separator: ", ") + "]"
            case .tanh(let deg): inside = deg == 25 ? "" : "deg: \(deg)"
            case .numerical(let f): inside = "\(f.identity), deg: \(f.degree)"
            }
            return "\(act.name)(\(inside))"
        }
    }

    package static func describe(_ p: NetworkParams) -> String {
        let count = p.weights.reduce(0) { $0 + $1.count } + p.biases.reduce(0) { $0 + ($1?.count ?? 0) }
        return "params: \(p.weights.count) layers, \(count) parameters ("
            + p.weights.map(\.shapeDescription).joined(separator: ", ") + ")"
    }

    private static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

/// Min, max and mean of a matrix (NaN-aware: NaNs are counted, not compared).
package struct MatrixSummary: Sendable {
    package var min: Double
    package var max: Double
    package var mean: Double
    package var nanCount: Int

    package init(_ m: Matrix) {
        var lo = Double.infinity
        var hi = -Double.infinity
        var sum = 0.0
        var nans = 0
        for v in m.storage {
            if v.isNaN {
                nans += 1
                continue
            }
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            sum += v
        }
        let n = m.count - nans
        min = n > 0 ? lo : .nan
        max = n > 0 ? hi : .nan
        mean = n > 0 ? sum / Double(n) : .nan
        nanCount = nans
    }
}
