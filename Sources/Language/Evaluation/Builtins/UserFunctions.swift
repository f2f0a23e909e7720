import Foundation
import NTKCore

/// Runs `def` functions from inside NTKCore (`ElementwiseNumerical(fn, deg, df)`): NTKCore
/// takes plain `(Double) -> Double` closures, so a network builtin `bridge`s its work: while
/// it runs, the closures find the call's evaluation context on the current thread, and the
/// first error a user function raises (or a result that is not a number) is kept and thrown
/// at the call once NTKCore returns. NTKCore calls these closures on the calling thread.
enum UserFunctions {
    /// The evaluation the closures run in, and the first error they hit.
    final class Frame {
        let context: EvaluationContext
        let range: SourceRange
        var error: Diagnostic?
        init(context: EvaluationContext, range: SourceRange) {
            self.context = context
            self.range = range
        }
    }

    private static let key = "tangent.user-functions.frame"

    /// Runs `body` with `c`'s context available to user-function closures; rethrows their
    /// first error at the call.
    static func bridge<T>(_ c: BuiltinCall, _ body: () throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        let frame = Frame(context: c.context, range: c.range)
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[key]
        dictionary[key] = frame
        defer { dictionary[key] = previous }
        let result = try body()
        if let error = frame.error { throw error }
        return result
    }

    /// A closure that calls `f` on one number in the bridged evaluation (NaN outside one, or
    /// after an error).
    static func closure(_ f: Function, role: String) -> @Sendable (Double) -> Double {
        let box = UncheckedFunction(f)
        return { x in
            guard let frame = Thread.current.threadDictionary[key] as? Frame, frame.error == nil else { return .nan }
            do throws(Diagnostic) {
                let v = try Evaluator.invoke(
                    box.function, [(label: nil, labelRange: nil, value: .number(x), range: frame.range)],
                    context: frame.context, range: frame.range)
                switch v {
                case .number(let y): return y
                case .matrix(let m) where m.count == 1: return m.storage[0]
                default:
                    frame.error = .error(
                        "ElementwiseNumerical: \(role) must return a number, got \(v.typeDescription)", at: frame.range)
                    return .nan
                }
            } catch {
                frame.error = error
                return .nan
            }
        }
    }
}

/// A function value handed to NTKCore's `@Sendable` closures; the closures only run on the
/// thread that bridged the call.
private final class UncheckedFunction: @unchecked Sendable {
    let function: Function
    init(_ f: Function) { function = f }
}

extension Layer {
    /// Whether an `ElementwiseNumerical` layer (user functions) is inside.
    var containsUserFunctions: Bool {
        switch self {
        case .serial(let ls), .parallel(let ls): return ls.contains(where: \.containsUserFunctions)
        case .activation(.numerical): return true
        default: return false
        }
    }
}
