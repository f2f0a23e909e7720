/// A value in a `.npy` header: the subset of Python literals numpy writes.
enum PythonLiteral {
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: String, value: PythonLiteral)])
}
