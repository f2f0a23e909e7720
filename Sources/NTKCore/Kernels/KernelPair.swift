/// The two infinite-width kernels of a network on the same inputs. Kept together
/// because they come out of one recursion; a member that was not requested is 0×0.
public struct KernelPair: Sendable, Equatable {
    /// The NNGP kernel (the output covariance of the random network).
    public var nngp: Matrix
    /// The neural tangent kernel.
    public var ntk: Matrix

    public init(nngp: Matrix, ntk: Matrix) {
        self.nngp = nngp
        self.ntk = ntk
    }
}

/// Which kernels to compute. Asking for one saves the memory of the other (and, for
/// `.nngp`, the derivative work).
public enum KernelSelection: Sendable, Equatable {
    case nngp, ntk, both

    var wantsNNGP: Bool { self != .ntk }
    var wantsNTK: Bool { self != .nngp }
    var matrixCount: Int { self == .both ? 2 : 1 }
}
