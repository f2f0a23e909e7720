import Foundation

/// Every builtin function of the language, by name (docs/language.md#builtins).
enum Builtins {
    static let all: [Builtin] =
        arrays + lists + elementwise + reductions + linearAlgebra + files + networks + layers + kernelRegression
        + output
        + arrayTools + ordering + statistics + masks + decompositions + tables + classification + images + datasets

    static let table: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    static let names: [String] = all.map(\.name) + constants.keys.sorted()

    /// Named constants, visible unless a binding of the same name shadows them.
    static let constants: [String: Double] = ["pi": Double.pi, "e": M_E]
}

/// Public facts about builtins, for documentation and tooling.
package enum BuiltinCatalog {
    /// Every builtin function and constant name.
    package static let names: Set<String> = Set(Builtins.names)

    /// The builtins the language's contract (LANGUAGE.md §4 and §8–§11) requires (the rest are
    /// extensions; docs/language.md#builtins).
    package static let contract: Set<String> = [
        "linspace", "randn", "uniform", "zeros", "ones", "eye", "diag", "hcat", "vcat", "rows", "cols", "reshape",
        "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "erf", "relu", "sign",
        "sum", "mean", "max", "min", "norm", "trace", "eigvalsh", "cholesky", "solve", "inv", "det", "load", "save",
        "mlp", "nngp", "ntk", "init", "params", "apply", "weights", "biases", "empirical_ntk", "train", "loss",
        "predict", "predict_ensemble", "plot", "scatter", "heatmap", "print",
        // §8
        "range", "len", "str", "figure",
        // §9
        "serial", "parallel", "repeat", "FanOut", "FanInSum", "FanInProd", "FanInConcat", "Dense", "Identity",
        "LayerNorm", "Relu", "Erf", "Gelu", "LeakyRelu", "ABRelu", "Abs", "Sign", "Sin", "Cos", "Rbf", "Gaussian",
        "Exp", "Monomial", "RectifiedMonomial", "Polynomial", "Hermite", "Tanh", "ElementwiseNumerical",
        // §10
        "images", "flatten", "Conv", "AvgPool", "GlobalAvgPool", "Flatten",
        // §11
        "one_hot", "argmax", "argmin", "softmax", "log_softmax", "accuracy", "permutation", "nonzero",
        "standardize", "dataset"
    ]

    /// (signature, one-line summary) of every builtin, in reference order.
    package static var entries: [(signature: String, summary: String)] {
        Builtins.all.map { ($0.signature, $0.summary) }
    }

    /// The builtin table of docs/language.md (a test keeps the two identical).
    package static var markdownTable: String {
        var out = "| builtin | what it does |\n|---|---|\n"
        for e in entries {
            out += "| `\(e.signature.replacingOccurrences(of: "|", with: "\\|"))` | \(e.summary) |\n"
        }
        out += "\nConstants: " + Builtins.constants.keys.sorted().map { "`\($0)`" }.joined(separator: ", ") + ".\n"
        return out
    }
}
