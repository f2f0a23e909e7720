import NTKCore

/// The images value (docs/language.md#images-and-convolutions): n samples of height × width ×
/// channels in NHWC order. It exists so convolutional networks can see the spatial shape a flat
/// matrix loses; it is kept as the n×(h·w·c) matrix whose rows are the samples flattened in NHWC
/// order (numpy `x.reshape(n, -1)`), which is what `flatten` gives back.
package struct Images: Equatable, Sendable {
    /// n × (height·width·channels), one sample a row.
    package var pixels: Matrix
    package var height: Int
    package var width: Int
    package var channels: Int

    /// Samples at most drawn by `show`.
    package static let shownSamples = 8

    /// `pixels.cols` must equal `height · width · channels`, each at least 1.
    package init(pixels: Matrix, height: Int, width: Int, channels: Int) {
        precondition(height >= 1 && width >= 1 && channels >= 1 && pixels.cols == height * width * channels)
        self.pixels = pixels
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// The number of samples, n.
    package var count: Int { pixels.rows }

    /// `[n, h, w, c]`, the shape of the 4-D `.npy` array.
    package var shape: [Int] { [count, height, width, channels] }

    /// "10 × 8×8×1": samples × height×width×channels.
    package var shapeDescription: String { "\(count) × \(height)×\(width)×\(channels)" }

    /// The same shape with other pixels (an elementwise result).
    package func with(pixels: Matrix) -> Images {
        Images(pixels: pixels, height: height, width: width, channels: channels)
    }

    /// The samples at `indices`, in that order.
    package func samples(_ indices: [Int]) -> Images {
        var out: [Double] = []
        out.reserveCapacity(indices.count * pixels.cols)
        for i in indices { out.append(contentsOf: pixels.storage[(i * pixels.cols)..<((i + 1) * pixels.cols)]) }
        return with(pixels: Matrix(rows: indices.count, cols: pixels.cols, storage: out))
    }

    /// Sample `i` as an h×w matrix: channel 0 for one channel, else the mean over channels.
    package func plane(_ i: Int) -> Matrix {
        let base = i * pixels.cols
        return Matrix(rows: height, cols: width) { y, x in
            let at = base + (y * width + x) * channels
            var sum = 0.0
            for k in 0..<channels { sum += pixels.storage[at + k] }
            return sum / Double(channels)
        }
    }

    /// What the drawing shows: "channel 0" or "mean of the 3 channels".
    package var planeDescription: String { channels == 1 ? "channel 0" : "mean of the \(channels) channels" }

    /// The first samples (up to `shownSamples`) side by side as one heatmap, one empty (NaN,
    /// grey) column between neighbours, so every output format draws them as it draws figures.
    package var preview: Figure {
        let shown = min(count, Images.shownSamples)
        var figure = Figure(
            title: shown == 0
                ? "no samples"
                : "samples 0–\(shown - 1) of \(count), \(planeDescription) (grey columns separate samples)")
        guard shown > 0 else {
            figure.heatmap = Matrix(rows: 0, cols: 0, storage: [])
            return figure
        }
        let planes = (0..<shown).map(plane)
        let cols = shown * width + (shown - 1)
        figure.heatmap = Matrix(rows: height, cols: cols) { y, x in
            let (sample, column) = x.quotientAndRemainder(dividingBy: width + 1)
            return column == width ? .nan : planes[sample][y, column]
        }
        return figure
    }
}
