/// A rectangle in pixels (y grows downwards).
struct SVGRect: Equatable {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ px: Double, _ py: Double) -> Bool {
        px >= x && px <= maxX && py >= y && py <= maxY
    }

    func insetBy(_ d: Double) -> SVGRect {
        SVGRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }

    /// Whether the segment from (x0, y0) to (x1, y1) meets the rectangle (Liang–Barsky).
    func intersects(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Bool {
        var t0 = 0.0
        var t1 = 1.0
        let dx = x1 - x0
        let dy = y1 - y0
        for (p, q) in [(-dx, x0 - x), (dx, maxX - x0), (-dy, y0 - y), (dy, maxY - y0)] {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let r = q / p
                if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
                if t0 > t1 { return false }
            }
        }
        return true
    }
}
