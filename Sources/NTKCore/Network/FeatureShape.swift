/// The shape of one sample as it flows through a network: a feature vector of `channels`
/// entries, or an image of height × width × channels (NHWC). A batch of n samples is always
/// held as a matrix: n × channels for vectors, and (n·height·width) × channels for images, one
/// row per sample and position in row-major NHWC order, so a Dense layer on images is one
/// matrix product (a 1×1 convolution, as in NT), activations act entry by entry, and `Flatten`
/// is a reinterpretation of the same storage as n × (height·width·channels).
public struct FeatureShape: Equatable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int
    /// false: a feature vector (height = width = 1).
    public var isSpatial: Bool

    /// A feature vector of `width` entries.
    public static func vector(_ width: Int) -> FeatureShape {
        FeatureShape(height: 1, width: 1, channels: width, isSpatial: false)
    }

    /// An image of height × width × channels.
    public static func image(height: Int, width: Int, channels: Int) -> FeatureShape {
        FeatureShape(height: height, width: width, channels: channels, isSpatial: true)
    }

    /// Spatial positions per sample (1 for a vector).
    public var positions: Int { height * width }

    /// Entries per sample: height·width·channels.
    public var size: Int { height * width * channels }

    /// This shape with another channel count.
    public func with(channels: Int) -> FeatureShape {
        FeatureShape(height: height, width: width, channels: channels, isSpatial: isSpatial)
    }

    /// "8×8×3" for images, "64" for vectors.
    public var description: String { isSpatial ? "\(height)×\(width)×\(channels)" : "\(channels)" }
}
