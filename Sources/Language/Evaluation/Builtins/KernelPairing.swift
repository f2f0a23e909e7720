import NTKCore

/// The kernel the first call of a pair (`KernelPairs`) computed for the second: the NNGP when
/// the first asked for the NTK, or the NTK when it asked for the NNGP, with what it was
/// computed from.
struct KeptKernel {
    let kind: KernelSelection
    let network: AnyNetwork
    let x1: Matrix
    let x2: Matrix?
    let input: FeatureShape
    let kernel: Matrix

    /// Whether a call asking for `kind` of `network` on these inputs gets exactly this kernel.
    /// The matrices compare in O(1) when they share storage (the usual case: the same names).
    func serves(
        _ kind: KernelSelection, _ network: AnyNetwork, _ x1: Matrix, _ x2: Matrix?, _ input: FeatureShape
    ) -> Bool {
        kind == self.kind && input == self.input && network.sameKernels(as: self.network) && x1 == self.x1
            && x2 == self.x2
    }
}

extension AnyNetwork {
    /// No user functions: a `def` may read names that changed between the two calls, so the
    /// kernels of a network holding one are never shared.
    var canShareKernels: Bool {
        if case .layer(let l) = self { return !l.containsUserFunctions }
        return true
    }

    /// Equal networks whose kernels may be shared.
    func sameKernels(as other: AnyNetwork) -> Bool {
        switch (self, other) {
        case (.mlp(let a), .mlp(let b)): return a == b
        case (.layer(let a), .layer(let b)): return a == b && canShareKernels
        default: return false
        }
    }
}

extension Builtins {
    /// `nngp`/`ntk` in memory. The first call of a planned pair computes both kernels in one
    /// recursion and keeps the other for its partner; the partner takes it when its network
    /// and inputs are equal. Where computing both fails (no memory for two kernels, or no NTK
    /// for this network), the call computes what it asked for alone, with that call's errors.
    static func pairedAnalytic(
        _ c: BuiltinCall, _ net: AnyNetwork, _ x1: Matrix, _ x2: Matrix?, _ which: KernelSelection,
        input shape: FeatureShape
    ) throws(Diagnostic) -> Matrix {
        let context = c.context
        if let kept = context.keptKernel, kept.serves(which, net, x1, x2, shape) {
            context.keptKernel = nil
            context.kernelsShared += 1
            return kept.kernel
        }
        if context.callDepth == 0, context.pairedKernelCalls.contains(c.range), net.canShareKernels,
            let pair = try? analyticPair(c, net, x1, x2, .both, input: shape)
        {
            let other: KernelSelection = which == .ntk ? .nngp : .ntk
            context.keptKernel = KeptKernel(
                kind: other, network: net, x1: x1, x2: x2, input: shape,
                kernel: other == .ntk ? pair.ntk : pair.nngp)
            return which == .ntk ? pair.ntk : pair.nngp
        }
        return try analytic(c, net, x1, x2, which, input: shape)
    }
}
