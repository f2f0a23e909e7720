import Language

/// The shapes a point can be drawn as (`marker:`): filled shapes take the enclosing group's
/// fill; a cross and a plus are strokes, drawn in the series colour.
enum SVGMarker {
    /// One marker of `size` pixels across, centred on (`x`, `y`).
    static func draw(
        _ marker: SeriesStyle.Marker, x: Double, y: Double, size: Double, color: String, into w: inout SVGWriter
    ) {
        let n = SVGWriter.number
        let r = size / 2
        switch marker {
        case .none:
            return
        case .circle:
            w.element("circle", [("cx", n(x)), ("cy", n(y)), ("r", n(r))])
        case .square:
            let s = r * 0.9
            w.element("rect", [("x", n(x - s)), ("y", n(y - s)), ("width", n(2 * s)), ("height", n(2 * s))])
        case .triangle:
            let h = r * 1.15
            w.element(
                "path",
                [("d", "M\(n(x)),\(n(y - h))L\(n(x + h)),\(n(y + h * 0.8))L\(n(x - h)),\(n(y + h * 0.8))Z")])
        case .diamond:
            let h = r * 1.25
            w.element(
                "path", [("d", "M\(n(x)),\(n(y - h))L\(n(x + h)),\(n(y))L\(n(x)),\(n(y + h))L\(n(x - h)),\(n(y))Z")])
        case .cross, .plus:
            let h = marker == .cross ? r * 0.9 : r * 1.15
            let d =
                marker == .cross
                ? "M\(n(x - h)),\(n(y - h))L\(n(x + h)),\(n(y + h))M\(n(x - h)),\(n(y + h))L\(n(x + h)),\(n(y - h))"
                : "M\(n(x - h)),\(n(y))L\(n(x + h)),\(n(y))M\(n(x)),\(n(y - h))L\(n(x)),\(n(y + h))"
            w.element("path", [("d", d), ("fill", "none"), ("stroke", color), ("stroke-width", "1.5")])
        }
    }
}
