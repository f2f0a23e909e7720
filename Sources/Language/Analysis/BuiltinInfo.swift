/// What editors need to know of one builtin without calling it: its signature, summary and
/// parameter labels (hover and completion in `tangent lsp`), from the same table the evaluator
/// binds calls with, so the two cannot disagree.
package struct BuiltinInfo: Sendable {
    package struct Parameter: Sendable {
        package var name: String
        /// False when the call must give it.
        package var hasDefault: Bool
        /// Only `name: value` sets it.
        package var keywordOnly: Bool
    }

    package var name: String
    /// `linspace(start, stop, n)`, as `tangent builtins` prints it.
    package var signature: String
    package var summary: String
    package var parameters: [Parameter]
    /// A layer of a network (`Dense`, `Relu`, `serial`…), as opposed to a function of values.
    package var isLayer: Bool

    /// Every builtin function, in reference order.
    package static let all: [BuiltinInfo] = Builtins.all.map(BuiltinInfo.init)

    /// The builtin called `name`, or nil.
    package static func named(_ name: String) -> BuiltinInfo? {
        Builtins.table[name].map(BuiltinInfo.init)
    }

    /// Named constants (`pi`, `e`).
    package static var constants: [String] { Builtins.constants.keys.sorted() }

    private init(_ builtin: Builtin) {
        name = builtin.name
        signature = builtin.signature
        summary = builtin.summary
        parameters = builtin.parameters.map {
            Parameter(name: $0.name, hasDefault: $0.defaultValue != nil, keywordOnly: $0.keywordOnly)
        }
        isLayer = BuiltinInfo.layerNames.contains(builtin.name)
    }

    private static let layerNames = Set(Builtins.layers.map(\.name))
}
