/// The forward and backward passes of the spatial layers on (n·h·w) × c images (NHWC rows):
/// `Conv` as im2col then one dgemm (a Dense layer on the patches, col2im on the way back),
/// `AvgPool` as window sums divided by the full window, `GlobalAvgPool` as the mean over
/// positions, and `Flatten` as a reinterpretation of the same storage.
extension LayerTape {
    /// NT's `Conv` (`lax.conv_general_dilated`, HWIO weights): z = s·patches(x)·W + t·b.
    static func conv(
        _ c: ConvLayer, _ x: Matrix, _ shape: FeatureShape, _ w: Matrix, _ b: Matrix?, index i: Int
    ) -> LayerTape {
        guard
            let map = WindowMap(
                height: shape.height, width: shape.width, windowHeight: c.filterHeight,
                windowWidth: c.filterWidth, strideHeight: c.strideHeight, strideWidth: c.strideWidth,
                padding: c.padding)
        else { preconditionFailure("LayerShapes refuses a Conv whose filter does not fit") }
        let n = x.rows / shape.positions
        let patches = map.patches(x, samples: n)
        let out = FeatureShape.image(height: map.outputHeight, width: map.outputWidth, channels: c.affine.outDim)
        let affine = dense(c.affine, patches, w, b, index: i, positions: map.outputPositions, shape: out)
        return LayerTape(outputs: affine.outputs, shapes: [out]) { cot, sink in
            let patchCotangent = affine.backward(cot, &sink)[0]
            return [map.scatter(patchCotangent, samples: n, channels: shape.channels)]
        }
    }

    /// NT's `AvgPool`: `lax.reduce_window` sums over each window divided by the window's size,
    /// also where `SAME` padding puts zeros in it (`normalize_edges=False`).
    static func avgPool(_ pool: PoolLayer, _ x: Matrix, _ shape: FeatureShape) -> LayerTape {
        guard
            let map = WindowMap(
                height: shape.height, width: shape.width, windowHeight: pool.windowHeight,
                windowWidth: pool.windowWidth, strideHeight: pool.strideHeight, strideWidth: pool.strideWidth,
                padding: pool.padding)
        else { preconditionFailure("LayerShapes refuses an AvgPool whose window does not fit") }
        let n = x.rows / shape.positions
        let scale = 1 / Double(map.windowSize)
        let out = FeatureShape.image(height: map.outputHeight, width: map.outputWidth, channels: shape.channels)
        return LayerTape(outputs: [map.windowSums(x, samples: n, scale: scale)], shapes: [out]) { cot, _ in
            [map.spreadWindows(cot[0], samples: n, scale: scale)]
        }
    }

    /// NT's `GlobalAvgPool`: each sample's mean over its positions, per channel.
    static func globalAvgPool(_ x: Matrix, _ shape: FeatureShape) -> LayerTape {
        let positions = shape.positions
        let n = x.rows / positions
        let c = x.cols
        let scale = 1 / Double(positions)
        var y = Matrix(rows: n, cols: c)
        for a in 0..<n {
            for p in 0..<positions {
                let from = (a * positions + p) * c
                for j in 0..<c { y.storage[a * c + j] += x.storage[from + j] }
            }
            for j in 0..<c { y.storage[a * c + j] *= scale }
        }
        return LayerTape(outputs: [y], shapes: [.vector(c)]) { cot, _ in
            let g = cot[0]
            var out = Matrix(rows: n * positions, cols: c)
            for a in 0..<n {
                for p in 0..<positions {
                    let to = (a * positions + p) * c
                    for j in 0..<c { out.storage[to + j] = scale * g.storage[a * c + j] }
                }
            }
            return [out]
        }
    }

    /// NT's `Flatten`: the (n·h·w) × c rows read as n × (h·w·c), NHWC order; vectors unchanged.
    static func flatten(_ x: Matrix, _ shape: FeatureShape) -> LayerTape {
        let positions = shape.positions
        let n = x.rows / positions
        let flat = Matrix(rows: n, cols: positions * x.cols, storage: x.storage)
        let c = x.cols
        return LayerTape(outputs: [flat], shapes: [.vector(shape.size)]) { cot, _ in
            [Matrix(rows: n * positions, cols: c, storage: cot[0].storage)]
        }
    }
}
