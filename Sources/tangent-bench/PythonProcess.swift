import Foundation

/// A Python process for the neural-tangents side of a benchmark: JAX on the CPU, TensorFlow
/// quiet, standard output and error piped to the caller.
func neuralTangentsProcess(python: String, arguments: [String]) -> (process: Process, out: Pipe, err: Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["JAX_PLATFORMS"] = "cpu"
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    return (process, out, err)
}
