/// The per-input quantities of one input set (X1 or X2), computed once before the
/// pair loops: the input variances Σ⁰(x,x) = Σ_k x_k²/d (a row reduction, as in
/// neural-tangents) and, for each hidden layer, the activation's features of that
/// input's pre-activation variance.
///
/// Arrays are laid out for vector loads: feature f of input i in hidden layer l is at
/// `features[l * layerStride + f * stride + i]`, with `Vec.lanes` entries of padding after
/// the last input (copies of it) so that a vector load may start at any input.
struct InputSide {
    let count: Int
    let stride: Int
    let featureCount: Int
    /// Σ⁰(x_i, x_i), padded like the features.
    let inputVariance: [Double]
    let features: [Double]
    var layerStride: Int { featureCount * stride }

    /// Bytes an `InputSide` of `count` inputs occupies.
    static func bytes(count: Int, featureCount: Int, depth: Int) -> Int {
        let doubles = (count &+ Vec.lanes).multipliedReportingOverflow(by: featureCount * depth + 1)
        let bytes = doubles.partialValue.multipliedReportingOverflow(by: 8)
        return doubles.overflow || bytes.overflow ? Int.max : bytes.partialValue
    }

    /// `rows` is the row-major input matrix (count × width).
    init<A: ActivationMap>(rows: UnsafeBufferPointer<Double>, count: Int, width: Int, map: A, plan: LayerPlan) {
        self.count = count
        self.stride = count + Vec.lanes
        self.featureCount = map.featureCount
        let stride = self.stride
        let featureCount = self.featureCount
        let depth = plan.depth
        var variance = [Double](repeating: 0, count: stride)
        for i in 0..<count {
            var sum = 0.0
            for k in 0..<width {
                let v = rows[i * width + k]
                sum += v * v
            }
            variance[i] = sum / Double(width)
        }
        var features = [Double](repeating: 0, count: max(1, featureCount * stride * depth))
        features.withUnsafeMutableBufferPointer { out in
            var v = variance
            for l in 0..<depth {
                let step = plan.steps[l]
                for i in 0..<count {
                    let q = v[i] * step.weightVariance + step.biasVariance
                    if featureCount > 0 {
                        map.writeFeatures(
                            variance: q, to: out.baseAddress! + l * featureCount * stride + i,
                            stride: stride)
                    }
                    v[i] = map.variance(q)
                }
            }
            // Padding: copies of the last input, so padded lanes compute harmless values.
            if count > 0 {
                for l in 0..<depth {
                    for f in 0..<featureCount {
                        let row = l * featureCount * stride + f * stride
                        for i in count..<stride { out[row + i] = out[row + count - 1] }
                    }
                }
            }
        }
        if count > 0 { for i in count..<stride { variance[i] = variance[count - 1] } }
        self.inputVariance = variance
        self.features = features
    }
}
